/** Timed child processes for the benchmark: wall time, exit code, and (through /usr/bin/time -v) peak RSS and CPU. */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

export interface Run {
  readonly wallMs: number;
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Peak resident set size, when measured. */
  readonly maxRssMb?: number;
  /** User + system CPU time, when measured. */
  readonly cpuMs?: number;
}

export interface RunOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** Wrap in `/usr/bin/time -v` for peak RSS and CPU time. */
  readonly resources?: boolean;
}

export const HAS_GNU_TIME = existsSync("/usr/bin/time");

function field(text: string, name: string): number | undefined {
  const at = text.lastIndexOf(`${name}:`);
  if (at < 0) return undefined;
  const value = Number.parseFloat(text.slice(at + name.length + 1).trim().split(/\s/)[0] ?? "");
  return Number.isFinite(value) ? value : undefined;
}

/** Runs `command args` to completion with stdin closed; the wall time includes process start-up. */
export function run(command: string, args: readonly string[], options: RunOptions = {}): Run {
  const wrap = options.resources === true && HAS_GNU_TIME;
  const [cmd, argv] = wrap ? ["/usr/bin/time", ["-v", command, ...args]] : [command, [...args]];
  const started = performance.now();
  const child = spawnSync(cmd, argv, { input: "", encoding: "utf8", maxBuffer: 256 * 1024 * 1024, env: options.env ?? process.env });
  const wallMs = performance.now() - started;
  const base = { wallMs, code: child.status, stdout: child.stdout ?? "", stderr: child.stderr ?? "" };
  if (!wrap) return base;
  const rssKb = field(base.stderr, "Maximum resident set size (kbytes)");
  const user = field(base.stderr, "User time (seconds)") ?? 0;
  const system = field(base.stderr, "System time (seconds)") ?? 0;
  return { ...base, ...(rssKb !== undefined ? { maxRssMb: rssKb / 1024 } : {}), cpuMs: (user + system) * 1000 };
}

/** Like `run`, but throws with the output when the exit code is not one of `codes`. */
export function runChecked(command: string, args: readonly string[], codes: readonly number[], options: RunOptions = {}): Run {
  const result = run(command, args, options);
  if (result.code === null || !codes.includes(result.code)) {
    throw new Error(`${command} ${args.join(" ")} exited ${result.code}:\n${result.stdout.slice(0, 2000)}\n${result.stderr.slice(0, 2000)}`);
  }
  return result;
}
