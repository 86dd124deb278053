/**
 * Text report sections about what is wrong and what to do: findings by rank with a severity word,
 * the advisor's install set and commands, the server-side alternative, what no anchor can fix, and the
 * proof line. Pure; every string that can hold a certificate field goes through `safeText`.
 */
import type { Finding, InstallItem } from "../types.js";
import type { ChainResult } from "../result.js";
import { PLATFORMS, type TargetOs } from "../advise/platforms.js";
import type { Palette } from "./palette.js";
import { wrap } from "./layout.js";
import { safeText } from "./safe-text.js";
import { SEVERITY_WORD, cannotFixLead, installSourceWords, orderedFindings, titleOf } from "./words.js";

/** Replaces the plain prefix of the first wrapped line by its coloured form (wrapping counts plain widths). */
function colourLead(lines: string[], plain: string, coloured: string): string[] {
  if (lines[0]?.startsWith(plain)) lines[0] = coloured + lines[0].slice(plain.length);
  return lines;
}

function findingLines(f: Finding, p: Palette): string[] {
  const colour = { error: p.red, warning: p.yellow, info: p.cyan }[f.severity];
  const word = SEVERITY_WORD[f.severity].padEnd(5);
  const lines = colourLead([`  ${word}  ${f.code}  ${titleOf(f.code)}`], `  ${word}`, `  ${colour(word)}`);
  lines[0] = lines[0]!.replace(`  ${f.code}  `, `  ${p.bold(f.code)}  `);
  lines.push(...wrap(safeText(f.message), "         "));
  if (f.severity !== "info") lines.push(...colourLead(wrap(safeText(f.remediation), "         Fix: "), "         Fix:", `         ${p.dim("Fix:")}`));
  return lines;
}

/** Findings, errors first and the most specific first within each severity. */
export function findingsSection(result: ChainResult, p: Palette): string[] {
  if (result.findings.length === 0) return [p.bold("Findings:"), "  none"];
  return [p.bold("Findings (most specific first):"), ...orderedFindings(result.findings).flatMap((f) => findingLines(f, p))];
}

function platformLabel(targetOs: string): string {
  return (PLATFORMS as Record<string, { label: string } | undefined>)[targetOs as TargetOs]?.label ?? targetOs;
}

function itemLines(item: InstallItem, index: number, verbose: boolean): string[] {
  const head = `    ${index + 1}. ${item.role.padEnd(12)} ${safeText(item.subject)}`;
  const id = item.sha256 ? `SHA-256 ${item.sha256}, ${safeText(installSourceWords(item))}` : safeText(installSourceWords(item));
  const lines = [head, ...wrap(id, "       ")];
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
    lines.push(...wrap(`Install these on the Tableau machine, in this order; this works for every client. Commands are for ${platformLabel(r.targetOs)} (--target-os):`, "  "));
    r.install.forEach((item, i) => lines.push(...itemLines(item, i, verbose)));
    lines.push("  Steps:", ...stepLines(r.steps));
  }
  if (r.serverSide.length > 0) lines.push("  Or fix it on the server (every client then only needs the root):", ...stepLines(r.serverSide));
  if (r.cannotFix.length > 0) {
    lines.push(`  ${cannotFixLead(result)}:`);
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
