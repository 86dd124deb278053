/**
 * A Certificate message the TLS library refused as too large (OpenSSL aborts the handshake with "excessive message
 * size" once the message header announces more than its certificate-list limit). The probe keeps reading the
 * message from the recorded bytes; this module says when enough has arrived and what it holds. Pure.
 */
import { TLS13_SUITES } from "./tls13-keys.js";
import { WireFormatError } from "./tls-wire.js";
import type { OversizedCertificateMessage, OversizedFailure } from "./types.js";
import { receivedCertificates } from "./wire-chain.js";

/** OpenSSL's error for a handshake message above its limit (ssl/statem/statem.c). */
export const OVERSIZED_ERROR = /excessive message size/i;

/** OpenSSL's default max_cert_list (SSL_MAX_CERT_LIST_DEFAULT, 100 KiB); Node offers no way to raise it. */
export const OPENSSL_MAX_CERT_LIST = 100 * 1024;

const PROTOCOLS: Record<number, string> = { 0x0300: "SSLv3", 0x0301: "TLSv1", 0x0302: "TLSv1.1", 0x0303: "TLSv1.2", 0x0304: "TLSv1.3" };

export interface OversizedRead {
  /** Nothing more is worth waiting for: the message is complete, unreadable, or recording stopped. */
  readonly settled: boolean;
  /** What arrived, when at least one whole certificate did. */
  readonly received?: {
    readonly certificates: Uint8Array[];
    readonly protocol: string;
    readonly cipher: string;
    readonly oversized: OversizedCertificateMessage;
  };
  /** Why no certificate can be reported (when settled and `received` is absent). */
  readonly failure?: OversizedFailure;
}

/**
 * Reads the recorded server bytes after the handshake was aborted as oversized.
 * @param cut why reading stopped, when it did (the deadline, the server's close); undefined while still reading.
 * @param capped the recording stopped at its size cap.
 */
export function oversizedChain(
  inbound: Buffer, serverHandshakeSecret: Uint8Array | undefined, capped: boolean, cut?: "closed" | "deadline",
): OversizedRead {
  let scan: ReturnType<typeof receivedCertificates>;
  try {
    scan = receivedCertificates(inbound, serverHandshakeSecret);
  } catch (err) {
    const reason = err instanceof WireFormatError ? err.message : String(err);
    const waiting = /^no Certificate message/.test(reason) && !capped && cut === undefined;
    return { settled: !waiting, failure: { kind: "unreadable", reason } };
  }
  const stop = scan.complete ? undefined : capped ? "recording-cap" : cut;
  if (!scan.complete && stop === undefined) return { settled: false };
  if (scan.announcedBytes <= OPENSSL_MAX_CERT_LIST) return { settled: true, failure: { kind: "later-message", announced: scan.announcedBytes } };
  const oversized: OversizedCertificateMessage = {
    messageBytes: scan.announcedBytes,
    receivedBytes: scan.receivedBytes,
    limitBytes: OPENSSL_MAX_CERT_LIST,
    complete: scan.complete,
    ...(stop ? { cut: stop } : {}),
  };
  if (scan.certificates.length === 0) {
    return {
      settled: true,
      failure: { kind: "no-certificate", announced: scan.announcedBytes, limit: OPENSSL_MAX_CERT_LIST, received: scan.receivedBytes, ...(stop ? { cut: stop } : {}) },
    };
  }
  const suite = TLS13_SUITES.get(scan.cipherSuite)?.name ?? `0x${scan.cipherSuite.toString(16).padStart(4, "0").toUpperCase()}`;
  return {
    settled: true,
    received: { certificates: scan.certificates, protocol: PROTOCOLS[scan.version] ?? `0x${scan.version.toString(16)}`, cipher: suite, oversized },
  };
}
