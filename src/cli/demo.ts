/**
 * `chaincheck demo`: runs the demo (src/app/demo.ts) and prints both reports. Exit 0 when both verdicts come out as
 * designed (TabPy trusted; Rserve leaf-only with proven advice).
 */
import { runDemo } from "../app/demo.js";
import type { CliDeps } from "./deps.js";
import { EXIT } from "./exit-code.js";
import type { CliIo } from "./io.js";
import { emitResults } from "./output.js";
import { VERSION } from "./version.js";

export async function executeDemo(flags: { color: boolean; format: string }, io: CliIo, deps: CliDeps): Promise<number> {
  const run = await runDemo(io.now(), deps.detectOs());
  io.stderr(`chaincheck demo: TabPy-like server on 127.0.0.1:${run.ports.tabpy} (sends leaf + intermediate), Rserve-like server on 127.0.0.1:${run.ports.rserve} (sends the leaf only), trust store: ${run.trustStore}\n\n`);
  await emitResults(run.results, { format: flags.format === "json" ? "json" : "text", color: flags.color }, io, VERSION);
  if (!run.asDesigned) io.stderr("chaincheck demo: the results differ from what the demo expects (see above)\n");
  return run.asDesigned ? EXIT.ok : EXIT.failed;
}
