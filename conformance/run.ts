/**
 * `npm run conformance -- [--limbo FILE] [--filter PREFIX] [--compare RESULTS] [--output FILE]`
 *
 * Runs x509-limbo's SERVER testcases through chaincheck (see harness.ts for the semantics and
 * profile.ts for the skips), prints a per-namespace table, the failing ids with chaincheck's headline
 * code, the slowest testcases, and ends with `N passed, N failed, N skipped`. Exit code 1 when a
 * false accept or a failure missing from known-failures.json was seen, 2 on a usage error.
 */
import { writeFileSync } from "node:fs";
import { basename } from "node:path";
import { parseArgs } from "node:util";
import { runSuite } from "./harness.js";
import { DEFAULT_LIMBO, loadKnownFailures } from "./known.js";
import { loadLimbo, loadResults } from "./limbo.js";
import { renderComparison, renderFailures, renderKnownCheck, renderSlowest, renderTable } from "./report.js";
import { checkKnown, compareResults, toLimboResult, totals } from "./summary.js";

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      limbo: { type: "string" },
      filter: { type: "string" },
      compare: { type: "string" },
      output: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log("usage: npm run conformance -- [--limbo FILE] [--filter PREFIX] [--compare RESULTS] [--output FILE]");
    return 0;
  }
  const limboPath = values.limbo ?? DEFAULT_LIMBO();
  const limbo = loadLimbo(limboPath);
  const testcases = limbo.testcases.filter((tc) => !values.filter || tc.id.startsWith(values.filter));
  const known = loadKnownFailures();
  const { outcomes, totalMs } = await runSuite(testcases);
  const out: string[] = [`x509-limbo: ${limboPath} (${testcases.length} of ${limbo.testcases.length} testcases)`, "", ...renderTable(outcomes)];
  const failures = renderFailures(outcomes, known);
  if (failures.length > 0) out.push("", "Failures (headline code in parentheses):", ...failures);
  const knownCheck = renderKnownCheck(outcomes, known);
  if (knownCheck.length > 0) out.push("", "Known-failures file:", ...knownCheck);
  out.push("", `Slowest testcases (whole run ${(totalMs / 1000).toFixed(2)} s):`, ...renderSlowest(outcomes));
  if (values.compare) {
    const other = loadResults(values.compare);
    out.push("", ...renderComparison(compareResults(outcomes, other), other.harness || basename(values.compare)));
  }
  if (values.output) {
    writeFileSync(values.output, `${JSON.stringify(toLimboResult(outcomes), null, 2)}\n`);
    out.push("", `LimboResult written to ${values.output}`);
  }
  const t = totals(outcomes);
  out.push("", `${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped`);
  console.log(out.join("\n"));
  const check = checkKnown(outcomes, known);
  return check.falseAccepts.length > 0 || check.unexpected.length > 0 ? 1 : 0;
}

main().then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    console.error(`conformance: ${(err as Error)?.message ?? String(err)}`);
    process.exitCode = 2;
  },
);
