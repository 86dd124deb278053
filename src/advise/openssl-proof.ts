/**
 * OpenSSL's part of the proof (pure): which anchor sets to try in a loopback handshake, and what the outcome means
 * for the advice. The handshake itself is I/O (src/proof/loopback.ts); the orchestration runs it between two
 * evaluations of the same chain.
 */
import type { Certificate, OpensslProofCheck } from "../types.js";

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

const shaSet = (certs: readonly Certificate[]) => new Set(certs.map((c) => c.sha256));

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

const LOOPBACK = "a loopback TLS handshake with this chain, trusting the store plus exactly these certificates; host name not compared";

/**
 * The sentence OpenSSL adds to chaincheck's proof, and whether the advice still stands for both. `advised` and
 * `path` name the two sets in words.
 */
export function opensslProofWords(outcome: OpensslProofOutcome, advised: string, path: string): { text: string; bothAgree: boolean } {
  const [first, second] = outcome.checks;
  if (!first) return { text: "", bothAgree: true };
  const when = outcome.sameTime ? "" : " (OpenSSL checks at the current time, not at chaincheck's validation time)";
  if (first.verdict === "accepted") {
    return { text: ` Confirmed by OpenSSL too (${LOOPBACK}${outcome.sameTime ? "" : "; at the current time, not at chaincheck's validation time"}).`, bothAgree: true };
  }
  if (first.verdict === "unavailable") return { text: ` OpenSSL's check could not run: ${first.reason ?? "no reason given"}.`, bothAgree: true };
  const rejected = `OpenSSL rejects ${advised} (${first.reason ?? "no reason given"})${when}: it prefers trusted certificates and does not backtrack, so it may take another path than chaincheck`;
  if (!outcome.sameTime) return { text: ` Not comparable: ${rejected}.`, bothAgree: true };
  if (second?.verdict === "accepted") {
    return { text: ` chaincheck accepts ${advised}, but ${rejected}. The set above is therefore ${path}: with it both accept the chain (${LOOPBACK}).`, bothAgree: true };
  }
  const also = second ? `; it also rejects ${path} (${second.reason ?? "no reason given"})` : "";
  return {
    text: ` Both verdicts: chaincheck accepts ${advised}; ${rejected}${also}. No set to install satisfies both: clients built on OpenSSL may still reject this chain. Serve the simplest chain (leaf, then its own intermediates) and remove stale intermediates from the client's store (OpenSSL uses a trusted intermediate first, even one that leads to no trusted root).`,
    bothAgree: false,
  };
}
