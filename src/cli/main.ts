#!/usr/bin/env node
/** The `chaincheck` executable: the only module that touches `process` for the exit code. */
import { processIo } from "./io.js";
import { run } from "./run.js";

process.exitCode = await run(process.argv.slice(2), processIo());
