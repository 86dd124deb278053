/**
 * Exit codes (README "Exit codes"): 0 every target passed (warnings allowed), 1 a target failed,
 * 2 usage or unreadable input (decided before any result exists), 3 a target could not be checked
 * and none failed.
 */
import type { ChainResult } from "../result/verdict.js";

export const EXIT = { ok: 0, failed: 1, usage: 2, unchecked: 3 } as const;

export type FailOn = "error" | "warning";

export function exitCodeFor(results: readonly Pick<ChainResult, "status">[], failOn: FailOn): number {
  if (results.some((r) => r.status === "fail" || (failOn === "warning" && r.status === "warn"))) return EXIT.failed;
  if (results.some((r) => r.status === "error")) return EXIT.unchecked;
  return EXIT.ok;
}
