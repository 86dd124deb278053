/** Validity period checks (RFC 5280 §4.1.2.5), at a time the caller chooses. */
import type { Certificate, Finding } from "../../types.js";
import { makeFinding } from "../../findings/finding.js";

const DAY_MS = 86_400_000;

export function checkValidity(cert: Certificate, at: Date): Finding[] {
  if (at < cert.notBefore) {
    return [makeFinding("NOT_YET_VALID", cert, { notBefore: cert.notBefore.toISOString(), at: at.toISOString() })];
  }
  if (at > cert.notAfter) {
    return [makeFinding("EXPIRED", cert, { notAfter: cert.notAfter.toISOString(), at: at.toISOString() })];
  }
  return [];
}

/** Whole days from `at` until `cert` expires (0 on its last day). */
export function daysLeft(cert: Certificate, at: Date): number {
  return Math.floor((cert.notAfter.getTime() - at.getTime()) / DAY_MS);
}

/** EXPIRING_SOON for a currently valid certificate that expires within `warnDays`. */
export function checkExpiringSoon(cert: Certificate, at: Date, warnDays: number): Finding[] {
  if (at < cert.notBefore || at > cert.notAfter) return [];
  const days = daysLeft(cert, at);
  if (days >= warnDays) return [];
  return [makeFinding("EXPIRING_SOON", cert, { notAfter: cert.notAfter.toISOString(), days, warnDays })];
}
