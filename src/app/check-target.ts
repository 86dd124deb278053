/**
 * One live target, end to end: `checkLiveTarget` (probe, AIA, judgement, credentials, all within `--timeout`) with a
 * watchdog behind it. The one pipeline `check`, `tableau` and the exporter's /probe share. I/O (network).
 */
import type { ProbeOptions, ProbeTarget } from "../probe/types.js";
import type { ChainVerdict } from "../result/verdict.js";
import { checkLiveTarget, unfinishedResult, type LiveTargetSettings } from "./live-target.js";
import { withWatchdog } from "./targets.js";

/** Past the target's own deadline, the watchdog answers for a check that has not (a bug, or a starved event loop). */
export const WATCHDOG_GRACE_MS = 500;

/**
 * Checks `target` (`host`: the name checked against the certificate). `options.signal`, when given, aborts the check
 * early (the caller went away): the promise then rejects with its reason.
 */
export function checkTarget(target: ProbeTarget, options: ProbeOptions, host: string, live: LiveTargetSettings): Promise<ChainVerdict> {
  const bound = options.timeoutMs + WATCHDOG_GRACE_MS;
  const { signal: callerSignal, ...rest } = options;
  return withWatchdog(
    bound,
    (signal) => checkLiveTarget(target, host, { ...rest, signal: callerSignal ? AbortSignal.any([signal, callerSignal]) : signal }, live),
    () => unfinishedResult(target, host, live, bound),
  );
}
