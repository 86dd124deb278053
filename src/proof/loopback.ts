/**
 * OpenSSL's verdict on a chain against given anchors, without the server's private key: a one-connection TLS 1.2
 * server on 127.0.0.1 (free port) presents the chain (see server-flight.ts) to Node's own TLS client, which trusts
 * exactly `ca`, runs at its default security level and compares no host name. The client verifies the Certificate
 * message, then fails on the deliberately invalid key-exchange signature (alert decrypt_error): its verify result
 * is then OpenSSL's verdict. Anything else (an earlier failure, a timeout, a cancel) is "unavailable", never a verdict.
 * Network I/O; bounded as a whole by `timeoutMs` (at most 3 s) and the caller's signal; the server and both sockets
 * are always closed.
 */
import { createECDH, generateKeyPairSync, randomBytes } from "node:crypto";
import { createServer, type AddressInfo, type Socket } from "node:net";
import { connect, type TLSSocket } from "node:tls";
import type { Certificate } from "../types.js";
import { alertName, CONTENT, HANDSHAKE, HandshakeReassembler, parseClientHello, readRecord, WireFormatError } from "../probe/tls-wire.js";
import { handleVerifyError } from "../probe/peer.js";
import { chooseParameters, serverFlight, type GroupName } from "./server-flight.js";

export interface LoopbackVerdict {
  /** accepted: OpenSSL verified the chain; rejected: it did not (reason given); unavailable: the check could not run. */
  readonly verdict: "accepted" | "rejected" | "unavailable";
  readonly reason: string | null;
  /** OpenSSL verifies at the current time: when it did. */
  readonly at: Date;
  readonly elapsedMs: number;
}

/** decrypt_error: what an OpenSSL client sends when the ServerKeyExchange signature does not verify. */
const DECRYPT_ERROR = 51;
const DEFAULT_TIMEOUT_MS = 3000;

function ephemeralPublicKey(group: GroupName): Uint8Array {
  if (group === "secp256r1") {
    const ecdh = createECDH("prime256v1");
    return ecdh.generateKeys();
  }
  const spki = generateKeyPairSync("x25519").publicKey.export({ type: "spki", format: "der" });
  return spki.subarray(spki.length - 32);
}

/** The server half: answer the first ClientHello with the flight, then note the alert the client sends back. */
function serve(socket: Socket, chain: readonly Uint8Array[], leaf: Certificate, state: { alert: number | null; problem: string | null }, onAlert: () => void): void {
  const handshake = new HandshakeReassembler();
  let buffered: Buffer = Buffer.alloc(0);
  let answered = false;
  socket.on("error", () => {});
  socket.on("data", (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    try {
      let offset = 0;
      for (let rec = readRecord(buffered, 0); rec; rec = readRecord(buffered, offset)) {
        offset += 5 + rec.fragment.length;
        if (rec.type === CONTENT.alert && rec.fragment.length === 2) {
          state.alert = rec.fragment[1]!;
          onAlert();
        }
        if (rec.type !== CONTENT.handshake || answered) continue;
        for (const message of handshake.push(rec.fragment)) {
          if (message.type !== HANDSHAKE.clientHello || answered) continue;
          answered = true;
          const parameters = chooseParameters(parseClientHello(message.body), leaf);
          if (typeof parameters === "string") {
            state.problem = parameters;
            socket.destroy();
            return;
          }
          socket.write(serverFlight({ parameters, chain, leaf, random: randomBytes(32), ephemeralPublicKey: ephemeralPublicKey(parameters.group) }));
        }
      }
      buffered = buffered.subarray(offset);
    } catch (err) {
      state.problem = err instanceof WireFormatError ? err.message : String(err);
      socket.destroy();
    }
  });
}

/**
 * OpenSSL's verdict on `chain` (DER, leaf first, presented as is) against exactly the anchors `ca` (PEM).
 * `leaf` is the parsed first certificate (its key type picks the cipher suite and signature scheme).
 */
export async function opensslLoopbackVerdict(
  chain: readonly Uint8Array[], leaf: Certificate, ca: readonly string[], options: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<LoopbackVerdict> {
  const started = performance.now();
  const at = new Date();
  const done = (verdict: LoopbackVerdict["verdict"], reason: string | null): LoopbackVerdict =>
    ({ verdict, reason, at, elapsedMs: performance.now() - started });
  const state: { alert: number | null; problem: string | null } = { alert: null, problem: null };
  const sockets = new Set<Socket>();
  let client: TLSSocket | undefined;
  let settle: () => void = () => {};
  const alertSeen = new Promise<void>((resolve) => (settle = resolve));
  const server = createServer((socket) => {
    sockets.add(socket);
    serve(socket, chain, leaf, state, settle);
    socket.on("close", () => settle());
  });
  // One bound for the whole check (listen, handshake, the alert's grace), and the caller's signal on top.
  const timeoutMs = Math.min(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, DEFAULT_TIMEOUT_MS);
  const left = () => Math.max(0, started + timeoutMs - performance.now());
  const { signal } = options;
  let stopWaiting: (error: Error) => void = () => {};
  const stopped = new Promise<Error>((resolve) => (stopWaiting = resolve));
  const timer = setTimeout(() => stopWaiting(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  const onAbort = () => stopWaiting(new Error("the check was cancelled"));
  signal?.addEventListener("abort", onAbort, { once: true });
  if (signal?.aborted) onAbort();
  try {
    const listening = new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    const cut = await Promise.race([listening.then(() => null), stopped]);
    if (cut) return done("unavailable", `the loopback check could not run: ${cut.message}`);
    const port = (server.address() as AddressInfo).port;
    const outcome = await new Promise<{ error: Error | null; verifyError: (Error & { code?: string }) | null | undefined }>((resolve) => {
      void stopped.then((error) => resolve({ error, verifyError: undefined }));
      client = connect({
        host: "127.0.0.1", port, ca: [...ca], minVersion: "TLSv1.2", maxVersion: "TLSv1.2",
        // The verdict is on the chain; the name is chaincheck's to judge (and the connection is to 127.0.0.1).
        checkServerIdentity: () => undefined, rejectUnauthorized: false,
      });
      client.once("error", (error: Error) => {
        // Read now: the handle goes once the socket is destroyed.
        resolve({ error, verifyError: handleVerifyError(client!) });
      });
      client.once("secureConnect", () => {
        resolve({ error: new Error("the handshake completed, which the loopback server cannot allow"), verifyError: undefined });
      });
    });
    // The client's alert follows its error closely; wait for it briefly (or for the close).
    let grace: NodeJS.Timeout | undefined;
    await Promise.race([alertSeen, stopped, new Promise((resolve) => (grace = setTimeout(resolve, Math.min(200, left()))))]);
    clearTimeout(grace);
    if (state.problem) return done("unavailable", state.problem);
    if (outcome.verifyError) {
      const { code, message } = outcome.verifyError;
      return done("rejected", code && code !== message ? `${code}: ${message}` : message);
    }
    if (outcome.verifyError === null && state.alert === DECRYPT_ERROR) return done("accepted", null);
    const alert = state.alert === null ? "no alert" : `alert ${alertName(state.alert)}`;
    const error = outcome.error ? ((outcome.error as NodeJS.ErrnoException).code ?? outcome.error.message) : "no error";
    return done("unavailable", `the loopback handshake stopped before OpenSSL's verdict could be read (${error}, ${alert})`);
  } catch (err) {
    return done("unavailable", `the loopback check could not run: ${(err as Error).message}`);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
    client?.destroy();
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
