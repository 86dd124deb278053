/**
 * The bounded concurrency pool that checks targets: results in input order, each target bounded by its own
 * watchdog.
 */

/**
 * Runs `task` over `items` with at most `limit` at once; results in input order. A slow item holds one slot and
 * nothing else: the others keep flowing through the remaining slots.
 */
export async function mapConcurrent<T, R>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  await forEachConcurrent(items, limit, task, (result, index) => void (results[index] = result));
  return results;
}

/**
 * Runs `task` over `items` with at most `limit` at once and hands each result to `deliver` in input order, one at a
 * time (the next only once the previous `deliver` settled). A result that finishes before an earlier one waits for
 * it; once delivered it is not kept. A rejection of `task` or `deliver` rejects the whole run, and no item starts
 * after it.
 */
export async function forEachConcurrent<T, R>(
  items: readonly T[], limit: number, task: (item: T, index: number) => Promise<R>, deliver: (result: R, index: number) => void | Promise<void>,
): Promise<void> {
  const waiting = new Map<number, R>();
  let next = 0;
  let delivered = 0;
  let failed = false;
  let delivering: Promise<void> = Promise.resolve();
  // Delivers every result that is next in order; chained, so deliveries never overlap.
  const drain = async (): Promise<void> => {
    while (waiting.has(delivered)) {
      const index = delivered++;
      const result = waiting.get(index)!;
      waiting.delete(index);
      await deliver(result, index);
    }
  };
  const worker = async () => {
    while (next < items.length && !failed) {
      const index = next++;
      waiting.set(index, await task(items[index]!, index));
      delivering = delivering.then(drain);
      await delivering;
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  } catch (err) {
    failed = true;
    throw err;
  }
}

/** Why a watchdog fired (the abort reason passed to the task's signal). */
export class WatchdogTimeout extends Error {
  override name = "WatchdogTimeout";
  constructor(readonly ms: number) {
    super(`no result within ${ms} ms`);
  }
}

/**
 * Bounds `task` to `ms`: at `ms` its signal aborts with a `WatchdogTimeout`; a rejection with that reason, or no
 * settlement at all by then, yields `fallback(reason)`. Any other rejection propagates. The probe has its own
 * deadline; this is the guarantee that one target never holds a slot, or the report, longer than its bound.
 */
export function withWatchdog<R>(ms: number, task: (signal: AbortSignal) => Promise<R>, fallback: (reason: WatchdogTimeout) => R): Promise<R> {
  const controller = new AbortController();
  // Created only when the watchdog fires: an Error captures a stack, which costs more than the rest per target.
  let reason: WatchdogTimeout | undefined;
  return new Promise<R>((resolve, reject) => {
    const timer = setTimeout(() => {
      reason = new WatchdogTimeout(ms);
      controller.abort(reason);
      // Give the task a turn to close its sockets and reject; then answer for it.
      setImmediate(() => resolve(fallback(reason!)));
    }, ms);
    task(controller.signal).then(
      (value) => { clearTimeout(timer); resolve(value); },
      (err: unknown) => { clearTimeout(timer); if (reason !== undefined && err === reason) resolve(fallback(reason)); else reject(err); },
    );
  });
}
