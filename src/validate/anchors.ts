/** Adapts a DER trust store (indexed by subject, not parsed) to the validator's `TrustAnchors`. */
import type { Certificate } from "../types.js";
import { parseCertificate } from "../cert/parse.js";
import type { TrustAnchors } from "./validate.js";

/** What the validator needs of a trust store (src/trust/store.ts): lookup by subject Name DER (hex) and exact membership. */
export interface AnchorDerSource {
  readonly source: { readonly description: string };
  candidatesBySubject(subjectKey: string): readonly Uint8Array[];
  contains(der: Uint8Array): boolean;
}

/** Parses anchors only when a path reaches their name; an unparseable anchor is skipped. */
export function trustAnchors(store: AnchorDerSource): TrustAnchors {
  const parsed = new Map<string, Certificate[]>();
  return {
    description: store.source.description,
    named(subjectKey) {
      let certs = parsed.get(subjectKey);
      if (!certs) {
        certs = [];
        for (const der of store.candidatesBySubject(subjectKey)) {
          try {
            certs.push(parseCertificate(der));
          } catch {
            // A broken root in the system bundle must not break every validation.
          }
        }
        parsed.set(subjectKey, certs);
      }
      return certs;
    },
    contains: (cert) => store.contains(cert.der),
  };
}
