/** Adapts a DER trust store (indexed by normalised subject name, not parsed) to the validator's `TrustAnchors`. */
import type { Certificate } from "../types.js";
import { readCertificate } from "../cert/parse.js";
import type { TrustAnchors } from "./validate.js";

/**
 * What the validator needs of a trust store (src/trust/store.ts): lookup by normalised subject name
 * (`Certificate.subjectKey`, RFC 5280 §7.1) and exact membership.
 */
export interface AnchorDerSource {
  readonly source: { readonly description: string };
  candidatesBySubject(subjectKey: string): readonly Uint8Array[];
  contains(der: Uint8Array): boolean;
}

/**
 * Parses anchors only when a path reaches their name. A certificate that cannot be decoded is never an
 * anchor (a broken root in the system bundle must not break every validation), but `unreadable` names it so
 * the report can say why the issuer the path needed was not used.
 */
export function trustAnchors(store: AnchorDerSource): TrustAnchors {
  const parsed = new Map<string, Certificate[]>();
  const read = (subjectKey: string): Certificate[] => {
    let certs = parsed.get(subjectKey);
    if (!certs) {
      certs = store.candidatesBySubject(subjectKey).map((der) => readCertificate(der));
      parsed.set(subjectKey, certs);
    }
    return certs;
  };
  return {
    description: store.source.description,
    named: (subjectKey) => read(subjectKey).filter((c) => c.unreadable === undefined),
    unreadable: (subjectKey) => read(subjectKey).filter((c) => c.unreadable !== undefined),
    contains: (cert) => store.contains(cert.der),
  };
}
