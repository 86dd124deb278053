/**
 * Pure bookkeeping over testcase outcomes: per-namespace counts, false accepts / rejects, the
 * known-failures check, upstream's LimboResult shape and an id-by-id comparison with another harness.
 */
import type { CaseOutcome } from "./harness.js";
import { namespaceOf, type LimboResult } from "./limbo.js";

export interface NamespaceRow {
  readonly namespace: string;
  passed: number;
  failed: number;
  /** Expected FAILURE, chaincheck said SUCCESS: an invalid chain called trusted. */
  falseAccepts: number;
  /** Expected SUCCESS, chaincheck said FAILURE. */
  falseRejects: number;
  skipped: number;
}

export interface Totals {
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly falseAccepts: number;
  readonly falseRejects: number;
}

/** A run testcase whose verdict differs from the expected one. */
export const isFailure = (o: CaseOutcome): boolean => o.actual !== "SKIPPED" && o.actual !== o.expected;
/** Expected FAILURE, got SUCCESS: the one kind of failure that is never acceptable. */
export const isFalseAccept = (o: CaseOutcome): boolean => o.expected === "FAILURE" && o.actual === "SUCCESS";

/** Counts per namespace (`namespaceOf`), sorted by name. */
export function byNamespace(outcomes: readonly CaseOutcome[]): NamespaceRow[] {
  const rows = new Map<string, NamespaceRow>();
  for (const o of outcomes) {
    const ns = namespaceOf(o.id);
    let row = rows.get(ns);
    if (!row) rows.set(ns, (row = { namespace: ns, passed: 0, failed: 0, falseAccepts: 0, falseRejects: 0, skipped: 0 }));
    if (o.actual === "SKIPPED") row.skipped++;
    else if (o.actual === o.expected) row.passed++;
    else {
      row.failed++;
      if (isFalseAccept(o)) row.falseAccepts++;
      else row.falseRejects++;
    }
  }
  return [...rows.values()].sort((a, b) => a.namespace.localeCompare(b.namespace));
}

/** The counts over every namespace. */
export function totals(outcomes: readonly CaseOutcome[]): Totals {
  const rows = byNamespace(outcomes);
  const sum = (k: keyof Omit<NamespaceRow, "namespace">) => rows.reduce((n, r) => n + r[k], 0);
  return { passed: sum("passed"), failed: sum("failed"), skipped: sum("skipped"), falseAccepts: sum("falseAccepts"), falseRejects: sum("falseRejects") };
}

/** One entry of conformance/known-failures.json. */
export interface KnownFailure {
  readonly id: string;
  readonly expected: "SUCCESS" | "FAILURE";
  readonly actual: "SUCCESS" | "FAILURE";
  readonly reason: string;
}

export interface KnownCheck {
  /** Failures not listed (a regression, or a new testcase). */
  readonly unexpected: CaseOutcome[];
  /** Listed ids that now pass (or were skipped / not run in a full run): the file must be updated. */
  readonly stale: KnownFailure[];
  /** False accepts are never acceptable, listed or not. */
  readonly falseAccepts: CaseOutcome[];
}

/** Compares a run with conformance/known-failures.json (listed ids absent from the run are not judged). */
export function checkKnown(outcomes: readonly CaseOutcome[], known: readonly KnownFailure[]): KnownCheck {
  const listed = new Map(known.map((k) => [k.id, k]));
  const byId = new Map(outcomes.map((o) => [o.id, o]));
  const unexpected = outcomes.filter((o) => isFailure(o) && listed.get(o.id)?.actual !== o.actual);
  const stale = known.filter((k) => byId.has(k.id) && !isFailure(byId.get(k.id)!));
  return { unexpected, stale, falseAccepts: outcomes.filter(isFalseAccept) };
}

/** Upstream's LimboResult shape (limbo/models.py), for `--output`. */
export function toLimboResult(outcomes: readonly CaseOutcome[], harness = "chaincheck"): LimboResult {
  return { version: 1, harness, results: outcomes.map((o) => ({ id: o.id, actual_result: o.actual, context: o.context })) };
}

/** One id where two harnesses disagree. */
export interface Difference {
  readonly id: string;
  readonly expected: string;
  readonly ours: string;
  readonly theirs: string;
  readonly context: string;
}

/** Ids where chaincheck's verdict differs from another harness's (testcases missing on one side included). */
export function compareResults(outcomes: readonly CaseOutcome[], other: LimboResult): Difference[] {
  const theirs = new Map(other.results.map((r) => [r.id, r.actual_result as string]));
  const out: Difference[] = [];
  for (const o of outcomes) {
    const t = theirs.get(o.id) ?? "(absent)";
    if (t !== o.actual) out.push({ id: o.id, expected: o.expected, ours: o.actual, theirs: t, context: o.context });
  }
  return out;
}
