/**
 * A verdict in words: the one place where a check's typed findings and advice become the sentences reports
 * show (src/words). The result is the JSON report's `results[]` (schemaVersion 2: every version 1 field, plus
 * `findings[].evidence` and `remediation.cannotFixFindings`) and what every other renderer lays out. Pure.
 */
import type { Finding } from "../findings/finding.js";
import type { Advice } from "../advise/advise.js";
import { PLATFORMS } from "../advise/platforms.js";
import type { ChainResult, ChainVerdict } from "../result/verdict.js";
import type { Remediation, ReportedFinding, Service } from "../types.js";
import { installItem, installSteps, proofWords, serverSideSteps } from "../words/advice.js";
import { findingWords } from "../words/findings.js";

/** A finding with its message and remediation (the version 1 fields first, then its evidence). */
export function reportFinding(f: Finding): ReportedFinding {
  const { message, remediation } = findingWords(f);
  return { code: f.code, severity: f.severity, message, remediation, certificate: f.certificate, evidence: f.evidence } as ReportedFinding;
}

/**
 * The advice in words, field by field in the order of JSON version 1: the certificates to install, the steps with
 * the platform's commands, the proof, the server-side alternative, and what no installed certificate fixes
 * ("CODE: remediation", and the findings themselves).
 */
function reportAdvice(advice: Advice, service: Service | null): Remediation {
  const install = advice.install.map(installItem);
  const partialChainInstall = advice.partialChainInstall.map(installItem);
  return {
    install,
    steps: advice.context ? installSteps(install, partialChainInstall, PLATFORMS[advice.targetOs], advice.context) : [],
    targetOs: advice.targetOs,
    partialChainInstall,
    verifiedAfterInstall: advice.verifiedAfterInstall,
    proof: advice.proof ? proofWords(advice.proof) : null,
    serverSide: advice.serverSide ? serverSideSteps(service) : [],
    cannotFix: advice.cannotFix.map((f) => `${f.code}: ${findingWords(f).remediation}`),
    cannotFixFindings: advice.cannotFix.map((f) => ({ code: f.code, certificate: f.certificate })),
    ...(advice.reorder ? { reorder: advice.reorder } : {}),
    ...(advice.recheck ? { recheck: advice.recheck } : {}),
    ...(advice.opensslProof ? { opensslProof: advice.opensslProof } : {}),
  };
}

export function reportResult(verdict: ChainVerdict): ChainResult {
  return { ...verdict, findings: verdict.findings.map(reportFinding), remediation: reportAdvice(verdict.remediation, verdict.service) };
}
