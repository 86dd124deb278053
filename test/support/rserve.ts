/**
 * Starts the real Rserve (Debian `r-cran-rserve`, TLS compiled in) on a loopback TLS port for tests.
 *
 * Rserve has no "present this chain" switch: `tls.cert` is read with SSL_CTX_use_certificate_file
 * (first certificate only) and `tls.ca` feeds the store OpenSSL auto-chains from (s-u/Rserve
 * `src/tls.c`; measured with Debian's r-cran-rserve 1.8-11: `tls.ca` = intermediate + root sent 3 certificates). It daemonizes: the daemon is a session leader
 * whose pid `pid.file` records, and each connection is a forked child in its process group.
 */
import { execFile, spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface RealRserveOptions {
  /** Goes to `tls.cert` (Rserve sends only its first certificate). */
  readonly certPem: string;
  readonly keyPem: string;
  /** Goes to `tls.ca`: OpenSSL completes the sent chain from it. */
  readonly caPem?: string;
}

export interface RealRserve {
  readonly port: number;
  /** Kills the daemon and its connection children, removes the temp dir. Idempotent. */
  close(): Promise<void>;
}

/** Environment variable that turns "Rserve missing" from a skip into a failure (CI sets it). */
export const REQUIRE_RSERVE_ENV = "CHAINCHECK_REQUIRE_RSERVE";

const START_ATTEMPTS = 5;
/** How long to wait for the daemon's pid file after `R CMD` returns. */
const DAEMON_WAIT_MS = 2000;
const START_TIMEOUT_MS = 20_000;
const PORT_WAIT_MS = 10_000;
const STOP_WAIT_MS = 5_000;

let binaryLookup: Promise<string | null> | undefined;

/** Path of the Rserve binary from the installed R package, or null when R or Rserve is missing. */
export function findRserveBinary(): Promise<string | null> {
  binaryLookup ??= run("Rscript", ["-e", 'cat(system.file("libs","Rserve",package="Rserve"))'], {
    timeout: 30_000,
  }).then(({ stdout }) => (stdout.trim() === "" ? null : stdout.trim()), () => null);
  return binaryLookup;
}

/** True when R and the Rserve package are installed. */
export async function rserveAvailable(): Promise<boolean> {
  return (await findRserveBinary()) !== null;
}

/**
 * For a `before` hook: skips the suite with a visible message when Rserve is absent, or fails it
 * when CHAINCHECK_REQUIRE_RSERVE=1.
 */
export async function skipUnlessRserve(ctx: Mocha.Context): Promise<void> {
  if (await rserveAvailable()) return;
  const why = "R with the Rserve package is not installed (apt-get install r-cran-rserve; see scripts/ci-deps.sh)";
  if (process.env[REQUIRE_RSERVE_ENV] === "1") throw new Error(`${why}, and ${REQUIRE_RSERVE_ENV}=1`);
  console.log(`      skipping real-Rserve tests: ${why}`);
  ctx.skip();
}

/** Daemon pids still running, killed if the test process exits without closing them. */
const running = new Set<number>();
process.on("exit", () => {
  for (const pid of running) killGroup(pid, "SIGKILL");
});

/** Starts Rserve with the given certificate material on a free 127.0.0.1 port (retries on a clash). */
export async function startRealRserve(options: RealRserveOptions): Promise<RealRserve> {
  const binary = await findRserveBinary();
  if (binary === null) throw new Error("Rserve is not installed");
  const dir = await mkdtemp(join(tmpdir(), "chaincheck-rserve-"));
  try {
    await writeMaterial(dir, options);
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const started = await launch(binary, dir, port, options.caPem !== undefined);
      if (started.kind === "clash" && attempt < START_ATTEMPTS) continue;
      if (started.kind !== "ok") throw new Error(`Rserve did not start (${started.kind}):\n${started.log}`);
      return handle(started.pid, port, dir);
    }
  } catch (error) {
    // Never leave a daemon behind, whatever failed.
    for (const pid of await daemonsWith(join(dir, "rserve.conf"))) killGroup(pid, "SIGKILL");
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

async function writeMaterial(dir: string, options: RealRserveOptions): Promise<void> {
  await mkdir(join(dir, "work"));
  await writeFile(join(dir, "server.key"), options.keyPem, { mode: 0o600 });
  await writeFile(join(dir, "server.pem"), options.certPem);
  if (options.caPem !== undefined) await writeFile(join(dir, "ca.pem"), options.caPem);
}

type Launch = { kind: "ok"; pid: number } | { kind: "clash" | "failed"; log: string };

/** Runs `R CMD <binary> --RS-conf FILE --no-save`, which returns once the daemon is up. */
async function launch(binary: string, dir: string, port: number, withCa: boolean): Promise<Launch> {
  const conf = join(dir, "rserve.conf");
  const pidFile = join(dir, "rserve.pid");
  await rm(pidFile, { force: true });
  await writeFile(conf, [
    "remote disable", // listen on 127.0.0.1 only
    "qap disable", // no plain QAP1 port
    `qap.tls.port ${port}`,
    `tls.key ${join(dir, "server.key")}`,
    `tls.cert ${join(dir, "server.pem")}`,
    ...(withCa ? [`tls.ca ${join(dir, "ca.pem")}`] : []),
    `pid.file ${pidFile}`,
    `workdir ${join(dir, "work")}`,
    "",
  ].join("\n"));
  const logPath = join(dir, `start-${port}.log`);
  const code = await runToExit("R", ["CMD", binary, "--RS-conf", conf, "--no-save"], logPath);
  const log = await readFile(logPath, "utf8").catch(() => "");
  if (code !== 0) return { kind: /address already in use/i.test(log) ? "clash" : "failed", log };
  const pid = await findDaemon(pidFile, conf);
  // The daemon forks before it binds: when the free port was taken meanwhile (other test runs on the
  // machine), it exits without writing its pid file. Try another port.
  if (pid === null) return { kind: "clash", log: `${log}\nno daemon running with ${conf} (port ${port} taken?)` };
  running.add(pid);
  if (!(await waitForPort(port))) {
    await stop(pid);
    return { kind: "failed", log: `${log}\nport ${port} never accepted a connection` };
  }
  return { kind: "ok", pid };
}

/** Spawns with stdout/stderr to a file (the daemon inherits it, so no pipe is held open). */
function runToExit(command: string, args: readonly string[], logPath: string): Promise<number | null> {
  const fd = openSync(logPath, "w");
  return new Promise<number | null>((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", fd, fd] });
    const timer = setTimeout(() => child.kill("SIGKILL"), START_TIMEOUT_MS);
    child.once("error", reject);
    child.once("exit", (code) => resolve(code));
    child.once("exit", () => clearTimeout(timer));
  }).finally(() => closeSync(fd));
}

/**
 * The daemon's pid: the pid file, which the daemon may write a little after `R CMD` returns, else a
 * scan of /proc for a live Rserve started with our config file (so no daemon is ever left behind).
 */
async function findDaemon(pidFile: string, conf: string): Promise<number | null> {
  const deadline = Date.now() + DAEMON_WAIT_MS;
  for (;;) {
    const fromFile = Number.parseInt(await readFile(pidFile, "utf8").catch(() => ""), 10);
    if (Number.isInteger(fromFile) && fromFile > 1 && (await isOurRserve(fromFile, conf))) return fromFile;
    const scanned = await daemonsWith(conf);
    if (scanned.length > 0 && Date.now() + 200 >= deadline) return Math.min(...scanned);
    if (Date.now() >= deadline) return null;
    await sleep(50);
  }
}

/** Live Rserve processes whose command line names `conf`. */
async function daemonsWith(conf: string): Promise<number[]> {
  const pids = (await readdir("/proc").catch(() => [] as string[])).filter((name) => /^\d+$/.test(name)).map(Number);
  const ours: number[] = [];
  for (const pid of pids) if ((await isOurRserve(pid, conf)) && (await alive(pid))) ours.push(pid);
  return ours;
}

/** Guards against a recycled pid: the process must be Rserve started with our config file. */
async function isOurRserve(pid: number, conf: string): Promise<boolean> {
  const cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
  return cmdline.includes("Rserve") && cmdline.includes(conf);
}

function handle(pid: number, port: number, dir: string): RealRserve {
  let closing: Promise<void> | undefined;
  return {
    port,
    close(): Promise<void> {
      closing ??= stop(pid).finally(() => rm(dir, { recursive: true, force: true }));
      return closing;
    },
  };
}

/** SIGTERM to the daemon's process group (it is a session leader), SIGKILL if it lingers. */
async function stop(pid: number): Promise<void> {
  killGroup(pid, "SIGTERM");
  const deadline = Date.now() + STOP_WAIT_MS;
  while (Date.now() < deadline && (await alive(pid))) await sleep(50);
  if (await alive(pid)) killGroup(pid, "SIGKILL");
  running.delete(pid);
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/** Running and not a zombie (PID 1 here may reap the daemon's zombies late). */
async function alive(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
  if (stat === "") return false;
  const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
  return state !== "Z" && state !== "X";
}

/** A port that was free a moment ago: bind 0 on 127.0.0.1, read it, close. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Bounded retry: TCP connects to the port until one succeeds or the deadline passes. */
async function waitForPort(port: number): Promise<boolean> {
  const deadline = Date.now() + PORT_WAIT_MS;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: "127.0.0.1", port });
      socket.setTimeout(500, () => { socket.destroy(); resolve(false); });
      socket.once("connect", () => { socket.destroy(); resolve(true); });
      socket.once("error", () => resolve(false));
    });
    if (ok) return true;
    await sleep(50);
  }
  return false;
}
