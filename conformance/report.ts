/** Text rendering of a conformance run: the per-namespace table, failing ids, timings, comparison. */
import type { CaseOutcome } from "./harness.js";
import { byNamespace, checkKnown, isFailure, isFalseAccept, totals, type Difference, type KnownFailure } from "./summary.js";

function table(rows: readonly (readonly (string | number)[])[]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows.map((r) => r.map((cell, i) => (i === 0 ? String(cell).padEnd(widths[i]!) : String(cell).padStart(widths[i]!))).join("  "));
}

/** The per-namespace table with a total row. */
export function renderTable(outcomes: readonly CaseOutcome[]): string[] {
  const rows = byNamespace(outcomes);
  const t = totals(outcomes);
  return table([
    ["namespace", "pass", "fail", "false-accept", "false-reject", "skip"],
    ...rows.map((r) => [r.namespace, r.passed, r.failed, r.falseAccepts, r.falseRejects, r.skipped]),
    ["total", t.passed, t.failed, t.falseAccepts, t.falseRejects, t.skipped],
  ]);
}

/** One line per failing testcase: kind, id, verdicts, headline code, and whether it is listed as known. */
export function renderFailures(outcomes: readonly CaseOutcome[], known: readonly KnownFailure[]): string[] {
  const listed = new Set(known.map((k) => k.id));
  return outcomes.filter(isFailure).map((o) => {
    const kind = isFalseAccept(o) ? "FALSE ACCEPT" : "false reject";
    return `  ${kind}  ${o.id}  expected ${o.expected}, got ${o.actual}${o.headline ? ` (${o.headline})` : ""}${listed.has(o.id) ? "  [known]" : ""}`;
  });
}

/** The `count` slowest testcases with their time. */
export function renderSlowest(outcomes: readonly CaseOutcome[], count = 5): string[] {
  return [...outcomes].sort((a, b) => b.ms - a.ms).slice(0, count).map((o) => `  ${o.ms.toFixed(1).padStart(8)} ms  ${o.id}`);
}

/** Unlisted failures and stale entries of known-failures.json. */
export function renderKnownCheck(outcomes: readonly CaseOutcome[], known: readonly KnownFailure[]): string[] {
  const check = checkKnown(outcomes, known);
  return [
    ...check.unexpected.map((o) => `  NOT IN known-failures.json: ${o.id} (expected ${o.expected}, got ${o.actual})`),
    ...check.stale.map((k) => `  listed in known-failures.json but passes now: ${k.id}`),
  ];
}

/** The id-by-id differences from another harness, each marked right or wrong against the expectation. */
export function renderComparison(diffs: readonly Difference[], harness: string): string[] {
  const lines = [`Differences from ${harness}: ${diffs.length}`];
  for (const d of diffs) {
    const right = (v: string) => (v === d.expected ? "right" : v === "SKIPPED" || v === "(absent)" ? v.toLowerCase() : "wrong");
    lines.push(`  ${d.id}  expected ${d.expected}: chaincheck ${d.ours} (${right(d.ours)}), ${harness} ${d.theirs} (${right(d.theirs)})`);
  }
  return lines;
}
