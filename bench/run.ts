/**
 * `npm run bench` (node dist/bench/run.js): chaincheck against local servers, every comparison interleaved (one run
 * of each row per round, so machine load hits all rows alike), medians with min/max, and issue 16's goals.
 * Nothing is asserted: the numbers go into docs/BENCHMARKS.md.
 *
 * Environment: BENCH_RUNS (single runs, default 21), BENCH_FLEET_RUNS (1,000-target runs, default 5), BENCH_TARGETS
 * (default 1000), BENCH_CONCURRENCY (default 32), BENCH_OPENSSL_SAMPLE (default 50), BENCH_ONLY (sections, e.g.
 * "0,1"), BENCH_CLI (another build's bin/chaincheck.cjs, to compare), BENCH_PROFILE=1 (CPU profile summaries).
 * chaincheck runs with XDG_CACHE_HOME in a temporary folder: "cached" rows use the code cache an earlier run wrote,
 * "no code cache" rows set CHAINCHECK_CODE_CACHE=off, "unbundled" rows run dist/src/cli/main.js (the tsc output).
 */
import { spawn } from "node:child_process";
import { cpus, loadavg, tmpdir } from "node:os";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";
import { HAS_GNU_TIME, run, runChecked, type Run } from "./spawn.js";
import { line, ratio, summarize, type Summary } from "./stats.js";
import { summarizeProfile } from "./profile.js";
import { startOpensslServers } from "./openssl-servers.js";

const ROOT = resolve(".");
const BIN = resolve(process.env.BENCH_CLI ?? "bin/chaincheck.cjs");
const UNBUNDLED = resolve("dist/src/cli/main.js");
const RUNS = Number(process.env.BENCH_RUNS ?? "21");
const FLEET_RUNS = Number(process.env.BENCH_FLEET_RUNS ?? "5");
const TARGETS = Number(process.env.BENCH_TARGETS ?? "1000");
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? "32");
const OPENSSL_SAMPLE = Number(process.env.BENCH_OPENSSL_SAMPLE ?? "50");
const ONLY = new Set((process.env.BENCH_ONLY ?? "0,1,2,3").split(","));
const PROFILE = process.env.BENCH_PROFILE === "1";
const SERVER_PORTS = 8;
const SERVERNAME = "tabpy.chaincheck.test";
const CA_DIR = "fixtures/ca";
const CA = `${CA_DIR}/root.pem`;
const SYSTEM_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";

const tmp = mkdtempSync(join(tmpdir(), "chaincheck-bench-"));
/**
 * Every row runs without SSL_CERT_DIR and NODE_EXTRA_CA_CERTS (set on some machines, this one included): a
 * certificate directory is read file by file and would dominate `verify`; section 3 shows that case on its own row.
 */
const { SSL_CERT_DIR: machineCertDir, NODE_EXTRA_CA_CERTS: _extra, ...BASE } = process.env;
const CACHED = { ...BASE, XDG_CACHE_HOME: join(tmp, "cache") };
const NO_CACHE = { ...CACHED, CHAINCHECK_CODE_CACHE: "off" };
const say = (text = "") => process.stdout.write(`${text}\n`);
const load = () => loadavg().map((l) => l.toFixed(2)).join(" ");

function machine(): string {
  const openssl = run("openssl", ["version"]).stdout.trim();
  return `${cpus().length} x ${cpus()[0]?.model ?? "cpu"}; Node ${process.version}; ${openssl}; load average ${load()}`;
}

/** One row of an interleaved comparison: `time` runs it once and returns the wall time in ms. */
interface Row {
  readonly label: string;
  readonly time: () => number;
}

/** Runs every row once per round, `runs` rounds; prints one line per row; returns the summaries by label. */
function interleave(title: string, rows: readonly Row[], runs: number): Map<string, Summary> {
  say(`\n${title}, ${runs} runs each, interleaved (load average ${load()})`);
  const samples = rows.map(() => [] as number[]);
  for (let i = 0; i < runs; i++) rows.forEach((row, j) => samples[j]!.push(row.time()));
  const out = new Map<string, Summary>();
  rows.forEach((row, j) => {
    const s = summarize(samples[j]!);
    out.set(row.label, s);
    say(line(row.label, s, "ms"));
  });
  return out;
}

const timed = (command: string, args: readonly string[], codes: readonly number[] = [0], env: NodeJS.ProcessEnv = BASE) => () => runChecked(command, args, codes, { env }).wallMs;

