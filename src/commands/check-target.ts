/**
 * One live target, end to end: the probe under its watchdog, then `judgeLiveTarget`. The one pipeline `check` and
 * the exporter's /probe share. I/O (network).
 */
import { probe } from "../probe/probe.js";
import type { ProbeOptions, ProbeOutcome, ProbeTarget } from "../probe/types.js";
import type { ChainResult } from "../result.js";
import { judgeLiveTarget, type LiveTargetSettings } from "./live-target.js";
import { withWatchdog } from "./targets.js";

/** Past the probe's own deadline, the watchdog answers for a probe that has not (a bug, or a starved event loop). */
export const WATCHDOG_GRACE_MS = 500;

function watchdogOutcome(target: ProbeTarget, ms: number): ProbeOutcome {
  return {
    ok: false,
    target,
    error: { code: "CONNECTION_TIMEOUT", message: `${target.input}: no result within ${ms} ms`, hint: "The check did not finish in time: retry with a larger --timeout, or fewer targets at once (--concurrency)." },
    elapsedMs: ms,
  };
}

/**
 * Probes `target` (bounded by `options.timeoutMs` plus the watchdog's grace) and judges what it saw.
 * `options.signal`, when given, aborts the probe early (the caller went away): the promise then rejects with its reason.
 */
export async function checkLiveTarget(target: ProbeTarget, options: ProbeOptions, settings: LiveTargetSettings): Promise<ChainResult> {
  const bound = options.timeoutMs + WATCHDOG_GRACE_MS;
  const { signal: callerSignal, ...probeOptions } = options;
  const outcome = await withWatchdog(
    bound,
    (signal) => probe(target, { ...probeOptions, signal: callerSignal ? AbortSignal.any([signal, callerSignal]) : signal }),
    () => watchdogOutcome(target, bound),
  );
  return judgeLiveTarget(outcome, options.servername ?? target.host, probeOptions, settings);
}
