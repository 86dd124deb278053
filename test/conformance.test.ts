/**
 * CI gate for x509-limbo conformance (issue 6): runs the whole profile in-process through the same
 * harness as `npm run conformance`, and fails on any false accept, on any failure missing from
 * conformance/known-failures.json, and on a listed id that passes now (so the file stays honest).
 * Skipped, with a message, when conformance/x509-limbo/limbo.json.gz is not there (a failure instead
 * with CHAINCHECK_REQUIRE_LIMBO=1).
 */
import { expect } from "chai";
import { existsSync } from "node:fs";
import { runSuite, type SuiteRun } from "../conformance/harness.js";
import { DEFAULT_LIMBO, loadKnownFailures } from "../conformance/known.js";
import { loadLimbo, namespaceOf, type LimboTestcase } from "../conformance/limbo.js";
import { checkKnown, isFailure, totals, type KnownFailure } from "../conformance/summary.js";
import { runDespiteFeature } from "../conformance/profile.js";

/** The bounds: the whole profile well under a minute (goal 30 s on 2 cores), a DoS case within its budget. */
const MAX_TOTAL_MS = 60_000;
const MAX_DOS_CASE_MS = 2_000;

describe("x509-limbo conformance (conformance/)", function () {
  this.timeout(2 * MAX_TOTAL_MS);
  const limboPath = DEFAULT_LIMBO();
  let testcases: readonly LimboTestcase[] = [];
  let run: SuiteRun;
  let known: KnownFailure[];

  before(async function () {
    if (!existsSync(limboPath)) {
      if (process.env.CHAINCHECK_REQUIRE_LIMBO === "1") expect.fail(`x509-limbo is required (CHAINCHECK_REQUIRE_LIMBO=1) but ${limboPath} was not found`);
      console.log(`      x509-limbo not found at ${limboPath}: conformance tests skipped`);
      this.skip();
    }
    testcases = loadLimbo(limboPath).testcases;
    known = loadKnownFailures();
    run = await runSuite(testcases);
  });

  it("never calls an invalid chain trusted (0 false accepts)", () => {
    expect(checkKnown(run.outcomes, known).falseAccepts.map((o) => o.id)).to.deep.equal([]);
  });

  it("fails only the testcases listed in conformance/known-failures.json", () => {
    const unexpected = checkKnown(run.outcomes, known).unexpected.map((o) => `${o.id}: expected ${o.expected}, got ${o.actual} (${o.context})`);
    expect(unexpected).to.deep.equal([]);
  });

  it("lists no testcase that passes now or does not exist (the file stays honest)", () => {
    const ids = new Set(testcases.map((tc) => tc.id));
    expect(checkKnown(run.outcomes, known).stale.map((k) => k.id)).to.deep.equal([]);
    expect(known.filter((k) => !ids.has(k.id)).map((k) => k.id)).to.deep.equal([]);
  });

  it("passes every bettertls::pathbuilding and bettertls::nameconstraints testcase, none skipped", () => {
    const bettertls = run.outcomes.filter((o) => o.id.startsWith("bettertls::"));
    expect(bettertls.length).to.be.greaterThan(9000);
    expect(bettertls.filter((o) => o.actual !== o.expected).map((o) => o.id)).to.deep.equal([]);
  });

  it("fails fewer than 14 testcases of the profile, and skips each testcase with a reason", () => {
    const t = totals(run.outcomes);
    expect(t.failed).to.be.lessThan(14);
    expect(t.passed + t.failed).to.be.greaterThan(9700);
    for (const o of run.outcomes.filter((x) => x.actual === "SKIPPED")) expect(o.context.length, o.id).to.be.greaterThan(20);
    expect(run.outcomes.filter(isFailure).every((o) => o.headline !== null)).to.equal(true);
  });

  it("runs, and passes, every testcase of a skipped feature whose rule a TLS client (or chaincheck) enforces", () => {
    const ids = Object.keys(runDespiteFeature());
    const byId = new Map(run.outcomes.map((o) => [o.id, o]));
    expect(ids.filter((id) => !byId.has(id))).to.deep.equal([]);
    expect(ids.map((id) => `${id}: ${byId.get(id)!.actual}`)).to.deep.equal(ids.map((id) => `${id}: ${byId.get(id)!.expected}`));
  });

  it("runs one side only of each limbo conflicts_with pair", () => {
    const ran = new Set(run.outcomes.filter((o) => o.actual !== "SKIPPED").map((o) => o.id));
    const both = testcases.flatMap((tc) => (ran.has(tc.id) ? (tc.conflicts_with ?? []).filter((c) => ran.has(c)).map((c) => `${tc.id} / ${c}`) : []));
    expect(both).to.deep.equal([]);
  });

  it(`runs the whole profile in under ${MAX_TOTAL_MS / 1000} s, each denial-of-service testcase in under ${MAX_DOS_CASE_MS} ms`, () => {
    expect(run.totalMs).to.be.lessThan(MAX_TOTAL_MS);
    const slow = run.outcomes.filter((o) => namespaceOf(o.id) === "pathological" && o.ms > MAX_DOS_CASE_MS).map((o) => `${o.id} ${o.ms.toFixed(0)} ms`);
    expect(slow).to.deep.equal([]);
  });
});
