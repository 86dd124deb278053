/**
 * Targets from the command line and `--targets-file` (pure parsing; the CLI reads the file), and the bounded
 * concurrency pool that checks them: results in input order, each target bounded by its own watchdog.
 */
import { UsageError } from "../cli/options.js";

export type TargetService = "auto" | "tabpy" | "rserve" | "tls";

export interface TargetSpec {
  readonly input: string;
  readonly servername?: string;
  readonly service?: TargetService;
  /** The `--targets-file` line the target was read from (for error messages and SARIF locations). */
  readonly origin?: { readonly file: string; readonly line: number };
}

const SERVICES: readonly TargetService[] = ["auto", "tabpy", "rserve", "tls"];

/**
 * One target per line; `#` starts a comment (whole line or after the target); optional `servername=NAME` and
 * `service=auto|tabpy|rserve|tls` after the target, separated by blanks. CRLF and a UTF-8 BOM are accepted.
 * @throws UsageError naming `fileName:line` for an unknown setting or service.
 */
export function parseTargetsFile(text: string, fileName: string): TargetSpec[] {
  const out: TargetSpec[] = [];
  text.replace(/^\ufeff/, "").split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/(^|\s)#.*$/, "").trim();
    if (!line) return;
    const where = `${fileName}:${i + 1}`;
    const [input, ...options] = line.split(/\s+/);
    let spec: { -readonly [K in keyof TargetSpec]: TargetSpec[K] } = { input: input!, origin: { file: fileName, line: i + 1 } };
    for (const option of options) {
      const m = /^(servername|service)=(.+)$/.exec(option);
      if (!m) throw new UsageError(`${where}: unknown setting "${option}" (expected servername=NAME or service=NAME)`);
      if (m[1] === "service") {
        if (!(SERVICES as readonly string[]).includes(m[2]!)) throw new UsageError(`${where}: service must be one of ${SERVICES.join(", ")}, got "${m[2]}"`);
        spec = { ...spec, service: m[2] as TargetService };
      } else spec = { ...spec, servername: m[2]! };
    }
    out.push(spec);
  });
  return out;
}

/**
 * Runs `task` over `items` with at most `limit` at once; results in input order. A slow item holds one slot and
 * nothing else: the others keep flowing through the remaining slots.
 */
export async function mapConcurrent<T, R>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
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
