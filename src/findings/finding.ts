/**
 * Findings as data: a union over the code, each carrying its typed evidence (src/findings/codes.ts). No words
 * here: src/words/findings.ts says what a finding means, and only reports call it. Also: the order findings are
 * reported in, and the headline.
 */
import type { Severity } from "../types.js";
import { CODES, type FindingCode, type FindingEvidence, type NamedCert } from "./codes.js";

export type { FindingCode, FindingEvidence, NamedCert } from "./codes.js";

/** The evidence of a code, with the subject of the certificate the finding is about (when it is about one). */
export type EvidenceOf<C extends FindingCode> = FindingEvidence[C] & { readonly subject?: string };

/** One finding: its code, severity, the certificate it is about (SHA-256, or null) and the code's evidence. */
export interface FindingOf<C extends FindingCode> {
  readonly code: C;
  readonly severity: Severity;
  readonly certificate: string | null;
  readonly evidence: EvidenceOf<C>;
}

export type Finding = { readonly [C in FindingCode]: FindingOf<C> }[FindingCode];

export function makeFinding<C extends FindingCode>(code: C, cert: NamedCert | null, evidence: FindingEvidence[C]): FindingOf<C> {
  const info = CODES[code];
  return {
    code,
    severity: info.severityOf?.(evidence) ?? info.severity,
    certificate: cert ? cert.sha256 : null,
    evidence: cert ? { subject: cert.subject, ...evidence } : evidence,
  };
}

const codeInfo = (code: string): { rank: number; gate?: true } | undefined => (CODES as Record<string, { rank: number; gate?: true } | undefined>)[code];

export function rankOf(code: string): number {
  return codeInfo(code)?.rank ?? 0;
}

/** Is `code` a gate the user asked for (`--expect-*`, `--min-days`, fleet consistency), not a trust cause? */
export function isGate(code: string): boolean {
  return codeInfo(code)?.gate === true;
}

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

/** What ordering and the headline read of a finding (a reported finding from a JSON document has as much). */
type Ranked = Pick<Finding, "code" | "severity">;

/**
 * Errors first, then warnings, then info; within a severity trust causes before gates (a pin, a minimum
 * lifetime or a fleet difference never outranks why the chain is not trusted), then the most specific first. Stable.
 */
export function sortFindings<F extends Ranked>(findings: readonly F[]): F[] {
  return [...findings].sort(
    (a, b) =>
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      Number(isGate(a.code)) - Number(isGate(b.code)) ||
      rankOf(b.code) - rankOf(a.code),
  );
}

/** Drops repeats of the same code about the same certificate, or with the same evidence when about none (keeps the first). */
export function dedupeFindings(findings: readonly Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.code}/${f.certificate ?? `-/${JSON.stringify(f.evidence)}`}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The most specific error (a trust cause before any gate), or null when there is none. */
export function headlineOf<F extends Ranked>(findings: readonly F[]): F | null {
  return sortFindings(findings).find((f) => f.severity === "error") ?? null;
}
