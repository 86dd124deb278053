#!/usr/bin/env node
/** The `chaincheck` executable: the only module that touches `process` for the exit code. */
import { processIo } from "./io.js";
import { run } from "./run.js";

// `chaincheck --help | head`: a closed pipe ends the output, not the process with a stack trace.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw err;
});
process.exitCode = await run(process.argv.slice(2), processIo());
