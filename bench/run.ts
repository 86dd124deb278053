/**
 * `npm run bench` (node dist/bench/run.js): chaincheck against local servers, medians of repeated runs, with
 * min / median / max and the ratios of issue 5's goals. Options (environment): BENCH_RUNS (single runs, default 21),
 * BENCH_FLEET_RUNS (1,000-target runs, default 5), BENCH_TARGETS (default 1000), BENCH_OPENSSL_SAMPLE (default 50),
 * BENCH_ONLY (e.g. "1,3"), BENCH_CLI (another build's main.js, to compare), BENCH_PROFILE=1 (CPU profile summaries).
 * Nothing is asserted: the numbers go into the README.
 */
import { spawn } from "node:child_process";
import { cpus, loadavg, tmpdir } from "node:os";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { HAS_GNU_TIME, run, runChecked, type Run } from "./spawn.js";
import { line, ratio, summarize } from "./stats.js";
import { summarizeProfile } from "./profile.js";

const ROOT = resolve(".");
const CLI = resolve(process.env.BENCH_CLI ?? "dist/src/cli/main.js");
const RUNS = Number(process.env.BENCH_RUNS ?? "21");
const FLEET_RUNS = Number(process.env.BENCH_FLEET_RUNS ?? "5");
const TARGETS = Number(process.env.BENCH_TARGETS ?? "1000");
const OPENSSL_SAMPLE = Number(process.env.BENCH_OPENSSL_SAMPLE ?? "50");
const ONLY = new Set((process.env.BENCH_ONLY ?? "1,2,3").split(","));
const PROFILE = process.env.BENCH_PROFILE === "1";
const SERVER_PORTS = 8;
const CONCURRENCY = 16;
const SERVERNAME = "tabpy.chaincheck.test";
const CA = "fixtures/ca/root.pem";
const SYSTEM_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";

const tmp = mkdtempSync(join(tmpdir(), "chaincheck-bench-"));
const say = (text = "") => process.stdout.write(`${text}\n`);
const node = (script: string, ...args: string[]) => ["node", [script, ...args]] as const;

function machine(): string {
  const openssl = run("openssl", ["version"]).stdout.trim();
  return `${cpus().length} x ${cpus()[0]?.model ?? "cpu"}; Node ${process.version}; ${openssl}; load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}`;
}

/** Starts bench/servers.js (its own process) and returns the ports and a stop function. */
async function startServers(count: number): Promise<{ ports: number[]; stop: () => void }> {
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
  const verified = runChecked("openssl", ["verify", "-CAfile", CA, "-untrusted", join(tmp, "untrusted.pem"), join(tmp, "leaf.pem")], [0]);
  return fetched.wallMs + verified.wallMs;
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

/** Benchmark 1: one target, full chain, spawned processes, wall time. */
function single(port: number): void {
  say(`\n1. One target, full chain (127.0.0.1:${port}, TabPy-like server, leaf + intermediate), ${RUNS} runs each, interleaved`);
  const target = `127.0.0.1:${port}`;
  const cc = [CLI, target, "--ca-file", CA, "--servername", SERVERNAME];
  const samples: Record<string, number[]> = { start: [], bare: [], auto: [], tls: [], openssl: [] };
  for (let i = 0; i < RUNS; i++) {
    samples.start!.push(runChecked("node", ["-e", "0"], [0]).wallMs);
    samples.bare!.push(runChecked(...node("dist/bench/bare-fetch.js", target, SERVERNAME), [0]).wallMs);
    samples.auto!.push(runChecked("node", cc, [0]).wallMs);
    samples.tls!.push(runChecked("node", [...cc, "--service", "tls"], [0]).wallMs);
    samples.openssl!.push(opensslFetchAndVerify(port));
  }
  const s = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, summarize(v)]));
  say(line("node -e 0 (process start-up only)", s.start!, "ms"));
  say(line("bare Node fetch (bench/bare-fetch.js)", s.bare!, "ms"));
  say(line("chaincheck HOST:PORT --ca-file --servername (auto: TabPy)", s.auto!, "ms"));
  say(line("chaincheck ... --service tls (no service detection)", s.tls!, "ms"));
  say(line("openssl s_client -showcerts + openssl verify", s.openssl!, "ms"));
  say(ratio("chaincheck / bare fetch", s.auto!.median / s.bare!.median, { op: "<=", target: 1.3 }));
  say(ratio("chaincheck --service tls / bare fetch", s.tls!.median / s.bare!.median, { op: "<=", target: 1.3 }));
  say(ratio("openssl pair / bare fetch", s.openssl!.median / s.bare!.median));
  say(ratio("chaincheck / openssl pair", s.auto!.median / s.openssl!.median));
  if (PROFILE) {
    runChecked("node", withProfile(cc, "single"), [0]);
    printProfile("single");
  }
}

