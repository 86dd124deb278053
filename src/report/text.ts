/**
 * The human report: what an administrator reads before configuring Tableau and what support pastes
 * into a ticket. Pure; colour is a parameter, meaning never depends on it (severity words are printed).
 */
import type { Finding, InstallItem } from "../types.js";
import type { ChainResult, PresentedCertificate } from "../result.js";
import { FINDINGS, type FindingCode } from "../findings/catalog.js";
import { safeText } from "./safe-text.js";

export interface Palette {
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
  cyan(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

export const PLAIN: Palette = { red: (s) => s, yellow: (s) => s, green: (s) => s, cyan: (s) => s, dim: (s) => s, bold: (s) => s };

export interface TextOptions {
  readonly palette: Palette;
  /** Add PEM blocks and path-building detail. */
  readonly verbose?: boolean;
}

const DAY_MS = 86_400_000;
const STATUS_WORD = { pass: "PASS", warn: "WARN", fail: "FAIL", error: "ERROR" } as const;
const SEVERITY_WORD = { error: "ERROR", warning: "WARN ", info: "INFO " } as const;

function titleOf(code: string): string {
  return (FINDINGS as Record<string, { title: string } | undefined>)[code]?.title ?? code;
}

function statusColour(result: ChainResult, p: Palette): (s: string) => string {
  return { pass: p.green, warn: p.yellow, fail: p.red, error: p.red }[result.status];
}

/** One line: target, service, verdict and the most specific reason. */
export function headline(result: ChainResult, p: Palette = PLAIN): string {
  const word = statusColour(result, p)(STATUS_WORD[result.status]);
  const service = result.service ? ` (${result.service})` : "";
  const head = result.findings.find((f) => f.code === result.headline);
  const reason = result.status === "error" || result.status === "fail"
    ? head ? `${titleOf(head.code)} (${head.code})` : "not trusted"
    : result.status === "warn" ? `trusted, with warnings` : "trusted";
  return `${safeText(result.target)}${service}  ${word}  ${reason}`;
}

function daysLeft(notAfter: string, checkedAt: string): number {
  return Math.floor((Date.parse(notAfter) - Date.parse(checkedAt)) / DAY_MS);
}

function certificateLines(cert: PresentedCertificate, index: number, result: ChainResult, p: Palette, verbose: boolean): string[] {
  const onPath = result.builtPath?.certificates.some((c) => c.sha256 === cert.sha256) ?? false;
  const role = index === 0 ? "leaf" : cert.selfSigned ? "root" : cert.isCA ? "intermediate" : "certificate";
  const days = daysLeft(cert.notAfter, result.checkedAt);
  const markers = [
    cert.selfSigned ? "self-signed" : "",
    result.path?.[result.path.length - 1] === cert.sha256 ? "trust anchor" : "",
    days < 0 ? p.red("EXPIRED") : Date.parse(cert.notBefore) > Date.parse(result.checkedAt) ? p.red("NOT YET VALID") : "",
    index > 0 && !onPath ? p.yellow("not on the path") : "",
  ].filter(Boolean);
  const lines = [
    `  #${index + 1} ${p.bold(role)}  ${safeText(cert.subject)}${markers.length ? `  [${markers.join(", ")}]` : ""}`,
    `      issuer   ${safeText(cert.issuer)}`,
    `      valid    ${cert.notBefore.slice(0, 10)} to ${cert.notAfter.slice(0, 10)} (${days >= 0 ? `${days} days left` : `expired ${-days} days ago`})`,
  ];
  if (index === 0) lines.push(`      names    ${cert.subjectAltNames.length ? safeText(cert.subjectAltNames.join(", ")) : "(no subjectAltName)"}`);
  lines.push(`      sha256   ${verbose ? cert.sha256 : `${cert.sha256.slice(0, 16)}…`}`);
  if (verbose) lines.push(...cert.pem.trimEnd().split("\n").map((l) => `      ${l}`));
  return lines;
}

const END_WORDS = {
  anchored: "ends at a trust anchor",
  "partial-anchor": "ends at a trusted certificate that is not a root",
  "untrusted-root": "ends at a root that is not trusted",
  "issuer-not-found": "stops: the next issuer was not found",
  budget: "stops: search limit reached",
} as const;

function pathLines(result: ChainResult): string[] {
  if (!result.builtPath) return [];
  const steps = result.builtPath.certificates.map((c) => `${safeText(c.subject)} (${c.source})`);
  return [`Path built: ${steps.join(" -> ")}`, `  ${END_WORDS[result.builtPath.end]}`];
}

function findingLines(findings: readonly Finding[], p: Palette): string[] {
  if (findings.length === 0) return [];
  const colour = { error: p.red, warning: p.yellow, info: p.cyan };
  const lines = ["Findings:"];
  for (const f of findings) {
    lines.push(`  ${colour[f.severity](SEVERITY_WORD[f.severity])} ${p.bold(f.code)}  ${safeText(f.message)}`);
    if (f.severity !== "info") lines.push(`        ${p.dim("fix:")} ${safeText(f.remediation)}`);
  }
  return lines;
}

function installLines(items: readonly InstallItem[], verbose: boolean): string[] {
  return items.flatMap((item, i) => {
    const head = `  ${i + 1}. ${item.role} ${safeText(item.subject)}${item.sha256 ? ` (SHA-256 ${item.sha256})` : " (not held by chaincheck)"}`;
    return verbose || item.role !== "intermediate" || item.pem ? [head, ...(item.pem ? item.pem.trimEnd().split("\n").map((l) => `     ${l}`) : [])] : [head];
  });
}

function adviceLines(result: ChainResult, p: Palette, verbose: boolean): string[] {
  const r = result.remediation;
  if (r.install.length === 0 && r.cannotFix.length === 0) return [];
  const lines = [p.bold("What to do:")];
  if (r.install.length > 0) {
    lines.push(`Install on the Tableau machine (${r.targetOs}; works for every client):`, ...installLines(r.install, verbose));
    lines.push(...r.steps.map((s) => `  ${safeText(s)}`));
  }
  for (const s of r.serverSide) lines.push(`  ${safeText(s)}`);
  if (r.cannotFix.length > 0) {
    lines.push("No installed certificate fixes these; reissue or reconfigure:");
    lines.push(...r.cannotFix.map((s) => `  - ${safeText(s)}`));
  }
  if (r.proof) lines.push(`${r.verifiedAfterInstall ? p.green("Proof:") : p.yellow("Proof:")} ${safeText(r.proof)}`);
  return lines;
}

function presentedSummary(result: ChainResult): string {
  const n = result.presented.length;
  const roots = result.presented.filter((c, i) => i > 0 && c.selfSigned).length;
  if (result.chainKind === "self-signed") return "a single self-signed certificate";
  if (result.chainKind === "leaf-only") return "the leaf only";
  return `leaf + ${n - 1} more certificate(s)${roots ? ", root included" : ", root not included"}`;
}

/** The full report for one result. */
export function renderResultText(result: ChainResult, options: TextOptions): string {
  const p = options.palette;
  const lines = [p.bold(headline(result, p))];
  if (result.presented.length > 0) {
    lines.push("", `Presented chain (${presentedSummary(result)}):`);
    result.presented.forEach((c, i) => lines.push(...certificateLines(c, i, result, p, options.verbose ?? false)));
    lines.push(...pathLines(result));
  }
  lines.push(`Trust store: ${safeText(result.trustStore)} (${result.verifierModel} model, checked at ${result.checkedAt})`);
  if (result.host) lines.push(`Host name checked: ${safeText(result.host)}`);
  const findings = findingLines(result.findings, p);
  if (findings.length) lines.push("", ...findings);
  const advice = adviceLines(result, p, options.verbose ?? false);
  if (advice.length) lines.push("", ...advice);
  return `${lines.join("\n")}\n`;
}

/** `--quiet`: one line per target. */
export function renderQuietLine(result: ChainResult): string {
  const head = result.findings.find((f) => f.code === result.headline);
  return `${safeText(result.target)}  ${STATUS_WORD[result.status]}  ${head ? `${head.code}: ${safeText(head.message)}` : result.status === "warn" ? "trusted, with warnings" : "trusted"}\n`;
}

export function isFindingCode(code: string): code is FindingCode {
  return code in FINDINGS;
}
