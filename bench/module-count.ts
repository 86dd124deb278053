/**
 * `node --import ./dist/bench/module-count.js SCRIPT ...` with BENCH_MODULE_LOG=FILE: at exit, FILE holds one line
 * per module loaded ("esm URL" from the ES module loader, "cjs PATH" from require, "builtin NAME" for Node's own
 * modules compiled after start-up, internal ones included). For the start-up table; never used when timing.
 */
import { appendFileSync } from "node:fs";
import { createRequire, register } from "node:module";

const log = process.env.BENCH_MODULE_LOG!;
register("./module-hooks.js", import.meta.url, { data: { log } });
/** Node's list of the built-in modules compiled so far (undocumented, stable since Node 0.x). */
const loaded = () => (process as unknown as { moduleLoadList: readonly string[] }).moduleLoadList;
const builtinsBefore = new Set(loaded());
process.on("exit", () => {
  const cjs = Object.keys(createRequire(import.meta.url).cache).map((p) => `cjs ${p}`);
  const builtins = loaded().filter((m) => m.startsWith("NativeModule ") && !builtinsBefore.has(m)).map((m) => `builtin ${m.slice(13)}`);
  appendFileSync(log, [...cjs, ...builtins, ""].join("\n"));
});
