/**
 * A verdict in words: the one place where a check's typed findings and advice become the sentences reports
 * show (src/words). The result is the JSON report's `results[]` (schemaVersion 2: every version 1 field, plus
 * `findings[].evidence` and `remediation.cannotFixFindings`) and what every other renderer lays out. Pure.
 */
import type { Finding } from "../findings/finding.js";
import type { Advice } from "../advise/advise.js";
import type { ChainResult, ChainVerdict } from "../result.js";
import type { Remediation, ReportedFinding } from "../types.js";
import { findingWords } from "../words/findings.js";

/** A finding with its message and remediation (the version 1 fields first, then its evidence). */
export function reportFinding(f: Finding): ReportedFinding {
  const { message, remediation } = findingWords(f);
  return { code: f.code, severity: f.severity, message, remediation, certificate: f.certificate, evidence: f.evidence } as ReportedFinding;
}

/** The advice with the words of what it cannot fix ("CODE: remediation") and those findings by code, in place. */
function reportAdvice(advice: Advice): Remediation {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(advice)) {
    if (key !== "cannotFix") {
      out[key] = value;
      continue;
    }
    out.cannotFix = advice.cannotFix.map((f) => `${f.code}: ${findingWords(f).remediation}`);
    out.cannotFixFindings = advice.cannotFix.map((f) => ({ code: f.code, certificate: f.certificate }));
  }
  return out as unknown as Remediation;
}

export function reportResult(verdict: ChainVerdict): ChainResult {
  return { ...verdict, findings: verdict.findings.map(reportFinding), remediation: reportAdvice(verdict.remediation) };
}
