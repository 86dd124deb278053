/**
 * The what-if checked by OpenSSL too: evaluate the chain, run the loopback handshakes the plan asks for (I/O), then
 * evaluate again with their outcome so the advice says who confirmed it. Shared by `verify` and the live check.
 */
import type { ChainVerdict } from "../result/verdict.js";
import type { OpensslProofCheck } from "../types.js";
import type { OpensslProofOutcome, OpensslProofPlan } from "../advise/openssl-proof.js";
import { encodePem } from "../cert/pem.js";

/** Each anchor set in turn, until OpenSSL accepts one (or cannot be asked). */
export async function runOpensslProof(plan: OpensslProofPlan, storePems: readonly string[], sameTime: boolean): Promise<OpensslProofOutcome> {
  // Loaded only when there is something to prove: node:tls costs start-up time.
  const { opensslLoopbackVerdict } = await import("../proof/loopback.js");
  const chain = plan.chain.map((c) => c.der);
  const checks: OpensslProofCheck[] = [];
  for (const candidate of plan.candidates) {
    const ca = [...storePems, ...candidate.certificates.map((c) => encodePem(c.der))];
    const { verdict, reason } = await opensslLoopbackVerdict(chain, plan.chain[0]!, ca);
    checks.push({ anchors: candidate.anchors, verdict, reason });
    if (verdict !== "rejected") break;
  }
  return { checks, sameTime };
}

/** `evaluate` once; when it returns a plan, ask OpenSSL and evaluate again with the outcome. */
export async function provenByOpenssl(
  evaluate: (proof?: OpensslProofOutcome) => { result: ChainVerdict; plan: OpensslProofPlan | null },
  storePems: readonly string[], sameTime: boolean,
): Promise<ChainVerdict> {
  const first = evaluate();
  if (!first.plan) return first.result;
  return evaluate(await runOpensslProof(first.plan, storePems, sameTime)).result;
}
