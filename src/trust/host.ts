/**
 * I/O edge of the OS trust-store loader: runs an OsCommand without a shell, bounded by its timeout and
 * output cap, and gives the real machine's HostAccess. Tests inject their own HostAccess instead.
 */
import { spawn, type ChildProcessByStdio } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { OUTPUT_FILE, expandWindowsPath, type CommandOutcome, type HostAccess, type OsCommand } from "./os-stores.js";

/** Error output kept for the message; the rest is dropped. */
const STDERR_LIMIT = 64 * 1024;

/** This machine, with `overrides` (tests pass a fake `run`, `platform` and `env`). */
export function hostAccess(overrides: Partial<HostAccess> = {}): HostAccess {
  const env = overrides.env ?? process.env;
  return {
    platform: process.platform,
    env,
    run: (command) => runCommand(command, env),
    readOsRelease: () => readFileSync("/etc/os-release", "utf8"),
    ...overrides,
  };
}

/** Runs `command` (program paths expanded from `env`); a file-writing command writes into a fresh temporary directory. */
export async function runCommand(command: OsCommand, env: Readonly<Record<string, string | undefined>>): Promise<CommandOutcome> {
  const file = expandWindowsPath(command.file, env);
  if (command.output === "stdout") return spawnBounded(file, command.args, command);
  const dir = await mkdtemp(join(tmpdir(), "chaincheck-"));
  try {
    const path = join(dir, "output");
    const outcome = await spawnBounded(file, command.args.map((a) => (a === OUTPUT_FILE ? path : a)), command);
    if (!outcome.ok || outcome.exitCode !== 0) return outcome;
    const size = (await stat(path).catch(() => undefined))?.size;
    if (size === undefined) return { ...outcome, output: "" };
    if (size > command.maxBytes) return { ok: false, reason: `wrote more than ${bytes(command.maxBytes)}` };
    return { ...outcome, output: await readFile(path, "utf8") };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function spawnBounded(file: string, args: readonly string[], limits: Pick<OsCommand, "timeoutMs" | "maxBytes">): Promise<CommandOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (outcome: CommandOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    let child: ChildProcessByStdio<null, Readable, Readable>;
    try {
      child = spawn(file, [...args], { stdio: ["ignore", "pipe", "pipe"], shell: false, windowsHide: true });
    } catch (e) {
      finish({ ok: false, reason: startFailure(e as NodeJS.ErrnoException) });
      return;
    }
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let errBytes = 0;
    let failure: string | undefined;
    // Answer at once: a process the command started may hold the pipes open after it is killed.
    const stop = (why: string): void => {
      failure ??= why;
      child.kill("SIGKILL");
      child.stdout.destroy();
      child.stderr.destroy();
      finish({ ok: false, reason: failure });
    };
    timer = setTimeout(() => stop(`no answer within ${limits.timeoutMs / 1000} s`), limits.timeoutMs);
    child.stdout.on("data", (chunk: Buffer) => {
      outBytes += chunk.length;
      if (outBytes > limits.maxBytes) stop(`printed more than ${bytes(limits.maxBytes)}`);
      else out.push(chunk);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      if (errBytes < STDERR_LIMIT) err.push(chunk);
      errBytes += chunk.length;
    });
    child.on("error", (e: NodeJS.ErrnoException) => finish({ ok: false, reason: startFailure(e) }));
    child.on("close", (code, signal) => {
      if (failure !== undefined) finish({ ok: false, reason: failure });
      else if (code === null) finish({ ok: false, reason: `ended by signal ${signal}` });
      else finish({ ok: true, exitCode: code, output: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") });
    });
  });
}

function startFailure(e: NodeJS.ErrnoException): string {
  if (e.code === "ENOENT") return "not found";
  if (e.code === "EACCES" || e.code === "EPERM") return `not allowed to run (${e.code})`;
  return `could not start (${e.code ?? e.message})`;
}

function bytes(n: number): string {
  return n >= 1024 * 1024 ? `${n / (1024 * 1024)} MiB` : `${n} bytes`;
}
