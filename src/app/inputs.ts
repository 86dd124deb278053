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

export interface RunInputs {
  /** Pass to every certificate read of the run. */
  readonly read: ReadOptions;
  /** One `INPUT_NOTE` (info) per decoder note so far, in reading order. */
  notes(): Finding[];
}

export interface InputSources {
  /** `--pfx-password-env VAR`: the variable holding the PKCS#12 password. */
  readonly passwordEnv?: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Asks for a secret without echo; absent when no terminal can ask. */
  readonly promptSecret?: (question: string) => Promise<string>;
}

export function runInputs(sources: InputSources): RunInputs {
  const notes: Finding[] = [];
  const prompt = sources.promptSecret;
  const read: ReadOptions = {
    ...(sources.passwordEnv ? { passwordEnv: sources.passwordEnv } : {}),
    env: sources.env,
    ...(prompt ? { promptPassword: (fileName: string) => prompt(`PKCS#12 password for ${fileName}: `) } : {}),
    onNote: (input, note) => void notes.push(makeFinding("INPUT_NOTE", null, { input, note })),
  };
  return { read, notes: () => [...notes] };
}

/**
 * The run's notes (INPUT_NOTE, TRUST_STORE_NOTE) on each result that has a chain: a result without one (a probe
 * error) keeps its "error" status.
 */
export function withRunNotes(results: readonly ChainVerdict[], notes: readonly Finding[]): ChainVerdict[] {
  return results.map((r) => (r.status === "error" ? r : withFindings(r, notes)));
}
