/**
 * The what-if checked by OpenSSL too: evaluate the chain, run the loopback handshakes the plan asks for (I/O), then
 * evaluate again with their outcome so the advice says who confirmed it. Shared by `verify` and the live check.
 */
import type { ChainVerdict } from "../result/verdict.js";
import type { OpensslProofCheck } from "../types.js";
import type { OpensslProofOutcome, OpensslProofPlan } from "../advise/openssl-proof.js";
import { encodePem } from "../cert/pem.js";

/**
 * How long OpenSSL may be asked: until `deadline` (performance.now() time; a live target's own --timeout), and not
 * after `signal` aborts. `verify` has no --timeout: it gets DEFAULT_PROOF_BUDGET_MS.
 */
export interface ProofBound {
  readonly deadline: number;
  readonly signal?: AbortSignal;
}

/** Two anchor sets at most, each handshake bounded by 3 s in src/proof/loopback.ts. */
export const DEFAULT_PROOF_BUDGET_MS = 6000;

/** Below this, a handshake cannot finish: OpenSSL is not asked at all. */
const MIN_HANDSHAKE_MS = 50;

export const defaultProofBound = (): ProofBound => ({ deadline: performance.now() + DEFAULT_PROOF_BUDGET_MS });

/** Each anchor set in turn, until OpenSSL accepts one (or cannot be asked: no time left, cancelled, no verdict). */
export async function runOpensslProof(plan: OpensslProofPlan, storePems: readonly string[], sameTime: boolean, bound: ProofBound = defaultProofBound()): Promise<OpensslProofOutcome> {
  // Loaded only when there is something to prove: node:tls costs start-up time.
  const { opensslLoopbackVerdict } = await import("../proof/loopback.js");
  const chain = plan.chain.map((c) => c.der);
  const checks: OpensslProofCheck[] = [];
  for (const candidate of plan.candidates) {
    const timeoutMs = Math.floor(bound.deadline - performance.now());
    if (timeoutMs < MIN_HANDSHAKE_MS || bound.signal?.aborted) {
      const reason = bound.signal?.aborted ? "the check was cancelled" : `no time was left within the timeout (${Math.max(0, timeoutMs)} ms)`;
      checks.push({ anchors: candidate.anchors, verdict: "unavailable", reason });
      break;
    }
    const ca = [...storePems, ...candidate.certificates.map((c) => encodePem(c.der))];
    const { verdict, reason } = await opensslLoopbackVerdict(chain, plan.chain[0]!, ca, { timeoutMs, ...(bound.signal ? { signal: bound.signal } : {}) });
    checks.push({ anchors: candidate.anchors, verdict, reason });
    if (verdict !== "rejected") break;
  }
  return { checks, sameTime };
}

/** `evaluate` once; when it returns a plan, ask OpenSSL (within `bound`) and evaluate again with the outcome. */
export async function provenByOpenssl(
  evaluate: (proof?: OpensslProofOutcome) => { result: ChainVerdict; plan: OpensslProofPlan | null },
  storePems: readonly string[], sameTime: boolean, bound: ProofBound = defaultProofBound(),
): Promise<ChainVerdict> {
  const first = evaluate();
  if (!first.plan) return first.result;
  return evaluate(await runOpensslProof(first.plan, storePems, sameTime, bound)).result;
}
