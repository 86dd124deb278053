/**
 * `--min-days N`: every certificate of the built path (leaf, intermediates, the trust-store certificate that ends
 * it) must stay valid at least N more days after the validation time. Pure.
 */
import { wholeDays } from "../validate/days.js";
import { distinctCertificates } from "../cert/identity.js";
import { makeFinding } from "../findings/finding.js";
import type { ChainVerdict } from "../result/verdict.js";
import { withPolicyFindings } from "./apply.js";


/**
 * Adds EXPIRES_TOO_SOON (an error) for each certificate of `result.builtPath` with fewer than `minDays` days left,
 * replacing that certificate's EXPIRING_SOON warning. Certificates already reported EXPIRED are left to that finding.
 * `minDays` 0 disables the check.
 */
export function checkMinDays(result: ChainVerdict, minDays: number): ChainVerdict {
  if (minDays <= 0 || !result.builtPath) return result;
  const expired = new Set(result.findings.filter((f) => f.code === "EXPIRED").map((f) => f.certificate));
  const added = distinctCertificates(result.builtPath.certificates)
    .filter((cert) => !expired.has(cert.sha256))
    .map((cert) => ({ cert, days: wholeDays(result.checkedAt, cert.notAfter) }))
    .filter(({ days }) => days < minDays)
    .map(({ cert, days }) => makeFinding("EXPIRES_TOO_SOON", cert, { notAfter: cert.notAfter, days, minDays }));
  const flagged = new Set(added.map((f) => f.certificate));
  return withPolicyFindings(result, added, (f) => f.code === "EXPIRING_SOON" && flagged.has(f.certificate));
}
