import type { HostAccess } from "../trust/os-stores.js";

/** The CLI's window on the world: streams, TTY flags, environment. Tests pass a fake. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly stdoutIsTTY: boolean;
  readonly stderrIsTTY: boolean;
  readonly stdinIsTTY: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The clock, for runs without --at. */
  readonly now: () => Date;
  /** Where the progress spinner draws (stderr); absent = no spinner. */
  readonly progressStream?: NodeJS.WritableStream;
  /** The machine whose trust store and OS are used (platform, commands); absent = this one. */
  readonly host?: Partial<HostAccess>;
}

export function processIo(): CliIo {
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    stdinIsTTY: process.stdin.isTTY === true,
    env: process.env,
    now: () => new Date(),
    progressStream: process.stderr,
  };
}

/** Colour on only for a terminal; NO_COLOR and --no-color win, FORCE_COLOR forces it (https://no-color.org). */
export function colourEnabled(io: CliIo, noColorFlag: boolean): boolean {
  if (noColorFlag || (io.env.NO_COLOR ?? "") !== "") return false;
  const force = io.env.FORCE_COLOR;
  if (force !== undefined && force !== "" ) return force !== "0" && force !== "false";
  return io.stdoutIsTTY;
}
