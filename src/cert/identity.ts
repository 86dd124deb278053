/**
 * When two certificates are the same certificate: when their DER is the same, which chaincheck tells by the
 * SHA-256 of the DER (the identity every report prints). Never object identity, never the subject: two
 * certificates with one subject and key are twins (cross-signs, renewals), not one certificate. The trust store
 * compares DER bytes directly while loading (no hashing, src/trust/store.ts): the same equality. Pure.
 */

/** Anything that carries a certificate's identity. */
interface Identified {
  readonly sha256: string;
}

export function sameCertificate(a: Identified, b: Identified): boolean {
  return a.sha256 === b.sha256;
}

/** The identities of `certs`, for membership tests. */
export function shaSet(certs: readonly Identified[]): Set<string> {
  return new Set(certs.map((c) => c.sha256));
}

/** `certs` with repeats of the same certificate removed, the first kept. */
export function distinctCertificates<T extends Identified>(certs: readonly T[]): T[] {
  const seen = new Set<string>();
  return certs.filter((c) => !seen.has(c.sha256) && seen.add(c.sha256));
}
