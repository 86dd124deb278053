/**
 * Cryptographic strength, exactly as OpenSSL's default security level 2 (Debian, RHEL, Node, Python) judges a
 * chain in a TLS handshake (`check_auth_level`): every key of the path, the trust anchor's included, must give
 * 112 bits of security (RSA and DSA >= 2048 bits, EC >= 224 bits), and every signature but the trust anchor's
 * must use a digest stronger than SHA-1 (MD5 and SHA-1 are refused).
 */
import type { Certificate } from "../../types.js";
import type { Finding } from "../../findings/finding.js";
import { makeFinding } from "../../findings/finding.js";
import { signatureDigest } from "../../cert/signature.js";

const WEAK_HASHES: ReadonlySet<string> = new Set(["md5", "sha1"]);

/** MD5/SHA-1 signature on a certificate whose signature a client verifies (any but the trust anchor). */
export function checkSignatureStrength(cert: Certificate): Finding[] {
  const hash = signatureDigest(cert.signatureAlgorithm);
  return hash && WEAK_HASHES.has(hash)
    ? [makeFinding("WEAK_SIGNATURE_ALGORITHM", cert, { algorithm: cert.signatureAlgorithm.name === "RSASSA-PSS" ? `RSASSA-PSS with ${hash}` : cert.signatureAlgorithm.name })]
    : [];
}

/** Smallest key sizes at security level 2 (112 bits): OpenSSL's `SSL_SECURITY_LEVEL` table. */
const MIN_BITS = { rsa: 2048, "rsa-pss": 2048, dsa: 2048, ec: 224 } as const;

/**
 * A key below security level 2, and DSA of any size: TLS 1.3 has no DSA (RFC 8446 §4.2.3), Go, rustls and
 * browsers do not verify it, and the CA/B Forum BR 6.1.5 allows only RSA and ECDSA, so a DSA key of 2048 bits
 * or more is still reported (with its own reason).
 */
export function checkKeyStrength(cert: Certificate): Finding[] {
  const { type, bits, curve } = cert.publicKey;
  const min = MIN_BITS[type as keyof typeof MIN_BITS] as number | undefined;
  if (min === undefined) return [];
  const weak = bits !== undefined && bits < min;
  if (!weak && type !== "dsa") return [];
  return [makeFinding("WEAK_KEY", cert, { type, ...(bits === undefined ? {} : { bits }), ...(curve === undefined ? {} : { curve }), rule: weak ? "security-level" : "dsa" })];
}
