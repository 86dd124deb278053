/**
 * What Node knows about the peer after the handshake: its certificate stack and OpenSSL's verify result.
 * Reads a connected TLSSocket; no network I/O of its own.
 */
import type { X509Certificate } from "node:crypto";
import type { Socket } from "node:net";
import type { TLSSocket } from "node:tls";
import type { ProbeSuccess, TlsDetails, WireOrderReason } from "./types.js";
import { extractWireChain } from "./wire-chain.js";

/** A walk of `.issuerCertificate` longer than this is a loop, not a chain. */
const MAX_WALK = 64;

/**
 * One walk of the peer stack via `.issuerCertificate`: the order received, extras and duplicates included
 * (undocumented Node behaviour). Destructive: a second getPeerX509Certificate() returns undefined, so call it once.
 */
export function walkPeerStack(first: X509Certificate | undefined): Uint8Array[] {
  const out: Uint8Array[] = [];
  const seen = new Set<X509Certificate>();
  for (let cert = first; cert && !seen.has(cert) && out.length < MAX_WALK; cert = cert.issuerCertificate) {
    seen.add(cert);
    out.push(new Uint8Array(cert.raw));
  }
  return out;
}

/**
 * OpenSSL's verify result from the socket's internal handle (Node's public API has it only after a completed
 * handshake): null when the chain verified, undefined when the handle cannot say (closed, or Node changed).
 */
export function handleVerifyError(secure: TLSSocket): (Error & { code?: string }) | null | undefined {
  const handle = (secure as unknown as { _handle?: { verifyError?: () => (Error & { code?: string }) | null } })._handle;
  if (typeof handle?.verifyError !== "function") return undefined;
  try {
    return handle.verifyError();
  } catch {
    return undefined;
  }
}

/** OpenSSL's verify result. Node's `authorizationError` code is often UNSPECIFIED while the message is precise: keep both. */
export function opensslVerdict(secure: TLSSocket): { authorized: boolean; reason: string | null } {
  if (secure.authorized) return { authorized: true, reason: null };
  const code = secure.authorizationError ? String(secure.authorizationError) : null;
  // Node keeps only the code; its internal handle still has the full verify error.
  const message = handleVerifyError(secure)?.message;
  if (message && code && code !== "UNSPECIFIED" && code !== message) return { authorized: false, reason: `${code}: ${message}` };
  return { authorized: false, reason: message ?? code };
}

/**
 * The presented chain: parsed from the recorded handshake when possible ("wire"), else Node's walk of the peer stack
 * ("reconstructed"; never getPeerCertificate(true), which appends the client's own roots).
 */
export function presentedChain(
  recorded: Buffer,
  serverHandshakeSecret: Buffer | undefined,
  crossCheck: Uint8Array[],
): Pick<ProbeSuccess, "presented" | "order" | "orderReason"> {
  let orderReason: WireOrderReason;
  try {
    const wire = extractWireChain(recorded, serverHandshakeSecret);
    // The leaf OpenSSL saw must be the first certificate parsed; anything else would be a parser bug.
    if (crossCheck.length === 0 || Buffer.from(wire.certificates[0]!).equals(crossCheck[0]!)) {
      return { presented: wire.certificates, order: "wire" };
    }
    orderReason = { kind: "leaf-differs" };
  } catch (err) {
    // Unreadable handshake (resumed, unknown suite, no keylog secret, over the recording cap): fall back, and say why.
    orderReason = { kind: "unreadable", reason: err instanceof Error ? err.message : String(err) };
  }
  return { presented: [...crossCheck], order: "reconstructed", orderReason };
}

/** Protocol, cipher (IANA name), OCSP staple, address and SNI of an established connection. */
export function tlsDetails(secure: TLSSocket, raw: Socket, ocsp: Buffer | null, servername: string | null): TlsDetails {
  const cipher = secure.getCipher();
  return {
    protocol: secure.getProtocol() ?? "unknown",
    cipher: cipher.standardName ?? cipher.name,
    ocspStapled: ocsp !== null,
    ...(ocsp ? { ocspResponse: new Uint8Array(ocsp) } : {}),
    remoteAddress: raw.remoteAddress ?? "",
    servername,
  };
}
