/**
 * Headless Chromium (Debian's `chromium`) for the HTML report tests: a screenshot and the parsed DOM
 * of a local file. Offline, sandbox off (containers), a fresh profile per run, removed afterwards.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const CANDIDATES = [process.env.CHROMIUM_BIN, "chromium", "chromium-browser", "google-chrome"].filter((c): c is string => !!c);

/** The first Chromium binary that answers `--version`, or null. */
export function findChromium(): string | null {
  for (const bin of CANDIDATES) {
    const r = spawnSync(bin, ["--version"], { encoding: "utf8", timeout: 20_000 });
    if (r.status === 0 && /chrom/i.test(r.stdout)) return bin;
  }
  return null;
}

function run(bin: string, extra: readonly string[], file: string, timeout: number): string {
  const profile = mkdtempSync(join(tmpdir(), "chaincheck-chromium-"));
  try {
    return execFileSync(bin, [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", `--user-data-dir=${profile}`, ...extra, pathToFileURL(file).href,
    ], { encoding: "utf8", timeout, stdio: ["ignore", "pipe", "ignore"], maxBuffer: 64 * 1024 * 1024 });
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

/**
 * The Chromium binary for a test, or a visible skip when there is none; with CHAINCHECK_REQUIRE_CHROMIUM=1
 * (CI) a missing Chromium fails the test instead.
 */
export function chromiumOrSkip(ctx: Mocha.Context): string {
  const chromium = findChromium();
  if (chromium) return chromium;
  if (process.env.CHAINCHECK_REQUIRE_CHROMIUM === "1") throw new Error("Chromium is required (CHAINCHECK_REQUIRE_CHROMIUM=1) but was not found");
  console.log("      [skipped] Chromium not found: apt-get install -y --no-install-recommends chromium");
  ctx.skip();
}

/** Renders `file` to a PNG screenshot at `png` (1280 x height). */
export function screenshot(bin: string, file: string, png: string, height = 2000, timeout = 60_000): void {
  run(bin, [`--screenshot=${png}`, `--window-size=1280,${height}`], file, timeout);
}

/** The DOM Chromium built from `file`, serialised (what the browser parsed, not the source text). */
export function dumpDom(bin: string, file: string, timeout = 60_000): string {
  return run(bin, ["--dump-dom"], file, timeout);
}
