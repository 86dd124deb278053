/**
 * CI gating (issue 5): exit codes for pass / warn / fail / error mixes, --fail-on warning, --min-days, pins,
 * --expect-same-chain against two live servers, input order and the bound a stalling server puts on a run.
 * Every server listens on 127.0.0.1 port 0 and is closed after each test.
 */
import { expect } from "chai";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { X509Certificate } from "node:crypto";
import { hostile, tlsServer, type TestServer } from "./support/hostile-servers.js";
import { runCli } from "./support/cli.js";
import type { JsonReport } from "../src/report/json.js";
import type { ChainResult } from "../src/result/verdict.js";
import { mapConcurrent, withWatchdog, WatchdogTimeout } from "../src/app/concurrency.js";
import { parseTargetsFile } from "../src/input/targets-file.js";

const CA = "fixtures/ca";
const SCENARIOS = "fixtures/scenarios";
const AT = "2030-01-01T00:00:00Z";
const HOST = "tabpy.chaincheck.test";

const pem = (name: string) => readFile(join(CA, `${name}.pem`), "utf8");
const sha256 = (text: string) => new X509Certificate(text).fingerprint256.replace(/:/g, "").toLowerCase();

function parseReport(stdout: string): readonly ChainResult[] {
  return (JSON.parse(stdout) as JsonReport).results;
}

/** `chaincheck verify` on a scenario, as JSON. */
function verifyArgs(scenario: string, ...extra: string[]): string[] {
  const dir = join(SCENARIOS, scenario);
  return ["verify", join(dir, "presented.pem"), "--ca-file", join(dir, "trust.pem"), "--host", HOST, "--at", AT, "--target-os", "debian", ...extra];
}

