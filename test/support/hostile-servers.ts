/**
 * Servers for the probe tests, all on loopback port 0: misbehaving plain-TCP servers (silent, reset, plain HTTP,
 * banners, half a TLS record, random bytes) and a TLS server helper. Every server counts its connections so tests
 * can assert that the probe closed each one.
 */
import { randomBytes } from "node:crypto";
import { connect as createNetConnection, createServer as createNetServer, type AddressInfo, type Server, type Socket } from "node:net";
import { createServer as createTlsServer, type Server as TlsServer, type TLSSocket, type TlsOptions } from "node:tls";

export interface TestServer {
  readonly host: string;
  readonly port: number;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Connections still open. */
  readonly open: number;
  /** Bytes received, per connection, in order. */
  readonly received: Buffer[][];
  /** Resolves true once every accepted connection has closed, false after `ms`. */
  allClosed(ms?: number): Promise<boolean>;
  /** Closes the listener and destroys any connection left. */
  close(): Promise<void>;
}

/**
 * Wraps a listening server with connection bookkeeping (raw TCP sockets, also for TLS servers). `record` keeps the
 * bytes received; never for TLS servers, whose raw sockets belong to the TLS layer.
 */
export async function track(server: Server, host = "127.0.0.1", record = true): Promise<TestServer> {
  const sockets = new Set<Socket>();
  const received: Buffer[][] = [];
  let accepted = 0;
  let waiters: (() => void)[] = [];
  server.on("connection", (socket: Socket) => {
    accepted++;
    sockets.add(socket);
    const chunks: Buffer[] = [];
    received.push(chunks);
    if (record) socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("error", () => {});
    socket.on("close", () => {
      sockets.delete(socket);
      if (sockets.size === 0) {
        for (const w of waiters) w();
        waiters = [];
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    host,
    port,
    get accepted() {
      return accepted;
    },
    get open() {
      return sockets.size;
    },
    received,
    allClosed(ms = 1000) {
      if (sockets.size === 0) return Promise.resolve(true);
      return new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(sockets.size === 0), ms);
        waiters.push(() => {
          clearTimeout(timer);
          resolve(true);
        });
      });
    },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A plain TCP server; `onConnection` decides how it misbehaves. */
export function rawServer(onConnection: (socket: Socket) => void, host = "127.0.0.1"): Promise<TestServer> {
  return track(createNetServer(onConnection), host);
}

/** Runs `reply` on the first bytes the client sends (its ClientHello). */
function onFirstData(reply: (socket: Socket, first: Buffer) => void): (socket: Socket) => void {
  return (socket) => socket.once("data", (first: Buffer) => reply(socket, first));
}

export const RSERVE_PLAIN_ID = "Rsrv0103QAP1\r\n\r\n--------------\r\n";

export const hostile = {
  /** Accepts and never says anything. */
  silent: () => rawServer(() => {}),
  /** Accepts and resets (RST) at once. */
  reset: () => rawServer((s) => s.resetAndDestroy()),
  /** Accepts, reads the ClientHello, closes cleanly (FIN). */
  hangUp: () => rawServer(onFirstData((s) => s.end())),
  /** A plain HTTP server: answers the ClientHello with 400, like Node's or nginx's parser would. */
  plainHttp: () =>
    rawServer(
      onFirstData((s) =>
        s.end("HTTP/1.1 400 Bad Request\r\nServer: TornadoServer/6.4.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"),
      ),
    ),
  /** A plain HTTP server that waits for a complete request forever (a TLS client on a plain-HTTP TabPy port waited more than 10 minutes without an error). */
  plainHttpWaiting: () => rawServer(() => {}),
  /** Speaks first, like a mail server. */
  smtpBanner: () => rawServer((s) => s.write("220 mail.example.test ESMTP Postfix (Debian/GNU)\r\n")),
  /** A ServerHello record header announcing 122 bytes, two of them, then nothing. */
  halfTlsRecord: () => rawServer(onFirstData((s) => s.write(Buffer.from("16030300 7a0200".replace(/ /g, ""), "hex")))),
  /** 64 random bytes whose first byte (0x00-0x0f) cannot start a TLS record. */
  randomBytes: () =>
    rawServer(
      onFirstData((s) => {
        const junk = randomBytes(64);
        junk[0] = junk[0]! & 0x0f;
        s.write(junk);
      }),
    ),
  /** Rserve's plain QAP1 port: the ID string arrives unasked. */
  rservePlain: () => rawServer((s) => s.write(RSERVE_PLAIN_ID)),
  /** Answers the ClientHello with a fatal handshake_failure alert, then closes. */
  tlsAlert: () => rawServer(onFirstData((s) => s.end(Buffer.from("15030300020228", "hex")))),
};

export interface TlsServerHooks {
  /** Runs per established TLS connection. */
  onSecure?: (socket: TLSSocket) => void;
  /** Runs once on the tls.Server before it listens (e.g. to add an OCSPRequest handler). */
  setup?: (server: TlsServer) => void;
  host?: string;
}

/** A TLS server. Raw connections are tracked like the others. */
export function tlsServer(options: TlsOptions, hooks: TlsServerHooks = {}): Promise<TestServer> {
  const server = createTlsServer(options, (socket) => {
    socket.on("error", () => {});
    hooks.onSecure?.(socket);
    // Keep reading (discarding what no handler wants) so the client's close is seen as it would be by a real server.
    socket.resume();
  });
  server.on("tlsClientError", () => {});
  hooks.setup?.(server);
  return track(server, hooks.host ?? "127.0.0.1", false);
}

/** Handshake bytes of a TLS 1.2 server flight, framed in records of at most 16 KiB. */
function records(type: number, body: Buffer): Buffer {
  const out: Buffer[] = [];
  for (let at = 0; at < body.length; at += 16384) {
    const fragment = body.subarray(at, at + 16384);
    const header = Buffer.from([type, 3, 3, 0, 0]);
    header.writeUInt16BE(fragment.length, 3);
    out.push(header, fragment);
  }
  return Buffer.concat(out);
}

function u24(n: number): Buffer {
  const b = Buffer.alloc(3);
  b.writeUIntBE(n, 0, 3);
  return b;
}

/**
 * A hand-made TLS 1.2 server: answers the ClientHello with a ServerHello (ECDHE-RSA-AES128-GCM-SHA256, secure
 * renegotiation) and a Certificate message holding `certificates`. `announce` overrides the message's length field;
 * `sendBytes` cuts the message body short; then the server stalls or closes. Enough for a client that aborts on
 * the Certificate message (OpenSSL's max_cert_list), never a complete handshake.
 */
export function certificateFlightServer(
  certificates: readonly Uint8Array[], options: { announce?: number; sendBytes?: number; then: "stall" | "close" },
): Promise<TestServer> {
  const list = Buffer.concat(certificates.flatMap((der) => [u24(der.length), Buffer.from(der)]));
  const body = Buffer.concat([u24(list.length), list]);
  const announced = options.announce ?? body.length;
  const hello = Buffer.concat([
    Buffer.from([3, 3]), randomBytes(32), Buffer.from([0]), Buffer.from([0xc0, 0x2f, 0]),
    Buffer.from("0005ff01000100", "hex"), // extensions: renegotiation_info (empty)
  ]);
  const handshake = Buffer.concat([
    Buffer.from([2]), u24(hello.length), hello,
    Buffer.from([11]), u24(announced), body.subarray(0, options.sendBytes ?? body.length),
  ]);
  return rawServer(onFirstData((s) => {
    s.write(records(22, handshake));
    if (options.then === "close") s.end();
  }));
}

/** A TCP relay that sends its n-th connection to `ports[n % ports.length]` (a load balancer over unlike backends). */
export function alternatingRelay(ports: readonly number[]): Promise<TestServer> {
  let next = 0;
  return track(createNetServer((client) => {
    const port = ports[next++ % ports.length]!;
    const backend = createNetConnection({ host: "127.0.0.1", port });
    client.on("error", () => backend.destroy());
    backend.on("error", () => client.destroy());
    client.pipe(backend).pipe(client);
  }), "127.0.0.1", false);
}
