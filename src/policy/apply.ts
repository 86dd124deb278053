/**
 * How a policy changes a result: through `withFindings` (src/result/verdict.ts), so findings are sorted and status and
 * headline recomputed exactly as everywhere else; `trusted` stays the chain verdict (a pin or a minimum lifetime
 * does not change whether Tableau trusts the chain, but any error makes the status "fail"). Pure.
 */
import type { Finding } from "../findings/finding.js";
import { withFindings, type ChainVerdict } from "../result/verdict.js";

/** A policy: one result in, the same result (or one with more findings) out. */
export type Policy = (result: ChainVerdict) => ChainVerdict;

/**
 * Returns `result` with `added` merged in. `supersedes` drops existing findings the added ones replace (an
 * EXPIRING_SOON warning about a certificate that now has an EXPIRES_TOO_SOON error). A result whose status is
 * "error" (no chain was obtained) is returned unchanged: a policy has nothing to judge there.
 */
export function withPolicyFindings(result: ChainVerdict, added: readonly Finding[], supersedes?: (existing: Finding) => boolean): ChainVerdict {
  if (result.status === "error" || added.length === 0) return result;
  const base = supersedes ? { ...result, findings: result.findings.filter((f) => !supersedes(f)) } : result;
  return withFindings(base, added);
}