/** A peer tool that may be missing: its row, or a visible "not installed" line instead. */
function peer(label: string, command: string, hint: string, row: () => number): Row[] {
  if (run("sh", ["-c", `command -v ${command}`], { env: BASE }).code === 0) return [{ label, time: row }];
  say(`  ${label}: not installed (${hint}); row skipped`);
  return [];
}

/** Starts bench/servers.js (TabPy-like Node servers, their own process) and returns the ports and a stop function. */
async function startNodeServers(count: number): Promise<{ ports: number[]; stop: () => void }> {
  const child = spawn("node", ["dist/bench/servers.js", String(count)], { stdio: ["pipe", "pipe", "inherit"] });
  const first = await new Promise<string>((resolveLine, reject) => {
    createInterface({ input: child.stdout }).once("line", resolveLine);
    child.once("exit", (code) => reject(new Error(`bench servers exited ${code}`)));
  });
  return { ports: (JSON.parse(first) as { ports: number[] }).ports, stop: () => child.stdin.end() };
}

/** `openssl s_client -showcerts` then `openssl verify` of what it printed: the peer tool's two steps. */
function opensslFetchAndVerify(port: number): number {
  const fetched = runChecked("openssl", ["s_client", "-connect", `127.0.0.1:${port}`, "-servername", SERVERNAME, "-showcerts"], [0]);
  const pems = fetched.stdout.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n/g) ?? [];
  writeFileSync(join(tmp, "leaf.pem"), pems[0] ?? "");
  writeFileSync(join(tmp, "untrusted.pem"), pems.slice(1).join(""));
  const verified = runChecked("openssl", ["verify", "-CAfile", CA, "-untrusted", join(tmp, "untrusted.pem"), "-verify_hostname", SERVERNAME, join(tmp, "leaf.pem")], [0]);
  return fetched.wallMs + verified.wallMs;
}

/** The interpreter behind `python3` (a pyenv shim would add its own start-up to Python's). */
function pythonExecutable(): string | null {
  const r = run("python3", ["-c", "import sys; print(sys.executable)"]);
  return r.code === 0 ? r.stdout.trim() : null;
}

function withProfile(args: readonly string[], name: string): string[] {
  return PROFILE ? [`--cpu-prof`, `--cpu-prof-dir=${join(tmp, name)}`, ...args] : [...args];
}

function printProfile(name: string): void {
  if (!PROFILE) return;
  const dir = join(tmp, name);
  const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
  if (file) for (const l of summarizeProfile(join(dir, file), ROOT)) say(l);
}

/** Modules one run loads (bench/module-count.ts): ES modules and CommonJS files of the package, Node built-ins. */
function moduleCount(script: string, args: readonly string[]): string {
  const log = join(tmp, "modules.log");
  rmSync(log, { force: true });
  runChecked("node", ["--import", resolve("dist/bench/module-count.js"), script, ...args], [0, 1], { env: { ...CACHED, BENCH_MODULE_LOG: log } });
  const lines = readFileSync(log, "utf8").split("\n");
  const cjs = new Set(lines.filter((l) => l.startsWith("cjs ")).map((l) => l.slice(4)));
  const esm = new Set(lines.filter((l) => l.startsWith("esm file:")).map((l) => fileURLToPath(l.slice(4))).filter((p) => !cjs.has(p)));
  const builtins = lines.filter((l) => l.startsWith("builtin ")).length;
  return `${esm.size + cjs.size} files (${esm.size} ES modules, ${cjs.size} CommonJS incl. package.json), ${builtins} built-ins compiled`;
}

