/**
 * Work bounds for certificate input (README "Security: what is bounded"). Every read and every
 * decode has a byte and a certificate cap; PKCS#12 decoding also has a budget of key-derivation
 * iterations for the whole file. Trust inputs (a corporate CA bundle can hold thousands of
 * certificates) get larger caps than a presented chain. Pure constants.
 */

/** Caps for one input (one file, or one buffer given to the decoder). */
export interface InputLimits {
  /** Largest input, in bytes. */
  readonly maxBytes: number;
  /** Most certificates decoded from the input. */
  readonly maxCertificates: number;
  /** What such inputs are called in messages ("certificate files"). */
  readonly kind: string;
}

const MIB = 1024 * 1024;

/** What a server presents, held intermediates, `--chain`: a chain is a handful of certificates. */
export const PRESENTED_LIMITS: InputLimits = { maxBytes: 10 * MIB, maxCertificates: 1_000, kind: "certificate files" };

/** `--ca-file` and the system store bundle: corporate bundles are large. */
export const TRUST_LIMITS: InputLimits = { maxBytes: 40 * MIB, maxCertificates: 20_000, kind: "CA files" };

/** `--targets-file`: one target per line. */
export const TARGETS_FILE_MAX_BYTES = 1 * MIB;

/** PKCS#12 work bounds (RFC 7292 files: MAC, encrypted safes, bags). */
export const PKCS12_LIMITS = {
  /**
   * Key-derivation iterations for the whole file, known and checked before any derivation runs:
   * each derivation counts its iteration count times its output blocks, twice for an empty
   * password (two encodings are tried). Legitimate files need a few million at most (GnuTLS
   * certtool: 600,000 for the MAC plus 600,000 for the certificates).
   */
  maxIterations: 16_000_000,
  /** Any one iteration count above this is refused outright. */
  maxIterationsPerDerivation: 10_000_000,
  /** ContentInfo entries of the AuthenticatedSafe (tools write 1 to 3). */
  maxSafes: 64,
  /** SafeBags of every kind in the whole file, nested ones included. */
  maxBags: 25_000,
} as const;

/** "16,000,000": numbers in messages, grouped as people read them. */
export function grouped(n: number | bigint): string {
  return n.toLocaleString("en-US");
}
