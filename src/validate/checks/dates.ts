/** Validity period checks (RFC 5280 §4.1.2.5), at a time the caller chooses. */
import type { Certificate } from "../../types.js";
import type { Finding } from "../../findings/finding.js";
import { makeFinding } from "../../findings/finding.js";

import { wholeDays } from "../days.js";

export function checkValidity(cert: Certificate, at: Date): Finding[] {
  if (at < cert.notBefore) {
    return [makeFinding("NOT_YET_VALID", cert, { notBefore: cert.notBefore.toISOString(), at: at.toISOString() })];
  }
  if (at > cert.notAfter) {
    return [makeFinding("EXPIRED", cert, { notAfter: cert.notAfter.toISOString(), at: at.toISOString() })];
  }
  return [];
}

/** EXPIRING_SOON for a currently valid certificate that expires within `warnDays`. */
export function checkExpiringSoon(cert: Certificate, at: Date, warnDays: number): Finding[] {
  if (at < cert.notBefore || at > cert.notAfter) return [];
  const days = wholeDays(at, cert.notAfter);
  if (days >= warnDays) return [];
  return [makeFinding("EXPIRING_SOON", cert, { notAfter: cert.notAfter.toISOString(), days, warnDays })];
}
