/** Builds `Finding` objects from typed evidence, and orders them. */
import type { Finding } from "../types.js";
import { FINDINGS, type FindingCode, type FindingContexts, type NamedCert } from "./catalog.js";

/** How every message names a certificate: its subject and the start of its SHA-256. */
export function nameCert(cert: NamedCert): string {
  return `"${cert.subject || "(empty subject)"}" (SHA-256 ${cert.sha256.slice(0, 16)}…)`;
}

export function makeFinding<C extends FindingCode>(code: C, cert: NamedCert | null, context: FindingContexts[C]): Finding {
  const info = FINDINGS[code];
  const who = cert ? nameCert(cert) : "the chain";
  return {
    code,
    severity: info.severityOf?.(context) ?? info.severity,
    message: info.message(context, who),
    remediation: info.remediation(context, who),
    certificate: cert ? cert.sha256 : null,
  };
}

const infoOf = (code: string) => (FINDINGS as Record<string, { rank: number; gate?: true } | undefined>)[code];

export function rankOf(code: string): number {
  return infoOf(code)?.rank ?? 0;
}

/** Is `code` a gate the user asked for (`--expect-*`, `--min-days`, fleet consistency), not a trust cause? */
export function isGate(code: string): boolean {
  return infoOf(code)?.gate === true;
}

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

/**
 * Errors first, then warnings, then info; within a severity trust causes before gates (a pin, a minimum
 * lifetime or a fleet difference never outranks why the chain is not trusted), then the most specific first. Stable.
 */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      Number(isGate(a.code)) - Number(isGate(b.code)) ||
      rankOf(b.code) - rankOf(a.code),
  );
}

/** Drops repeats of the same code about the same certificate, or with the same message when about none (keeps the first). */
export function dedupeFindings(findings: readonly Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.code}/${f.certificate ?? `-/${f.message}`}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The most specific error (a trust cause before any gate), or null when there is none. */
export function headlineOf(findings: readonly Finding[]): Finding | null {
  return sortFindings(findings).find((f) => f.severity === "error") ?? null;
}