/** Benchmark 0: start-up alone (`--version`), and what each run loads. */
function startup(port: number): void {
  const verify = ["verify", `${CA_DIR}/fullchain.pem`, "--ca-file", CA, "--host", SERVERNAME, "--quiet"];
  const live = [`127.0.0.1:${port}`, "--ca-file", CA, "--servername", SERVERNAME];
  runChecked("node", [BIN, "--version"], [0], { env: CACHED });
  interleave("0. Start-up: chaincheck --version", [
    { label: "node -e 0 (process start-up only)", time: timed("node", ["-e", "0"]) },
    { label: "unbundled (tsc output, ES modules)", time: timed("node", [UNBUNDLED, "--version"]) },
    { label: "bundle, no code cache", time: timed("node", [BIN, "--version"], [0], NO_CACHE) },
    { label: "bundle + code cache (the installed bin)", time: timed("node", [BIN, "--version"], [0], CACHED) },
  ], RUNS);
  const bundle = statSync(resolve(BIN, "..", "..", "dist", "bundle", "cli.js")).size;
  const cacheDir = join(tmp, "cache", "chaincheck");
  const caches = existsSync(cacheDir) ? readdirSync(cacheDir).map((f) => statSync(join(cacheDir, f)).size) : [];
  say(`  bundle ${(bundle / 1024).toFixed(0)} KiB; code cache ${caches.map((b) => `${(b / 1024).toFixed(0)} KiB`).join(", ") || "none"}`);
  for (const [name, args] of [["--version", ["--version"]], ["verify", verify], ["live check", live]] as const) {
    say(`  modules loaded, ${name}: unbundled ${moduleCount(UNBUNDLED, args)}; bundle ${moduleCount(BIN, args)}`);
  }
}

/** Benchmark 1: one target, full chain, spawned processes, wall time; chaincheck against the bare fetch and peers. */
function single(port: number): void {
  const target = `127.0.0.1:${port}`;
  const cc = [target, "--ca-file", CA, "--servername", SERVERNAME];
  runChecked("node", [BIN, ...cc], [0], { env: CACHED });
  const python = pythonExecutable();
  const rows: Row[] = [
    { label: "node -e 0 (process start-up only)", time: timed("node", ["-e", "0"]) },
    { label: "bare Node fetch, CommonJS (bench/bare-fetch.cts)", time: timed("node", ["dist/bench/bare-fetch.cjs", target, SERVERNAME]) },
    { label: "bare Node fetch, ES module (bench/bare-fetch.ts)", time: timed("node", ["dist/bench/bare-fetch.js", target, SERVERNAME]) },
    { label: "chaincheck HOST:PORT (detects TabPy)", time: timed("node", [BIN, ...cc], [0], CACHED) },
    { label: "chaincheck ... --service tls (no detection)", time: timed("node", [BIN, ...cc, "--service", "tls"], [0], CACHED) },
    { label: "chaincheck, bundle without code cache", time: timed("node", [BIN, ...cc], [0], NO_CACHE) },
    { label: "chaincheck, unbundled (dist/src/cli/main.js)", time: timed("node", [UNBUNDLED, ...cc], [0], CACHED) },
    { label: "openssl s_client -showcerts + openssl verify", time: () => opensslFetchAndVerify(port) },
    ...peer("gnutls-cli --x509cafile --verify-hostname", "gnutls-cli", "Debian gnutls-bin", timed("gnutls-cli", ["--x509cafile", CA, "--sni-hostname", SERVERNAME, "--verify-hostname", SERVERNAME, "-p", String(port), "127.0.0.1"])),
    ...(python ? [{ label: "Python ssl (bench/peer-python.py)", time: timed(python, ["bench/peer-python.py", "127.0.0.1", String(port), SERVERNAME, CA]) }] : []),
  ];
  if (!python) say("  Python ssl: python3 not installed; row skipped");
  const s = interleave(`1. One target, full chain (${target}, TabPy-like Node server, leaf + intermediate)`, rows, RUNS);
  const m = (label: string) => s.get(label)!.median;
  const cjs = m(rows[1]!.label);
  say(ratio("chaincheck / bare fetch (CommonJS)", m(rows[3]!.label) / cjs, { op: "<=", target: 1.25 }));
  say(ratio("chaincheck / bare fetch (ES module)", m(rows[3]!.label) / m(rows[2]!.label)));
  say(ratio("chaincheck --service tls / bare fetch (CommonJS)", m(rows[4]!.label) / cjs));
  say(`  saved by the bundle: ${(m(rows[6]!.label) - m(rows[5]!.label)).toFixed(1)} ms; by the code cache: ${(m(rows[5]!.label) - m(rows[3]!.label)).toFixed(1)} ms`);
  if (PROFILE) {
    runChecked("node", withProfile([BIN, ...cc], "single"), [0], { env: CACHED });
    printProfile("single");
  }
}

function fleetFile(ports: readonly number[], name: string): string {
  const file = join(tmp, `targets-${name}.txt`);
  writeFileSync(file, `${Array.from({ length: TARGETS }, (_, i) => `127.0.0.1:${ports[i % ports.length]}`).join("\n")}\n`);
  return file;
}

