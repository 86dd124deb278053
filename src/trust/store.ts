/**
 * A set of trusted certificates, indexed by subject Name for issuer lookup, without parsing them:
 * the subject is cut out of each DER with a minimal walk (src/cert/shape.ts) and normalised as RFC 5280 §7.1
 * and OpenSSL compare names (src/cert/name.ts), so a 144-root system store loads in a few milliseconds,
 * a child whose issuer name differs only in case, spacing or string type still finds its root, and only the
 * candidates for a path are parsed (by src/cert). Pure.
 */
import { toHex } from "../asn1/der.js";
import { subjectNameDer } from "../cert/shape.js";
import { encodePem } from "../cert/pem.js";
import { nameKey } from "../cert/name.js";

/** Where a trust store came from, for reports. */
export interface TrustSourceInfo {
  readonly kind: "system" | "files";
  /** e.g. "system store /etc/ssl/certs/ca-certificates.crt (144 certificates)". */
  readonly description: string;
  /** The files (or directories) read. */
  readonly paths: readonly string[];
}

export class TrustStore {
  readonly source: TrustSourceInfo;
  /**
   * What loading left out, one line each: certificates that could not be indexed, skipped directory entries, what an
   * OS loader noticed. Reported as TRUST_STORE_NOTE findings.
   */
  readonly warnings: readonly string[];
  readonly #ders: readonly Uint8Array[];
  readonly #bySubject = new Map<string, Uint8Array[]>();
  #sha256?: Set<string>;
  #pems?: readonly string[];

  /**
   * @param ders the certificates' DER, in source order; pass each certificate once
   *        ({@link uniqueCertificates} removes exact duplicates)
   * @param warnings what the loader noticed (skipped files), kept in {@link TrustStore.warnings}
   */
  constructor(source: TrustSourceInfo, ders: readonly Uint8Array[], warnings: readonly string[] = []) {
    this.source = source;
    this.#ders = [...ders];
    const notes = [...warnings];
    this.#ders.forEach((der, i) => {
      let key: string;
      try {
        key = nameKey(subjectNameDer(der), "subject");
      } catch {
        notes.push(`certificate ${i + 1} of ${source.description} is not a well-formed certificate; it is not used as an issuer`);
        return;
      }
      const bucket = this.#bySubject.get(key);
      if (bucket) bucket.push(der);
      else this.#bySubject.set(key, [der]);
    });
    this.warnings = notes;
  }

  /** Number of certificates. */
  get size(): number {
    return this.#ders.length;
  }

  /**
   * DER of every certificate whose normalised subject Name equals `subjectKeyHex` (as in
   * `Certificate.issuerKey`: RFC 5280 section 7.1 matching, OpenSSL's canonical encoding, hex).
   */
  candidatesBySubject(subjectKeyHex: string): Uint8Array[] {
    return [...(this.#bySubject.get(subjectKeyHex.toLowerCase()) ?? [])];
  }

  /** True when exactly this certificate (same DER) is in the store. */
  contains(der: Uint8Array): boolean {
    this.#sha256 ??= new Set(this.#ders.map(sha256Hex));
    return this.#sha256.has(sha256Hex(der));
  }

  /** Every certificate's DER, in source order. */
  all(): Uint8Array[] {
    return [...this.#ders];
  }

  /** Every certificate as PEM, e.g. for node:tls's `ca` option. */
  pems(): string[] {
    this.#pems ??= this.#ders.map((der) => encodePem(der));
    return [...this.#pems];
  }
}

/** SHA-256 for {@link TrustStore.contains}; node:crypto is loaded on first use only. */
function sha256Hex(der: Uint8Array): string {
  // Not a static import: node:crypto costs ~3 ms at start-up and most runs never call this.
  return process.getBuiltinModule("node:crypto").createHash("sha256").update(der).digest("hex");
}

/**
 * The certificates with exact-DER duplicates removed, first occurrence kept. Keyed by length and
 * the signature's last bytes, then compared in full: no hashing, so loading does not pull in
 * node:crypto (about 1.5 ms of a cold start).
 */
export function uniqueCertificates(ders: Iterable<Uint8Array>): Uint8Array[] {
  const seen = new Map<string, Uint8Array[]>();
  const out: Uint8Array[] = [];
  for (const der of ders) {
    const key = `${der.length}:${toHex(der.subarray(Math.max(0, der.length - 16)))}`;
    const same = seen.get(key);
    if (same?.some((other) => Buffer.compare(other, der) === 0)) continue;
    if (same) same.push(der);
    else seen.set(key, [der]);
    out.push(der);
  }
  return out;
}

/** "1 certificate", "144 certificates". */
export function countCertificates(n: number): string {
  return `${n} certificate${n === 1 ? "" : "s"}`;
}
