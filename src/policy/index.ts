/**
 * Policies: gates the user adds on top of "will Tableau trust it" (`--min-days`, `--expect-issuer`,
 * `--expect-fingerprint`, `--expect-same-chain`). Pure functions over `ChainVerdict`s; each adds findings and
 * recomputes the verdict consistently (see `withPolicyFindings`).
 */
import type { ChainVerdict } from "../result/verdict.js";
import { checkMinDays } from "./expiry.js";
import { checkPins, type Pins } from "./pins.js";
import { checkSameChain } from "./same-chain.js";

export interface PolicyOptions extends Pins {
  /** `--min-days`: 0 = off. */
  readonly minDays: number;
  readonly expectSameChain: boolean;
}

export const NO_POLICY: PolicyOptions = { minDays: 0, issuer: null, fingerprints: [], expectSameChain: false };

/** Applies the per-target policies to each result, then the cross-target one; results stay in input order. */
export function applyPolicies(results: readonly ChainVerdict[], options: PolicyOptions): ChainVerdict[] {
  const each = results.map((r) => checkPins(checkMinDays(r, options.minDays), options));
  return options.expectSameChain ? checkSameChain(each) : each;
}

export { withPolicyFindings, type Policy } from "./apply.js";
export { checkMinDays } from "./expiry.js";
export { checkPins, canonicalRdns, sameDistinguishedName, type Pins } from "./pins.js";
export { checkSameChain, chainDifference } from "./same-chain.js";
