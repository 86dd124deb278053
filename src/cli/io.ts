import { isatty } from "node:tty";
import type { HostAccess } from "../trust/os-stores.js";

/** The CLI's window on the world: streams, TTY flags, environment. Tests pass a fake. */
import { safeText } from "../report/safe-text.js";
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
    // isatty(0), not process.stdin.isTTY: the stdin stream costs ~2.5 ms to set up; only the prompt needs it.
    stdinIsTTY: isatty(0),
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

/**
 * The same io with every stderr message neutralised as reports are (safe-text.ts): a file name,
 * PEM label, time string, argument or server banner in an error cannot drive the terminal or start
 * a forged line. Each write is one message: only its final line breaks are kept. The progress
 * spinner draws on `progressStream`, not through here.
 */
export function withSafeStderr(io: CliIo): CliIo {
  return { ...io, stderr: (text) => io.stderr(safeMessage(text)) };
}

/** `text` made inert and kept on its lines: every character escaped except the trailing line breaks. */
export function safeMessage(text: string): string {
  const body = text.replace(/\n+$/, "");
  return safeText(body) + text.slice(body.length);
}
