/** conformance/known-failures.json: every testcase chaincheck is known to get wrong, with the reason. */
import { readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { KnownFailure } from "./summary.js";

/** The repository root, from this module's place (conformance/ in the source tree, dist/conformance/ built). */
export function repoRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return basename(dirname(here)) === "dist" ? join(here, "..", "..") : join(here, "..");
}

/** conformance/known-failures.json of this tree. */
export const KNOWN_FAILURES_FILE = (): string => join(repoRoot(), "conformance", "known-failures.json");
/** The vendored x509-limbo data (testsuite, other harnesses' results, licence): conformance/x509-limbo/. */
export const LIMBO_DIR = (): string => join(repoRoot(), "conformance", "x509-limbo");
/** The default testsuite: conformance/x509-limbo/limbo.json.gz, inside the repository (a fresh clone has it). */
export const DEFAULT_LIMBO = (): string => join(LIMBO_DIR(), "limbo.json.gz");

/** Reads and checks known-failures.json: an array of { id, expected, actual, reason }, each with a reason. */
export function loadKnownFailures(path = KNOWN_FAILURES_FILE()): KnownFailure[] {
  const data = JSON.parse(readFileSync(path, "utf8")) as KnownFailure[];
  if (!Array.isArray(data)) throw new Error(`${path}: expected an array of { id, expected, actual, reason }`);
  for (const k of data) {
    if (typeof k.id !== "string" || typeof k.reason !== "string" || k.reason.length < 10) throw new Error(`${path}: entry ${JSON.stringify(k.id)} needs an id and a reason`);
  }
  return data;
}
