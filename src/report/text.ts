/**
 * The human report: what an administrator reads before configuring Tableau and what support pastes
 * into a ticket. Per target: headline, context, "in short", connection (live), presented chain as a
 * tree in wire order, the path built, findings by rank, what to do, proof. Pure; colour is a
 * parameter and meaning never depends on it (every status and severity is also a word).
 */
import type { ChainResult } from "../result/verdict.js";
import { PLAIN, type Palette } from "./palette.js";
import { wrap } from "./layout.js";
import { safeText } from "./safe-text.js";
import { adviceSection, findingsSection, proofLines } from "./text-advice.js";
import { attemptLines, connectionLines, contextLines, pathLines, presentedLines } from "./text-chain.js";
import { STATUS_WORD, fixSentence, sentSentence, serviceLabel, tableauSetupLines, verdictReason, whySentence } from "../words/report.js";

export { PLAIN, type Palette } from "./palette.js";

export interface TextOptions {
  readonly palette: Palette;
  /** Add PEM blocks, extensions, every SAN, full fingerprints and path-building detail. */
  readonly verbose?: boolean;
}

function statusColour(result: ChainResult, p: Palette): (s: string) => string {
  return { pass: p.green, warn: p.yellow, fail: p.red, error: p.red }[result.status];
}

/** One line: target, service, verdict word and the most specific reason. */
export function headline(result: ChainResult, p: Palette = PLAIN): string {
  const service = serviceLabel(result.service);
  const target = `${safeText(result.target)}${service ? ` (${service})` : ""}`;
  return `${p.bold(target)}  ${p.bold(statusColour(result, p)(STATUS_WORD[result.status]))}  ${verdictReason(result)}`;
}

/** Plain words: what the server sends, why the client does or does not trust it, and the fix. */
function inShort(result: ChainResult): string[] {
  const text = [sentSentence(result), whySentence(result), fixSentence(result)].filter((s): s is string => s !== null).join(" ");
  return wrap(safeText(text), "In short: ", "  ");
}

function errorReport(result: ChainResult, p: Palette): string {
  const f = result.findings[0];
  const lines = [headline(result, p)];
  if (result.connection) lines.push(...wrap(safeText(result.connection.endpoint), "  endpoint   "));
  if (result.host) lines.push(...wrap(safeText(result.host), "  host name  "));
  if (f) lines.push(...wrap(safeText(f.message), "  problem    "), ...wrap(safeText(f.remediation), "  try        "));
  return `${lines.join("\n")}\n`;
}

/** The full report for one result. */
export function renderResultText(result: ChainResult, options: TextOptions): string {
  const p = options.palette;
  const verbose = options.verbose ?? false;
  if (result.status === "error") return errorReport(result, p);
  const sections: string[][] = [
    [headline(result, p), ...connectionLines(result, verbose), ...contextLines(result)],
    inShort(result),
    presentedLines(result, p, verbose),
    [...pathLines(result, p), ...(verbose ? attemptLines(result) : [])],
    findingsSection(result, p, verbose),
    adviceSection(result, p, verbose),
    proofLines(result, p),
    result.tableau ? tableauSetupLines(result.tableau).flatMap((line) => {
      const indent = /^ */.exec(line)![0];
      // Commands stay on one line so they can be copied.
      return indent.length >= 4 ? [safeText(line)] : wrap(safeText(line.trim()), indent, `${indent}  `);
    }) : [],
  ];
  return `${sections.filter((s) => s.length > 0).map((s) => s.join("\n")).join("\n\n")}\n`;
}

/** `--quiet`: one line per target, `target  PASS|WARN|FAIL|ERROR  headline`, never coloured (scripts, chat). */
export function renderQuietLine(result: ChainResult): string {
  return `${safeText(result.target)}  ${STATUS_WORD[result.status]}  ${verdictReason(result)}\n`;
}