function fleetRun(file: string, name: string, profile = false): Run {
  const out = join(tmp, `${name}.json`);
  const args = [BIN, "--targets-file", file, "--ca-file", CA, "--servername", SERVERNAME, "--concurrency", String(CONCURRENCY), "--format", "json", "--output", out];
  const result = runChecked("node", profile ? withProfile(args, name) : args, [0], { resources: !profile, env: CACHED });
  const statuses = (JSON.parse(readFileSync(out, "utf8")) as { results: { status: string }[] }).results.map((r) => r.status);
  const passed = statuses.filter((s) => s === "pass").length;
  if (passed !== TARGETS) throw new Error(`${name}: ${passed}/${TARGETS} targets passed`);
  return result;
}

const rate = (runs: readonly Run[]) => summarize(runs.map((r) => TARGETS / (r.wallMs / 1000)));

/** Benchmark 2: TARGETS targets over 8 ports of each server kind, detection on, vs the raw handshake loop. */
function fleet(kinds: readonly { name: string; ports: readonly number[] }[], sequentialPorts: readonly number[]): void {
  say(`\n2. ${TARGETS} targets over ${SERVER_PORTS} local ports, concurrency ${CONCURRENCY}, service detection on, ${FLEET_RUNS} runs each, interleaved (load average ${load()}; wall time includes process start-up)`);
  const files = kinds.map((k) => fleetFile(k.ports, k.name));
  const raw = kinds.map(() => [] as Run[]);
  const cc = kinds.map(() => [] as Run[]);
  for (let i = 0; i < FLEET_RUNS; i++) {
    kinds.forEach((k, j) => {
      raw[j]!.push(runChecked("node", ["dist/bench/raw-loop.js", files[j]!, String(CONCURRENCY), CA, SERVERNAME], [0], { resources: true, env: BASE }));
      cc[j]!.push(fleetRun(files[j]!, `fleet-${k.name}`));
    });
  }
  const cpu = (runs: readonly Run[]) => summarize(runs.map((r) => (r.cpuMs ?? Number.NaN) / TARGETS));
  const rss = (runs: readonly Run[]) => summarize(runs.map((r) => r.maxRssMb ?? Number.NaN));
  const sample = Math.min(OPENSSL_SAMPLE, TARGETS);
  let opensslMs = 0;
  for (let i = 0; i < sample; i++) {
    opensslMs += runChecked("openssl", ["s_client", "-connect", `127.0.0.1:${sequentialPorts[i % sequentialPorts.length]}`, "-servername", SERVERNAME, "-CAfile", CA, "-verify_return_error", "-showcerts"], [0]).wallMs;
  }
  const sequentialRate = sample / (opensslMs / 1000);
  kinds.forEach((k, j) => {
    say(`  against ${k.name}:`);
    for (const [label, runs] of [["raw Node handshake loop (bench/raw-loop.ts)", raw[j]!], ["chaincheck --targets-file, JSON to --output", cc[j]!]] as const) {
      say(line(`    ${label}: rate`, rate(runs), "targets/s", 0));
      say(line(`      client CPU per target`, cpu(runs), "ms", 2));
      say(line(`      peak RSS`, rss(runs), "MB", 1));
    }
    say(ratio(`  chaincheck / raw loop rate (${k.name})`, rate(cc[j]!).median / rate(raw[j]!).median, { op: ">=", target: 0.8 }));
    say(ratio(`  chaincheck / sequential openssl s_client rate (${k.name})`, rate(cc[j]!).median / sequentialRate, { op: ">=", target: 10 }));
  });
  say(`  sequential openssl s_client loop (Node servers): ${sample} handshakes in ${opensslMs.toFixed(0)} ms -> ${sequentialRate.toFixed(0)} targets/s, ${((opensslMs / sample) * TARGETS / 1000).toFixed(1)} s extrapolated to ${TARGETS}`);
  const peak = Math.max(...cc.flat().map((r) => r.maxRssMb ?? Number.NaN));
  say(ratio("chaincheck peak RSS", peak, { op: "<=", target: 130, unit: " MB" }).replace("<=", "<"));
  if (!HAS_GNU_TIME) say("  (/usr/bin/time not found: no RSS or CPU figures)");
  if (PROFILE) {
    fleetRun(files[0]!, "fleet-profile", true);
    printProfile("fleet-profile");
  }
}

