#!/usr/bin/env node
/** The `chaincheck` executable: the only module that touches `process` for the exit code. */
import module from "node:module";

// Start-up time is a benchmark goal: Node >= 22.1 caches compiled code across runs (not available on Node 20).
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
const { processIo } = await import("./io.js");
const { run } = await import("./run.js");

// `chaincheck --help | head`: a closed pipe ends the output, not the process with a stack trace.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw err;
});
process.exitCode = await run(process.argv.slice(2), processIo());
// A name lookup abandoned at its deadline (getaddrinfo cannot be cancelled) would hold the process until the
// resolver gives up: leave as soon as the output is flushed.
for (const stream of [process.stdout, process.stderr]) await new Promise((flushed) => stream.write("", flushed));
process.exit();