describe("CI gating: exit codes, thresholds, pins, fleets", function () {
  this.timeout(20_000);
  let certs: { leaf: string; intermediate: string; root: string; other: string; key: string };
  const servers: TestServer[] = [];
  let tmp: string;

  /** A TLS server presenting `chain` (PEM, in order) with the fixture leaf key. */
  async function serve(...chain: string[]): Promise<string> {
    const server = await tlsServer({ key: certs.key, cert: chain.join("") });
    servers.push(server);
    return `127.0.0.1:${server.port}`;
  }
  async function stalling(): Promise<string> {
    const server = await hostile.silent();
    servers.push(server);
    return `127.0.0.1:${server.port}`;
  }
  /** A port nothing listens on: a server bound, then closed. */
  async function refused(): Promise<string> {
    const server = await hostile.silent();
    await server.close();
    return `127.0.0.1:${server.port}`;
  }
  const live = (...extra: string[]) => ["--ca-file", join(CA, "root.pem"), "--servername", HOST, "--service", "tls", "--timeout", "1500", "--target-os", "debian", ...extra];

  before(async () => {
    certs = { leaf: await pem("leaf"), intermediate: await pem("intermediate"), root: await pem("root"), other: await pem("other-intermediate"), key: await readFile(join(CA, "leaf.key.pem"), "utf8") };
    tmp = await mkdtemp(join(tmpdir(), "chaincheck-ci-"));
  });
  after(async () => {
    await rm(tmp, { recursive: true, force: true });
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  describe("exit codes for mixes of live targets", () => {
    type Kind = "pass" | "warn" | "fail" | "error";
    const make: Record<Kind, () => Promise<string>> = {
      pass: () => serve(certs.leaf, certs.intermediate),
      // An unrelated extra certificate: EXTRA_CERTIFICATE is a warning, the chain is still trusted.
      warn: () => serve(certs.leaf, certs.intermediate, certs.other),
      // Leaf only: the intermediate is neither sent nor in the store (ISSUER_NOT_FOUND).
      fail: () => serve(certs.leaf),
      error: () => refused(),
    };
    const rows: { kinds: Kind[]; failOn?: "warning"; code: number }[] = [
      { kinds: ["pass"], code: 0 },
      { kinds: ["pass", "warn"], code: 0 },
      { kinds: ["pass", "warn"], failOn: "warning", code: 1 },
      { kinds: ["pass", "fail"], code: 1 },
      { kinds: ["pass", "error"], code: 3 },
      { kinds: ["warn", "error"], code: 3 },
      { kinds: ["warn", "error"], failOn: "warning", code: 1 },
      { kinds: ["fail", "error", "pass"], code: 1 },
      { kinds: ["error"], code: 3 },
    ];
    for (const row of rows) {
      it(`${row.kinds.join(" + ")}${row.failOn ? " with --fail-on warning" : ""} -> exit ${row.code}`, async () => {
        const targets: string[] = [];
        for (const kind of row.kinds) targets.push(await make[kind]());
        const out = await runCli([...targets, ...live("--format", "json", ...(row.failOn ? ["--fail-on", row.failOn] : []))]);
        expect(out.code, out.stderr).to.equal(row.code);
        const results = parseReport(out.stdout);
        expect(results.map((r) => r.target)).to.deep.equal(targets);
        expect(results.map((r) => r.status)).to.deep.equal(row.kinds);
      });
    }
  });

  describe("exit codes of verify and usage errors", () => {
    const rows: { name: string; args: () => string[]; code: number; stderr?: RegExp }[] = [
      { name: "trusted chain", args: () => verifyArgs("ok"), code: 0 },
      { name: "warning only (expires in 14 days)", args: () => verifyArgs("expiring-soon"), code: 0 },
      { name: "warning with --fail-on warning", args: () => verifyArgs("expiring-soon", "--fail-on", "warning"), code: 1 },
      { name: "untrusted chain", args: () => verifyArgs("missing-root"), code: 1 },
      { name: "unreadable bundle", args: () => ["verify", join(tmp, "missing.pem"), "--ca-file", join(CA, "root.pem")], code: 2 },
      { name: "bad --min-days", args: () => verifyArgs("ok", "--min-days", "soon"), code: 2, stderr: /--min-days/ },
      { name: "bad --expect-fingerprint", args: () => verifyArgs("ok", "--expect-fingerprint", "abcd"), code: 2, stderr: /--expect-fingerprint/ },
      { name: "empty --expect-issuer", args: () => verifyArgs("ok", "--expect-issuer", "  "), code: 2, stderr: /--expect-issuer/ },
      { name: "unknown --format", args: () => verifyArgs("ok", "--format", "xml"), code: 2 },
      { name: "unreadable --targets-file", args: () => ["--targets-file", join(tmp, "none.txt")], code: 2, stderr: /cannot read/ },
    ];
    for (const row of rows) {
      it(`${row.name} -> exit ${row.code}`, async () => {
        const out = await runCli(row.args());
        expect(out.code, out.stderr).to.equal(row.code);
        if (row.stderr) expect(out.stderr).to.match(row.stderr);
      });
    }

    it("a bad line in --targets-file is a usage error naming file:line", async () => {
      const file = join(tmp, "bad-targets.txt");
      await writeFile(file, "# fleet\n127.0.0.1:9004\n127.0.0.1:9005 service=ftp\n");
      const out = await runCli(["--targets-file", file]);
      expect(out.code).to.equal(2);
      expect(out.stderr).to.include(`${file}:3`).and.include("service");
      await writeFile(file, "\n\nhttps://[::1/\n");
      const bad = await runCli(["--targets-file", file]);
      expect(bad.code).to.equal(2);
      expect(bad.stderr).to.include(`${file}:3`);
    });
  });

  describe("--min-days on every certificate of the path", () => {
    it("fails naming each certificate with fewer days left, and replaces their EXPIRING_SOON warnings", async () => {
      // 2049-12-01: every certificate of the ok path (leaf, intermediate, store root) expires 2049-12-31, 30 days on.
      const out = await runCli([...verifyArgs("ok", "--format", "json", "--min-days", "31"), "--at", "2049-12-01T00:00:00Z"]);
      expect(out.code).to.equal(1);
      const [result] = parseReport(out.stdout);
      const expected = [certs.leaf, certs.intermediate, certs.root].map(sha256);
      expect(result!.findings.filter((f) => f.code === "EXPIRES_TOO_SOON").map((f) => f.certificate)).to.have.members(expected);
      expect(result!.findings.filter((f) => f.code === "EXPIRING_SOON")).to.deep.equal([]);
      expect(result!.headline).to.equal("EXPIRES_TOO_SOON");
      expect(result!.status).to.equal("fail");
      expect(result!.trusted, "the chain itself is still trusted").to.equal(true);
      const leafFinding = result!.findings.find((f) => f.certificate === sha256(certs.leaf))!;
      expect(leafFinding.message).to.include("Chaincheck Test Server").and.include("30 day(s)").and.include("31");
    });

    it("passes at exactly the threshold and ignores 0 (off)", async () => {
      for (const minDays of ["30", "0"]) {
        const out = await runCli([...verifyArgs("ok", "--min-days", minDays), "--at", "2049-12-01T00:00:00Z", "--warn-days", "0"]);
        expect(out.code, `--min-days ${minDays}`).to.equal(0);
      }
    });

    it("applies to live targets too (--quiet names the code)", async () => {
      const target = await serve(certs.leaf, certs.intermediate);
      const out = await runCli([target, ...live("--quiet", "--min-days", "36500")]);
      expect(out.code).to.equal(1);
      expect(out.stdout).to.match(new RegExp(`^${target}  FAIL  .*EXPIRES_TOO_SOON`));
    });
  });

  describe("rollout pins", () => {
    const rows: { name: string; args: string[]; code: number; pins?: number }[] = [
      { name: "issuer as printed", args: ["--expect-issuer", "CN=Chaincheck Test Intermediate, O=chaincheck"], code: 0 },
      { name: "issuer in another case and spacing", args: ["--expect-issuer", "cn = chaincheck  test intermediate,o=CHAINCHECK"], code: 0 },
      { name: "another issuer", args: ["--expect-issuer", "CN=Corp Issuing CA, O=Corp"], code: 1, pins: 1 },
      { name: "issuer in reverse order (as openssl prints it)", args: ["--expect-issuer", "O = chaincheck, CN = Chaincheck Test Intermediate"], code: 1, pins: 1 },
      { name: "leaf fingerprint, colons, upper case", args: ["--expect-fingerprint", "LEAF:"], code: 0 },
      { name: "root fingerprint (in the store, on the path)", args: ["--expect-fingerprint", "ROOT"], code: 0 },
      { name: "unrelated fingerprint", args: ["--expect-fingerprint", "OTHER"], code: 1, pins: 1 },
      { name: "two fingerprints, one matches", args: ["--expect-fingerprint", "OTHER", "--expect-fingerprint", "INTERMEDIATE"], code: 0 },
      { name: "issuer and fingerprint both wrong", args: ["--expect-issuer", "CN=x", "--expect-fingerprint", "OTHER"], code: 1, pins: 2 },
    ];
    for (const row of rows) {
      it(`${row.name} -> exit ${row.code}`, async () => {
        const fp = (name: string) => sha256(name === "LEAF:" || name === "LEAF" ? certs.leaf : name === "ROOT" ? certs.root : name === "INTERMEDIATE" ? certs.intermediate : certs.other);
        const args = row.args.map((a) => (a === "LEAF:" ? fp(a).toUpperCase().match(/../g)!.join(":") : /^[A-Z]+$/.test(a) ? fp(a) : a));
        const out = await runCli(verifyArgs("ok", "--format", "json", ...args));
        expect(out.code, out.stderr).to.equal(row.code);
        const [result] = parseReport(out.stdout);
        const pins = result!.findings.filter((f) => f.code === "PIN_MISMATCH");
        expect(pins).to.have.length(row.pins ?? 0);
        if (row.pins) expect(result!.headline).to.equal("PIN_MISMATCH");
        if (row.name.includes("reverse")) expect(pins[0]!.message).to.include("reverse order");
      });
    }

    it("pins are checked against the live leaf", async () => {
      const target = await serve(certs.leaf, certs.intermediate);
      const ok = await runCli([target, ...live("--expect-fingerprint", sha256(certs.leaf), "--expect-issuer", "CN=Chaincheck Test Intermediate,O=chaincheck")]);
      expect(ok.code, ok.stdout).to.equal(0);
      const bad = await runCli([target, ...live("--quiet", "--expect-fingerprint", sha256(certs.other))]);
      expect(bad.code).to.equal(1);
      expect(bad.stdout).to.include("PIN_MISMATCH");
    });
  });

  describe("--expect-same-chain", () => {
    it("flags the server whose chain differs from the others and says how", async () => {
      const a = await serve(certs.leaf, certs.intermediate);
      const b = await serve(certs.leaf, certs.intermediate, certs.root);
      const without = await runCli([a, b, a, ...live("--format", "json")]);
      expect(without.code, "same targets without the flag").to.equal(0);

      const out = await runCli([a, b, a, ...live("--format", "json", "--expect-same-chain")]);
      expect(out.code).to.equal(1);
      const results = parseReport(out.stdout);
      expect(results.map((r) => r.status)).to.deep.equal(["pass", "fail", "pass"]);
      const differs = results[1]!.findings.find((f) => f.code === "CHAIN_DIFFERS")!;
      expect(differs.severity).to.equal("error");
      expect(differs.message).to.include(a).and.include("2 other target(s)").and.include("also sends").and.include("Chaincheck Test Root");
      expect(results[1]!.headline).to.equal("CHAIN_DIFFERS");
    });

    it("reports a different leaf, and ignores targets that could not be checked", async () => {
      const other = (await readFile(join(SCENARIOS, "expiring-soon", "presented.pem"), "utf8"));
      const otherKey = await readFile(join(SCENARIOS, "expiring-soon", JSON.parse(await readFile(join(SCENARIOS, "expiring-soon", "scenario.json"), "utf8")).leafKey as string), "utf8");
      const a = await serve(certs.leaf, certs.intermediate);
      const server = await tlsServer({ key: otherKey, cert: other });
      servers.push(server);
      const b = `127.0.0.1:${server.port}`;
      const dead = await refused();
      const out = await runCli([a, dead, b, ...live("--format", "json", "--expect-same-chain", "--ca-file", join(SCENARIOS, "expiring-soon", "trust.pem"))]);
      const results = parseReport(out.stdout);
      expect(results[1]!.status).to.equal("error");
      expect(results[1]!.findings.map((f) => f.code)).to.not.include("CHAIN_DIFFERS");
      // Two chains, one target each: the first target's chain is the reference.
      expect(results[0]!.findings.map((f) => f.code)).to.not.include("CHAIN_DIFFERS");
      const differs = results[2]!.findings.find((f) => f.code === "CHAIN_DIFFERS")!;
      expect(differs.message).to.include("its leaf is");
    });
  });

  describe("many targets: input order, concurrency, a stalling server", () => {
    it("reports in input order and a stalling target costs its timeout, not the others'", async () => {
      const fast = [];
      for (let i = 0; i < 4; i++) fast.push(await serve(certs.leaf, certs.intermediate));
      const stall = await stalling();
      const targets = [stall, ...fast, stall];
      const started = performance.now();
      const out = await runCli([...targets, ...live("--format", "json", "--concurrency", "3", "--timeout", "1000")]);
      const elapsed = performance.now() - started;
      const results = parseReport(out.stdout);
      expect(results.map((r) => r.target)).to.deep.equal(targets);
      expect(results.map((r) => r.status)).to.deep.equal(["error", "pass", "pass", "pass", "pass", "error"]);
      expect(results[0]!.headline).to.equal("CONNECTION_TIMEOUT");
      for (const r of results.slice(1, 5)) expect(r.connection!.elapsedMs).to.be.below(900);
      // Both stalls run side by side (3 slots): one timeout, plus the fast handshakes, plus slack for a loaded machine.
      expect(elapsed).to.be.below(2600);
      expect(out.code).to.equal(3);
    });

    it("reads --targets-file: comments, per-line servername= and service=, merged after the arguments", async () => {
      const a = await serve(certs.leaf, certs.intermediate);
      const b = await serve(certs.leaf);
      const file = join(tmp, "fleet.txt");
      await writeFile(file, `\ufeff# analytics fleet\r\n${b}   servername=${HOST} service=tls  # leaf only\r\n\r\n${a} service=tls\r\n`);
      const out = await runCli([a, "--targets-file", file, "--ca-file", join(CA, "root.pem"), "--servername", HOST, "--timeout", "1500", "--format", "json"]);
      const results = parseReport(out.stdout);
      expect(results.map((r) => r.target)).to.deep.equal([a, b, a]);
      expect(results.map((r) => r.status)).to.deep.equal(["pass", "fail", "pass"]);
      expect(out.code).to.equal(1);
    });

    it("--output FILE writes the machine format; stdout keeps one line per target and the totals", async () => {
      const a = await serve(certs.leaf, certs.intermediate);
      const b = await serve(certs.leaf);
      const file = join(tmp, "report.xml");
      const out = await runCli([a, b, ...live("--format", "junit", "--output", file)]);
      expect(out.code).to.equal(1);
      const lines = out.stdout.split("\n");
      expect(lines).to.have.length(4);
      expect(lines[0]).to.match(new RegExp(`^${a}  PASS  `));
      expect(lines[1]).to.match(new RegExp(`^${b}  FAIL  `));
      expect(lines.slice(2)).to.deep.equal(["2 targets: 1 PASS, 0 WARN, 1 FAIL, 0 ERROR", ""]);
      const xml = await readFile(file, "utf8");
      expect(xml).to.match(/^<\?xml version="1.0" encoding="UTF-8"\?>/);
      expect(xml).to.include(`name="${a}"`).and.include(`name="${b}"`);
    });
  });

  describe("the pool and the watchdog (pure)", () => {
    it("mapConcurrent keeps input order and never runs more than the limit", async () => {
      let running = 0;
      let peak = 0;
      const delays = [30, 5, 20, 1, 15, 0, 25, 3];
      const out = await mapConcurrent(delays, 3, async (ms, i) => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, ms));
        running--;
        return i;
      });
      expect(out).to.deep.equal(delays.map((_, i) => i));
      expect(peak).to.equal(3);
      expect(await mapConcurrent([], 16, async () => 1)).to.deep.equal([]);
    });

    it("withWatchdog: value in time, fallback for a task that never settles or aborts, other errors propagate", async () => {
      expect(await withWatchdog(200, async () => "ok", () => "late")).to.equal("ok");
      let aborted = false;
      const started = performance.now();
      const never = await withWatchdog(50, (signal) => new Promise<string>(() => signal.addEventListener("abort", () => { aborted = true; })), (r) => `fallback ${r.ms}`);
      expect(never).to.equal("fallback 50");
      expect(aborted).to.equal(true);
      expect(performance.now() - started).to.be.below(500);
      const rejecting = await withWatchdog<boolean>(50, (signal) => new Promise<boolean>((_, reject) => signal.addEventListener("abort", () => reject(signal.reason))), (r) => r instanceof WatchdogTimeout);
      expect(rejecting).to.equal(true);
      let error: unknown;
      await withWatchdog(50, async () => { throw new Error("boom"); }, () => "x").catch((e: unknown) => { error = e; });
      expect((error as Error).message).to.equal("boom");
    });

    it("parseTargetsFile: comments, settings, CRLF, BOM, a URL fragment kept, errors with file:line", () => {
      const specs = parseTargetsFile("\ufeff# fleet\r\nhost-a:9004 servername=tabpy.corp service=tabpy # main\r\n\r\n  https://host-b/#x  \n[::1]:6311 service=rserve\n", "fleet.txt");
      expect(specs).to.deep.equal([
        { input: "host-a:9004", origin: { file: "fleet.txt", line: 2 }, servername: "tabpy.corp", service: "tabpy" },
        { input: "https://host-b/#x", origin: { file: "fleet.txt", line: 4 } },
        { input: "[::1]:6311", origin: { file: "fleet.txt", line: 5 }, service: "rserve" },
      ]);
      expect(() => parseTargetsFile("a\nb sni=x\n", "f.txt")).to.throw(/f\.txt:2: unknown setting "sni=x"/);
      expect(() => parseTargetsFile("a service=http\n", "f.txt")).to.throw(/f\.txt:1: service must be one of/);
    });
  });
});
