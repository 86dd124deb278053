/**
 * Text report sections about what is wrong and what to do: findings by rank with a severity word,
 * the advisor's install set and commands, the server-side alternative, what no anchor can fix, and the
 * proof line. Pure; every string that can hold a certificate field goes through `safeText`.
 */
import type { InstallItem, ReportedFinding } from "../types.js";
import type { ChainResult } from "../result/verdict.js";
import type { Palette } from "./palette.js";
import { wrap } from "./layout.js";
import { safeText } from "./safe-text.js";
import { SEVERITY_WORD, cannotFixLead, installSourceWords, orderedFindings } from "../words/report.js";
import { titleOf } from "../words/findings.js";

/** Replaces the plain prefix of the first wrapped line by its coloured form (wrapping counts plain widths). */
function colourLead(lines: string[], plain: string, coloured: string): string[] {
  if (lines[0]?.startsWith(plain)) lines[0] = coloured + lines[0].slice(plain.length);
  return lines;
}

/** What a finding line shows: everything with --verbose; by default each fact once (see `findingsSection`). */
interface FindingShown {
  readonly message: boolean;
  readonly fix: boolean;
}

function findingLines(f: ReportedFinding, p: Palette, shown: FindingShown): string[] {
  const colour = { error: p.red, warning: p.yellow, info: p.cyan }[f.severity];
  const word = SEVERITY_WORD[f.severity].padEnd(5);
  const lines = colourLead([`  ${word}  ${f.code}  ${titleOf(f.code)}`], `  ${word}`, `  ${colour(word)}`);
  lines[0] = lines[0]!.replace(`  ${f.code}  `, `  ${p.bold(f.code)}  `);
  if (shown.message) lines.push(...wrap(safeText(f.message), "         "));
  if (shown.fix) lines.push(...colourLead(wrap(safeText(f.remediation), "         Fix: "), "         Fix:", `         ${p.dim("Fix:")}`));
  return lines;
}

/** Codes whose fix "What to do" gives already (certificates to install, the file order, what no anchor fixes). */
function fixShownBelow(f: ReportedFinding, result: ChainResult): boolean {
  const r = result.remediation;
  if (r.cannotFixFindings.some((c) => c.code === f.code)) return true;
  if (f.code === "CHAIN_ORDER" && r.reorder) return true;
  return r.install.length > 0 && ["ISSUER_NOT_FOUND", "UNTRUSTED_ROOT", "SELF_SIGNED", "PARTIAL_CHAIN_ANCHOR"].includes(f.code);
}

/**
 * Findings, errors first and the most specific first within each severity. By default each fact once: the
 * headline's message is the "In short" paragraph, a fix that "What to do" gives is not repeated, information is its
 * title; --verbose shows every message and fix.
 */
export function findingsSection(result: ChainResult, p: Palette, verbose = true): string[] {
  if (result.findings.length === 0) return [p.bold("Findings:"), "  none"];
  let headlineSeen = false;
  let hidden = false;
  const lines = orderedFindings(result.findings).flatMap((f) => {
    const isHeadline = !headlineSeen && f.code === result.headline;
    if (isHeadline) headlineSeen = true;
    const full = { message: true, fix: f.severity !== "info" };
    const shown = verbose ? full : { message: f.severity !== "info" && !isHeadline, fix: full.fix && !fixShownBelow(f, result) };
    hidden ||= shown.message !== full.message || shown.fix !== full.fix;
    return findingLines(f, p, shown);
  });
  const heading = hidden ? "Findings (most specific first; the first is explained above, every message and fix: --verbose):" : "Findings (most specific first):";
  return [p.bold(heading), ...lines];
}

function itemLines(item: InstallItem, index: number, verbose: boolean): string[] {
  const head = `    ${index + 1}. ${item.role.padEnd(12)} ${safeText(item.subject)}`;
  if (!item.sha256) return wrap(`${safeText(item.subject)} (${safeText(installSourceWords(item))})`, `    ${index + 1}. ${item.role.padEnd(12)} `, "       ");
  const lines = [head, ...wrap(`SHA-256 ${item.sha256}, ${safeText(installSourceWords(item))}`, "       ")];
  // Flush left, so the block can be copied as shown.
  if (verbose && item.pem) lines.push(...item.pem.trimEnd().split("\n"));
  return lines;
}

/** The advisor's steps: lines that start with two spaces are commands (kept whole), the rest is prose. */
function stepLines(steps: readonly string[]): string[] {
  return steps.flatMap((s) => (s.startsWith("  ") ? [`      ${safeText(s.trim())}`] : wrap(safeText(s), "    ")));
}

/** "What to do": client-side install set with roles and commands, the server-side alternative, what no anchor fixes. */
export function adviceSection(result: ChainResult, p: Palette, verbose: boolean): string[] {
  const r = result.remediation;
  if (r.install.length === 0 && r.cannotFix.length === 0 && r.serverSide.length === 0 && !r.reorder) return [];
  const lines = [p.bold("What to do:")];
  if (r.reorder) {
    lines.push(
      ...wrap(`Fix the server's file first: its certificate is #${r.reorder.leafPosition}; write ${r.reorder.order.map((n) => `#${n}`).join(", ")} in this order (leaf first, every certificate kept), with:`, "  "),
      `      ${safeText(r.reorder.command)}`,
      ...wrap("then point the server at the new file and restart it.", "    "),
    );
  }
  if (r.install.length > 0) {
    lines.push(...wrap(`Install on the Tableau machine${r.install.length > 1 ? ", in this order" : ""} (works for every client):`, "  "));
    r.install.forEach((item, i) => lines.push(...itemLines(item, i, verbose)));
    lines.push(...stepLines(r.steps));
  }
  if (r.serverSide.length > 0) lines.push("  Or fix it on the server (every client then only needs the root):", ...stepLines(r.serverSide));
  if (r.cannotFix.length > 0) {
    const { lead, then } = cannotFixLead(result);
    lines.push(`  ${lead}; ${then}:`);
    lines.push(...r.cannotFix.flatMap((s) => wrap(safeText(s), "    - ", "      ")));
  }
  return lines;
}

/** The what-if proof: did re-running the validation with the advised certificates succeed? */
export function proofLines(result: ChainResult, p: Palette): string[] {
  const r = result.remediation;
  if (!r.proof) return [];
  const word = r.verifiedAfterInstall ? "Proof (verified):" : "Proof (not verified):";
  return colourLead(wrap(safeText(r.proof), `${word} `, "  "), word, (r.verifiedAfterInstall ? p.green : p.yellow)(word));
}
