/**
 * Raw clients for server tests: the certificate chain a TLS server sent (in the order sent, through
 * `getPeerX509Certificate().issuerCertificate`, which walks the peer stack in the order received, extras included) and the first bytes it speaks.
 * Every wait is bounded.
 */
import { X509Certificate } from "node:crypto";
import { connect as netConnect } from "node:net";
import type { Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";
import type { ConnectionOptions } from "node:tls";

const DEFAULT_TIMEOUT_MS = 5_000;

/** SHA-256 fingerprint (Node's colon form) of a PEM certificate. */
export function fingerprint(pem: string): string {
  return new X509Certificate(pem).fingerprint256;
}

export interface TlsGreeting {
  /** Fingerprints of the certificates the server sent, in the order received. */
  readonly chain: readonly string[];
  /** Negotiated protocol, e.g. "TLSv1.3". */
  readonly protocol: string | null;
  /** The first `want` bytes the server sent after the handshake (fewer if it closed). */
  readonly greeting: Buffer;
  /** The connected socket, still open; the caller destroys it. */
  readonly socket: Socket;
}

/**
 * Handshakes without verifying (the chain is what is examined), walks the sent chain once (the
 * walk is destructive), then reads `want` bytes (0 = read nothing).
 */
export function tlsGreeting(
  port: number, want: number, extra: ConnectionOptions = {}, timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<TlsGreeting> {
  return withTimeout(timeoutMs, `TLS greeting from port ${port}`, (resolve, reject, onCleanup) => {
    const socket = tlsConnect({ host: "127.0.0.1", port, rejectUnauthorized: false, ca: [], ...extra });
    onCleanup(() => socket.destroy());
    socket.once("error", reject);
    socket.once("secureConnect", () => {
      const chain: string[] = [];
      for (let c = socket.getPeerX509Certificate(); c !== undefined && chain.length < 16; c = c.issuerCertificate) {
        chain.push(c.fingerprint256);
      }
      const protocol = socket.getProtocol();
      readBytes(socket, want).then((greeting) => resolve({ chain, protocol, greeting, socket }), reject);
    });
  });
}

/** Plain TCP: the first `want` bytes the server sends unasked. */
export function plainGreeting(port: number, want: number, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<{
  greeting: Buffer; socket: Socket;
}> {
  return withTimeout(timeoutMs, `plain greeting from port ${port}`, (resolve, reject, onCleanup) => {
    const socket = netConnect({ host: "127.0.0.1", port });
    onCleanup(() => socket.destroy());
    socket.once("error", reject);
    socket.once("connect", () => {
      readBytes(socket, want).then((greeting) => resolve({ greeting, socket }), reject);
    });
  });
}

/** Reads exactly `want` bytes, or what arrived before the peer closed; extra bytes are kept. */
function readBytes(socket: Socket, want: number): Promise<Buffer> {
  if (want === 0) return Promise.resolve(Buffer.alloc(0));
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let length = 0;
    let finished = false;
    const done = (): void => {
      if (finished) return;
      finished = true;
      socket.off("data", onData);
      socket.pause();
      resolve(Buffer.concat(chunks));
    };
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      length += chunk.length;
      if (length >= want) done();
    };
    socket.on("data", onData);
    socket.once("end", done);
    socket.once("close", done);
  });
}

/** Resolves when the socket closes, or rejects after the timeout. */
export function closedWithin(socket: Socket, timeoutMs: number): Promise<void> {
  if (socket.destroyed || socket.closed) return Promise.resolve();
  return withTimeout(timeoutMs, "socket close", (resolve) => {
    socket.resume();
    socket.once("close", () => resolve());
  });
}

type Executor<T> = (
  resolve: (value: T) => void, reject: (error: unknown) => void, onCleanup: (fn: () => void) => void,
) => void;

/** A promise that rejects after `timeoutMs`, running cleanups on failure. */
export function withTimeout<T>(timeoutMs: number, what: string, executor: Executor<T>): Promise<T> {
  const cleanups: (() => void)[] = [];
  return new Promise<T>((resolve, reject) => {
    const fail = (error: unknown): void => {
      clearTimeout(timer);
      for (const fn of cleanups) fn();
      reject(error);
    };
    const timer = setTimeout(() => fail(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
    executor((value) => { clearTimeout(timer); resolve(value); }, fail, (fn) => cleanups.push(fn));
  });
}
