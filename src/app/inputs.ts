/**
 * How one run reads its certificate files: one PKCS#12 password source for every input (FILE,
 * --chain, --intermediates, --ca-file: `--pfx-password-env` or the no-echo prompt on a terminal),
 * and one sink for what the decoders noticed, reported as `INPUT_NOTE` findings. The password
 * lives only in the read options; no note or finding carries it.
 */
import type { Finding } from "../findings/finding.js";
import { makeFinding } from "../findings/finding.js";
import type { ReadOptions } from "../input/read.js";
import { withFindings, type ChainVerdict } from "../result/verdict.js";
import type { CheckFlags } from "../cli/flags.js";
import type { CliIo } from "../cli/io.js";

export interface RunInputs {
  /** Pass to every certificate read of the run. */
  readonly read: ReadOptions;
  /** One `INPUT_NOTE` (info) per decoder note so far, in reading order. */
  notes(): Finding[];
}

export function runInputs(flags: Pick<CheckFlags, "pfxPasswordEnv">, io: CliIo): RunInputs {
  const notes: Finding[] = [];
  const read: ReadOptions = {
    ...(flags.pfxPasswordEnv ? { passwordEnv: flags.pfxPasswordEnv } : {}),
    env: io.env,
    ...(io.stdinIsTTY ? { promptPassword: askPassword } : {}),
    onNote: (input, note) => void notes.push(makeFinding("INPUT_NOTE", null, { input, note })),
  };
  return { read, notes: () => [...notes] };
}

/** The no-echo prompt, on stderr (stdout may carry a report); loaded only when a file needs it. */
async function askPassword(fileName: string): Promise<string> {
  const { promptSecret } = await import("../input/prompt.js");
  return promptSecret(`PKCS#12 password for ${fileName}: `, { input: process.stdin, output: process.stderr });
}

/** The run's input notes on each result that has a chain (a probe error keeps its "error" status). */
export function withInputNotes(results: readonly ChainVerdict[], inputs: RunInputs): ChainVerdict[] {
  const notes = inputs.notes();
  return results.map((r) => (r.status === "error" ? r : withFindings(r, notes)));
}
