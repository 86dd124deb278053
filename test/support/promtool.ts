/**
 * Prometheus's promtool for the metrics and rules tests: `CHAINCHECK_PROMTOOL`, else `.tmp/bin/promtool` in the
 * repository (where scripts/ci-deps.sh extracts it from Debian's package), else `promtool` on the PATH. Tests skip
 * with a visible message when it is absent, and fail instead with CHAINCHECK_REQUIRE_PROMTOOL=1 (.ci/run sets it).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";

export const REPO = new URL("../../../", import.meta.url).pathname;
export const REQUIRE_PROMTOOL_ENV = "CHAINCHECK_REQUIRE_PROMTOOL";

export function findPromtool(): string | null {
  const candidates = [
    process.env.CHAINCHECK_PROMTOOL,
    join(REPO, ".tmp", "bin", "promtool"),
    ...(process.env.PATH ?? "").split(delimiter).filter(Boolean).map((dir) => join(dir, "promtool")),
  ];
  return candidates.find((path): path is string => path !== undefined && path !== "" && existsSync(path)) ?? null;
}

export function promtoolOrSkip(ctx: Mocha.Context): string {
  const bin = findPromtool();
  if (bin) return bin;
  if (process.env[REQUIRE_PROMTOOL_ENV] === "1") throw new Error(`promtool is required (${REQUIRE_PROMTOOL_ENV}=1) but was not found: run scripts/ci-deps.sh`);
  console.log("      skipping: promtool not found (scripts/ci-deps.sh puts it in .tmp/bin; or set CHAINCHECK_PROMTOOL)");
  ctx.skip();
}

/** promtool for an extra check inside a test that runs anyway: null when absent, a failure when it is required. */
export function promtoolIfPresent(): string | null {
  const bin = findPromtool();
  if (!bin && process.env[REQUIRE_PROMTOOL_ENV] === "1") throw new Error(`promtool is required (${REQUIRE_PROMTOOL_ENV}=1) but was not found: run scripts/ci-deps.sh`);
  return bin;
}

export interface ToolRun {
  readonly code: number | null;
  readonly output: string;
}

export function promtool(bin: string, args: readonly string[], input?: string): ToolRun {
  const run = spawnSync(bin, args, { input, encoding: "utf8", timeout: 60_000, cwd: REPO });
  return { code: run.status, output: `${run.stdout ?? ""}${run.stderr ?? ""}` };
}

/** `promtool check metrics`: the Prometheus 0.0.4 text parser plus promlint (names, units, HELP). */
export function checkMetrics(bin: string, text: string): ToolRun {
  return promtool(bin, ["check", "metrics"], text);
}

/**
 * Prometheus's strict OpenMetrics parser (it requires `# EOF`, UNIT matching the name's suffix, no blank lines),
 * run through `promtool tsdb create-blocks-from openmetrics`. Backfilling needs a timestamp on every sample, so
 * one (the same for all) is appended to each sample line first; nothing else is changed.
 */
export function checkOpenMetricsStrict(bin: string, text: string): ToolRun {
  const dir = mkdtempSync(join(tmpdir(), "chaincheck-om-"));
  try {
    const stamped = text.split("\n").map((line) => (line === "" || line.startsWith("#") ? line : `${line} 1700000000`)).join("\n");
    writeFileSync(join(dir, "metrics.om"), stamped);
    return promtool(bin, ["tsdb", "create-blocks-from", "openmetrics", "--quiet", join(dir, "metrics.om"), join(dir, "blocks")]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
