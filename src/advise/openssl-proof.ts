/**
 * OpenSSL's part of the proof (pure): which anchor sets to try in a loopback handshake, and what the outcome means
 * for the advice (src/words/advice.ts says it). The handshake itself is I/O (src/proof/loopback.ts); the orchestration runs it between two
 * evaluations of the same chain.
 */
import type { Certificate, OpensslProofCheck } from "../types.js";
import { shaSet } from "../cert/identity.js";

/** An anchor set for OpenSSL to try, besides the trust store. */
export interface ProofCandidate {
  readonly anchors: OpensslProofCheck["anchors"];
  readonly certificates: readonly Certificate[];
}

/** What the loopback check needs: the chain exactly as presented, and the anchor sets in the order to try. */
export interface OpensslProofPlan {
  readonly chain: readonly Certificate[];
  readonly candidates: readonly ProofCandidate[];
}

/** The checks that ran, and whether OpenSSL (which always verifies now) checked at chaincheck's validation time. */
export interface OpensslProofOutcome {
  readonly checks: readonly OpensslProofCheck[];
  /** False when chaincheck validated at another time (--at): a rejection may then be about dates only. */
  readonly sameTime: boolean;
}


/**
 * The advised set first; then, in case OpenSSL picks another path (it prefers trusted certificates and does not
 * backtrack), every certificate of chaincheck's proven path above the leaf that the store lacks.
 */
export function proofCandidates(advised: readonly Certificate[], path: readonly Certificate[], inStore: (c: Certificate) => boolean): ProofCandidate[] {
  const whole = path.slice(1).filter((c) => !inStore(c));
  const a = shaSet(advised);
  const same = whole.length === a.size && whole.every((c) => a.has(c.sha256));
  return same ? [{ anchors: "advised", certificates: advised }] : [{ anchors: "advised", certificates: advised }, { anchors: "path", certificates: whole }];
}

/** The check whose anchor set the advice should name: the path set when OpenSSL accepted only that one. */
export function chosenSet(outcome: OpensslProofOutcome): OpensslProofCheck["anchors"] {
  const [advised, path] = outcome.checks;
  return advised?.verdict === "rejected" && path?.verdict === "accepted" && outcome.sameTime ? "path" : "advised";
}

/**
 * Does the advice still stand for OpenSSL-based clients too? Yes when OpenSSL accepted the advised set, could not
 * be asked, checked at another time (not comparable), or accepted the path set; no when it rejected every set
 * chaincheck accepts.
 */
export function opensslAgrees(outcome: OpensslProofOutcome): boolean {
  const [first, second] = outcome.checks;
  if (!first || first.verdict !== "rejected" || !outcome.sameTime) return true;
  return second?.verdict === "accepted";
}
