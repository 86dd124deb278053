/** Cryptographic strength: what clients at OpenSSL's default security level (2) reject. */
import type { Certificate, Finding } from "../../types.js";
import { makeFinding } from "../../findings/finding.js";

const WEAK_HASHES: ReadonlySet<string> = new Set(["md5", "sha1"]);

/** MD5/SHA-1 signature on a certificate whose signature a client verifies. */
export function checkSignatureStrength(cert: Certificate): Finding[] {
  const hash = cert.signatureAlgorithm.hash;
  return hash && WEAK_HASHES.has(hash)
    ? [makeFinding("WEAK_SIGNATURE_ALGORITHM", cert, { algorithm: cert.signatureAlgorithm.name })]
    : [];
}

/**
 * RSA below 2048 bits, EC below 256 bits, and DSA of any size: TLS 1.3 has no DSA (RFC 8446 §4.2.3),
 * Go, rustls and browsers do not verify it, and the CA/B Forum BR 6.1.5 allows only RSA and ECDSA.
 */
export function checkKeyStrength(cert: Certificate): Finding[] {
  const { type, bits, curve } = cert.publicKey;
  if (type === "dsa") return [makeFinding("WEAK_KEY", cert, { key: bits === undefined ? "DSA" : `DSA ${bits}-bit` })];
  if (bits === undefined) return [];
  const weak = ((type === "rsa" || type === "rsa-pss") && bits < 2048) || (type === "ec" && bits < 256);
  if (!weak) return [];
  const key = type === "ec" ? `EC ${curve ?? ""} (${bits}-bit)`.replace("  ", " ") : `${type.toUpperCase()} ${bits}-bit`;
  return [makeFinding("WEAK_KEY", cert, { key })];
}
