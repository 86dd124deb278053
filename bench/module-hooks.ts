/** Module hooks for bench/module-count.ts: appends each file or built-in the ES module loader loads to a log. */
import { appendFileSync } from "node:fs";

let log = "";
export function initialize(data: { log: string }): void {
  log = data.log;
}

export async function load(url: string, context: object, next: (url: string, context: object) => Promise<unknown>): Promise<unknown> {
  appendFileSync(log, `esm ${url}\n`);
  return next(url, context);
}