function fleetFile(ports: readonly number[], service: string | null): string {
  const file = join(tmp, `targets-${service ?? "auto"}.txt`);
  const lines = Array.from({ length: TARGETS }, (_, i) => `127.0.0.1:${ports[i % ports.length]}${service ? ` service=${service}` : ""}`);
  writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}

function fleetRun(file: string, name: string, profile = false): Run {
  const out = join(tmp, `${name}.json`);
  const args = [CLI, "--targets-file", file, "--ca-file", CA, "--servername", SERVERNAME, "--concurrency", String(CONCURRENCY), "--format", "json", "--output", out];
  const result = runChecked("node", profile ? withProfile(args, name) : args, [0], { resources: !profile });
  const statuses = (JSON.parse(readFileSync(out, "utf8")) as { results: { status: string }[] }).results.map((r) => r.status);
  const passed = statuses.filter((s) => s === "pass").length;
  if (passed !== TARGETS) throw new Error(`${name}: ${passed}/${TARGETS} targets passed`);
  return result;
}

/** Benchmark 2: TARGETS targets over SERVER_PORTS ports at concurrency 16, one process each. */
function fleet(ports: readonly number[]): void {
  say(`\n2. ${TARGETS} targets over ${ports.length} local ports, concurrency ${CONCURRENCY}, ${FLEET_RUNS} runs each (wall time includes process start-up)`);
  const tlsFile = fleetFile(ports, "tls");
  const autoFile = fleetFile(ports, null);
  const raw: Run[] = [];
  const tls: Run[] = [];
  const auto: Run[] = [];
  for (let i = 0; i < FLEET_RUNS; i++) {
    raw.push(runChecked(...node("dist/bench/raw-loop.js", tlsFile, String(CONCURRENCY), CA, SERVERNAME), [0], { resources: true }));
    tls.push(fleetRun(tlsFile, "fleet-tls"));
    auto.push(fleetRun(autoFile, "fleet-auto"));
  }
  const rate = (runs: Run[]) => summarize(runs.map((r) => TARGETS / (r.wallMs / 1000)));
  const cpu = (runs: Run[]) => summarize(runs.map((r) => (r.cpuMs ?? Number.NaN) / TARGETS));
  const rss = (runs: Run[]) => summarize(runs.map((r) => r.maxRssMb ?? Number.NaN));
  const rows: [string, Run[]][] = [["raw Node handshake loop (bench/raw-loop.js)", raw], ["chaincheck --targets-file (service=tls), JSON to --output", tls], ["chaincheck --targets-file (auto: TabPy detection)", auto]];
  for (const [label, runs] of rows) {
    say(line(`${label}: rate`, rate(runs), "targets/s", 0));
    say(line(`  client CPU per target`, cpu(runs), "ms", 2));
    say(line(`  peak RSS`, rss(runs), "MB", 1));
  }
  const sample = Math.min(OPENSSL_SAMPLE, TARGETS);
  let opensslMs = 0;
  for (let i = 0; i < sample; i++) {
    opensslMs += runChecked("openssl", ["s_client", "-connect", `127.0.0.1:${ports[i % ports.length]}`, "-servername", SERVERNAME, "-CAfile", CA, "-verify_return_error", "-showcerts"], [0]).wallMs;
  }
  say(`  sequential openssl s_client loop: ${sample} handshakes sampled in ${opensslMs.toFixed(0)} ms -> ${(sample / (opensslMs / 1000)).toFixed(0)} targets/s, ${((opensslMs / sample) * TARGETS / 1000).toFixed(1)} s extrapolated to ${TARGETS}`);
  say(ratio("chaincheck (service=tls) rate / raw loop rate", rate(tls).median / rate(raw).median, { op: ">=", target: 0.7 }));
  say(ratio("chaincheck (auto) rate / raw loop rate", rate(auto).median / rate(raw).median));
  const peak = Math.max(...[...tls, ...auto].map((r) => r.maxRssMb ?? Number.NaN));
  say(ratio("chaincheck peak RSS", peak, { op: "<=", target: 150, unit: " MB" }).replace("<=", "<"));
  if (!HAS_GNU_TIME) say("  (/usr/bin/time not found: no RSS or CPU figures)");
  if (PROFILE) {
    fleetRun(tlsFile, "fleet-profile", true);
    printProfile("fleet-profile");
  }
}

