/** Runs the CLI in-process with a fake terminal, capturing stdout, stderr and the exit code. */
import { run } from "../../src/cli/run.js";
import type { CliIo } from "../../src/cli/io.js";
import type { CliDeps } from "../../src/cli/deps.js";

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function runCli(argv: readonly string[], overrides: Partial<CliIo> = {}, deps: Partial<CliDeps> = {}): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    stdoutIsTTY: false,
    stderrIsTTY: false,
    stdinIsTTY: false,
    env: {},
    now: () => new Date("2030-01-01T00:00:00Z"),
    ...overrides,
  };
  const code = await run(argv, io, deps);
  return { code, stdout, stderr };
}