/** Benchmark 3: trust store load + verify of one chain against the system store, vs node -e 0 and openssl verify. */
function trustStore(): void {
  const bundle = join(tmp, "system-plus-test-root.pem");
  writeFileSync(bundle, readFileSync(SYSTEM_BUNDLE, "utf8") + readFileSync(CA, "utf8"));
  const count = readFileSync(bundle, "utf8").split("BEGIN CERTIFICATE").length - 1;
  const env = { ...CACHED, SSL_CERT_FILE: bundle };
  const certDir = machineCertDir ?? (existsSync("/etc/ssl/certs") ? "/etc/ssl/certs" : undefined);
  const cc = ["verify", `${CA_DIR}/fullchain.pem`, "--host", SERVERNAME, "--quiet"];
  runChecked("node", [BIN, ...cc], [0], { env });
  const rows: Row[] = [
    { label: "node -e 0", time: timed("node", ["-e", "0"]) },
    { label: "chaincheck verify (system store + test root: trusted)", time: timed("node", [BIN, ...cc], [0], env) },
    // The system store alone: the test root is missing, so the verdict is "not trusted" (exit 1); same work.
    { label: "chaincheck verify (system store only: not trusted)", time: timed("node", [BIN, ...cc], [1], CACHED) },
    { label: "chaincheck verify, bundle without code cache", time: timed("node", [BIN, ...cc], [0], { ...env, CHAINCHECK_CODE_CACHE: "off" }) },
    { label: "chaincheck verify, unbundled (dist/src/cli/main.js)", time: timed("node", [UNBUNDLED, ...cc], [0], env) },
    ...(certDir ? [{ label: `chaincheck verify with SSL_CERT_DIR=${certDir} (${readdirSync(certDir).length} entries)`, time: timed("node", [BIN, ...cc], [0], { ...env, SSL_CERT_DIR: certDir }) }] : []),
    { label: "openssl verify -CAfile <same bundle> -untrusted", time: timed("openssl", ["verify", "-CAfile", bundle, "-untrusted", `${CA_DIR}/intermediate.pem`, `${CA_DIR}/leaf.pem`]) },
  ];
  const s = interleave(`3. Trust store load + verify of one chain (${CA_DIR}/fullchain.pem; store: ${SYSTEM_BUNDLE} plus the test root, ${count} certificates, via SSL_CERT_FILE)`, rows, RUNS);
  const m = (prefix: string) => [...s].find(([label]) => label.startsWith(prefix))![1].median;
  const [start, verify, openssl] = [m("node -e 0"), m("chaincheck verify (system store + test root"), m("openssl verify")];
  say(ratio("chaincheck verify / (1.2 x node -e 0 + 30 ms)", verify / (1.2 * start + 30), { op: "<=", target: 1 }));
  say(`  chaincheck verify minus node -e 0 = ${(verify - start).toFixed(1)} ms; openssl verify = ${openssl.toFixed(1)} ms`);
  if (certDir) say(`  reading SSL_CERT_DIR as well: +${(m("chaincheck verify with SSL_CERT_DIR") - verify).toFixed(1)} ms`);
  say(`  saved by the bundle: ${(m("chaincheck verify, unbundled") - m("chaincheck verify, bundle without")).toFixed(1)} ms; by the code cache: ${(m("chaincheck verify, bundle without") - verify).toFixed(1)} ms`);
  if (PROFILE) {
    runChecked("node", withProfile([BIN, ...cc], "verify"), [0], { env });
    printProfile("verify");
  }
}

async function main(): Promise<void> {
  say(`chaincheck benchmark (${BIN.replace(`${ROOT}/`, "")}), ${new Date().toISOString().slice(0, 10)}`);
  say(`machine: ${machine()}`);
  const node = await startNodeServers(SERVER_PORTS);
  const openssl = ONLY.has("2") ? await startOpensslServers(SERVER_PORTS, CA_DIR, tmp) : { ports: [], stop: () => {} };
  try {
    if (ONLY.has("0")) startup(node.ports[0]!);
    if (ONLY.has("1")) single(node.ports[0]!);
    if (ONLY.has("2")) fleet([{ name: "Node servers", ports: node.ports }, { name: "openssl s_server", ports: openssl.ports }], node.ports);
    if (ONLY.has("3")) trustStore();
  } finally {
    node.stop();
    openssl.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
  say(`\nload average after: ${load()}`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