/** Benchmark 3: trust store load + verify of one chain against the system store, vs openssl verify. */
function trustStore(): void {
  const bundle = join(tmp, "system-plus-test-root.pem");
  writeFileSync(bundle, readFileSync(SYSTEM_BUNDLE, "utf8") + readFileSync(CA, "utf8"));
  const count = readFileSync(bundle, "utf8").split("BEGIN CERTIFICATE").length - 1;
  say(`\n3. Trust store load + verify of one chain (fixtures/ca/fullchain.pem), ${RUNS} runs each`);
  say(`   store: ${SYSTEM_BUNDLE} plus the test root (${count} certificates) via SSL_CERT_FILE, so the chain is trusted`);
  const env = { ...process.env, SSL_CERT_FILE: bundle };
  const cc = [CLI, "verify", "fixtures/ca/fullchain.pem", "--host", SERVERNAME, "--quiet"];
  const samples: Record<string, number[]> = { start: [], cc: [], plain: [], openssl: [] };
  for (let i = 0; i < RUNS; i++) {
    samples.start!.push(runChecked("node", ["-e", "0"], [0]).wallMs);
    samples.cc!.push(runChecked("node", cc, [0], { env }).wallMs);
    // The system store alone: the test root is missing, so the verdict is "not trusted" (exit 1); same work.
    samples.plain!.push(runChecked("node", cc, [1]).wallMs);
    samples.openssl!.push(runChecked("openssl", ["verify", "-CAfile", bundle, "-untrusted", "fixtures/ca/intermediate.pem", "fixtures/ca/leaf.pem"], [0]).wallMs);
  }
  const s = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, summarize(v)]));
  say(line("node -e 0 (process start-up only)", s.start!, "ms"));
  say(line("chaincheck verify (system store + test root: trusted)", s.cc!, "ms"));
  say(line("chaincheck verify (system store only: not trusted)", s.plain!, "ms"));
  say(line("openssl verify -CAfile <same bundle> -untrusted", s.openssl!, "ms"));
  say(ratio("chaincheck verify / openssl verify", s.cc!.median / s.openssl!.median));
  say(`  chaincheck verify minus node start-up = ${(s.cc!.median - s.start!.median).toFixed(1)} ms; openssl verify = ${s.openssl!.median.toFixed(1)} ms`);
  if (PROFILE) {
    runChecked("node", withProfile(cc, "verify"), [0], { env });
    printProfile("verify");
  }
}

async function main(): Promise<void> {
  say(`chaincheck benchmark (${CLI.replace(`${ROOT}/`, "")})`);
  say(`machine: ${machine()}`);
  const servers = await startServers(SERVER_PORTS);
  try {
    if (ONLY.has("1")) single(servers.ports[0]!);
    if (ONLY.has("2")) fleet(servers.ports);
    if (ONLY.has("3")) trustStore();
  } finally {
    servers.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
  say(`\nload average after: ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
