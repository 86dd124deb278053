/** Checks any certificate of a path must pass, whatever its position. */
import type { Certificate } from "../../types.js";
import type { Finding } from "../../findings/finding.js";
import { makeFinding } from "../../findings/finding.js";

/** Encoding defects and critical extensions chaincheck does not process (RFC 5280 §4.2). */
export function checkWellFormed(cert: Certificate): Finding[] {
  const out: Finding[] = [];
  if (cert.defects.length > 0) out.push(makeFinding("MALFORMED_CERTIFICATE", cert, { defects: cert.defects }));
  if (cert.unknownCriticalExtensions.length > 0) {
    out.push(makeFinding("UNKNOWN_CRITICAL_EXTENSION", cert, { oids: cert.unknownCriticalExtensions }));
  }
  return out;
}
