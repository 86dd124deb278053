/**
 * Fleets (issue 16): the report is written one result at a time, in input order, and is byte for byte the document
 * the whole-report renderers give for the same results (JSON, JUnit, SARIF; to a file and to stdout; an unreachable
 * target among them). Each distinct chain is judged once per run, and the run's verdicts never bleed between targets
 * that ask a different question of the same chain.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { forEachConcurrent } from "../src/app/concurrency.js";
import { ChainVerdicts } from "../src/app/chain-verdicts.js";
import { readCertificate } from "../src/cert/parse.js";
import { pemToDer } from "../src/cert/pem.js";
import type { CliIo } from "../src/cli/io.js";
import { openResultOutput, totalsLine, type OutputFlags } from "../src/cli/output.js";
import { renderQuietLine } from "../src/report/text.js";
import { VERSION } from "../src/cli/version.js";
import { openReportFile } from "../src/cli/write-target.js";
import { renderJson, type JsonReport } from "../src/report/json.js";
import { renderJunit } from "../src/report/junit.js";
import { renderSarif, type TargetOrigin } from "../src/report/sarif.js";
import type { CheckInput } from "../src/result/chain-result.js";
import type { ChainResult, ChainVerdict } from "../src/result/verdict.js";
import { runCli } from "./support/cli.js";
import { tlsServer, type TestServer } from "./support/hostile-servers.js";

const ca = (name: string) => readFileSync(join("fixtures/ca", name), "utf8");
const NOW = new Date("2030-01-01T00:00:00Z");

/** A port nothing listens on (a server bound, then closed). */
async function closedPort(): Promise<number> {
  const server = await tlsServer({ key: ca("leaf.key.pem"), cert: ca("leaf.pem") });
  await server.close();
  return server.port;
}

/** A fake terminal that keeps what it was given, write by write. */
function capture(): { io: CliIo; writes: string[] } {
  const writes: string[] = [];
  const io: CliIo = {
    stdout: (t) => void writes.push(t), stderr: () => undefined, stdoutIsTTY: false, stderrIsTTY: false, stdinIsTTY: false, env: {}, now: () => NOW,
  };
  return { io, writes };
}

describe("fleets: streamed reports", function () {
  this.timeout(60_000);
  const servers: TestServer[] = [];
  let tmp: string;
  let targetsFile: string;
  let lines: string[];
  let results: ChainResult[];
  let origins: TargetOrigin[];

  before(async () => {
    tmp = await mkdtemp(join(tmpdir(), "chaincheck-fleet-"));
    servers.push(await tlsServer({ key: ca("leaf.key.pem"), cert: ca("fullchain.pem") }));
    servers.push(await tlsServer({ key: ca("leaf.key.pem"), cert: ca("fullchain.pem") }));
    servers.push(await tlsServer({ key: ca("leaf.key.pem"), cert: ca("leaf.pem") }));
    const [full, fullToo, leafOnly] = servers.map((s) => `127.0.0.1:${s.port}`);
    const down = `127.0.0.1:${await closedPort()}`;
    lines = [
      `${full} servername=tabpy.chaincheck.test service=tls`,
      `${leafOnly} servername=tabpy.chaincheck.test service=tls`,
      `${down} service=tls`,
      `${full} servername=wrong.chaincheck.test service=tls`,
      `${full} servername=tabpy.chaincheck.test service=tls`,
      `${fullToo} servername=tabpy.chaincheck.test service=tls`,
      `${full} servername=tabpy.chaincheck.test service=tabpy`,
      `${leafOnly} servername=rserve.chaincheck.test service=tls`,
      `${fullToo} servername=rserve.chaincheck.test service=tls`,
      `${full} servername=tabpy.chaincheck.test service=tls`,
    ];
    targetsFile = join(tmp, "fleet.txt");
    await writeFile(targetsFile, `# fleet\n${lines.join("\n")}\n`);
    origins = lines.map((_, i) => ({ file: targetsFile, line: i + 2 }));
    const out = await runCli(["--targets-file", targetsFile, "--ca-file", "fixtures/ca/root.pem", "--timeout", "2000", "--format", "json", "--output", join(tmp, "run.json")]);
    expect(out.code, out.stderr).to.equal(1);
    results = (JSON.parse(await readFile(join(tmp, "run.json"), "utf8")) as JsonReport).results as ChainResult[];
  });

  after(async () => {
    await Promise.all(servers.map((s) => s.close()));
    await rm(tmp, { recursive: true, force: true });
  });

  it("the JSON --output of a fleet is the whole document for its results, in input order, the summary after it", async () => {
    const file = await readFile(join(tmp, "run.json"), "utf8");
    // More than one 64 KiB write: the report went out in pieces.
    expect(file.length).to.be.greaterThan(64 * 1024);
    expect(file).to.equal(renderJson(results, VERSION));
    expect(results.map((r) => r.status)).to.deep.equal(["pass", "fail", "error", "fail", "pass", "pass", "fail", "fail", "pass", "pass"]);
    expect(results[2]!.headline).to.equal("CONNECTION_REFUSED");
    expect(await readdir(tmp)).to.have.members(["fleet.txt", "run.json"]);
  });

  for (const format of ["json", "junit", "sarif"] as const) {
    it(`${format}: written one result at a time, to a file and to stdout, it is the whole document byte for byte`, async () => {
      const whole = format === "json" ? renderJson(results, VERSION)
        : format === "junit" ? renderJunit(results, { version: VERSION, failOn: "error", timestamp: NOW.toISOString().slice(0, 19) })
          : renderSarif(results, { version: VERSION, origins });
      const flags: OutputFlags = { format, color: false, output: join(tmp, `streamed.${format}`) };
      const { io, writes } = capture();
      const toFile = await openResultOutput(flags, io, VERSION, { origins });
      for (const result of results) await toFile.add(result);
      expect(writes).to.deep.equal([]);
      await toFile.finish();
      expect(await readFile(flags.output!, "utf8")).to.equal(whole);
      // The summary comes once the report is in place: one line per target, then the totals.
      expect(writes).to.deep.equal([results.map(renderQuietLine).join("") + totalsLine(results)]);
      expect(writes[0]).to.match(/^10 targets: 5 PASS, 0 WARN, 4 FAIL, 1 ERROR\n$/m);

      const stdout = capture();
      const toStdout = await openResultOutput({ format, color: false }, stdout.io, VERSION, { origins });
      for (const result of results) await toStdout.add(result);
      // JSON goes out as each result comes; JUnit and SARIF open with what only the whole run knows.
      expect(stdout.writes.length).to.equal(format === "json" ? results.length : 0);
      await toStdout.finish();
      expect(stdout.writes.join("")).to.equal(whole);
      await rm(flags.output!);
    });
  }

  it("`--format junit` and `--format sarif` of the fleet through the CLI: every target, the unreachable one an error", async () => {
    const junit = await runCli(["--targets-file", targetsFile, "--ca-file", "fixtures/ca/root.pem", "--timeout", "2000", "--format", "junit"]);
    expect(junit.stdout).to.match(/^<testsuites name="chaincheck" tests="10" failures="4" errors="1" /m);
    expect(junit.stdout.match(/<testcase /g)).to.have.length(10);
    const sarif = JSON.parse((await runCli(["--targets-file", targetsFile, "--ca-file", "fixtures/ca/root.pem", "--timeout", "2000", "--format", "sarif"])).stdout);
    expect(sarif.runs[0].properties).to.deep.equal({ targets: 10, statuses: { pass: 5, warn: 0, fail: 4, error: 1 } });
    expect(sarif.runs[0].results.map((r: { ruleIndex: number; ruleId: string }) => sarif.runs[0].tool.driver.rules[r.ruleIndex].id))
      .to.deep.equal(sarif.runs[0].results.map((r: { ruleId: string }) => r.ruleId));
  });

  it("the same chain asked different questions gets different verdicts; the same question, the same verdict", () => {
    const [tabpy, , , wrongHost, tabpyAgain, otherPort, asTabpy, , rserveName] = results;
    const chain = (r: ChainResult) => r.presented.map((c) => c.sha256);
    expect(chain(wrongHost!)).to.deep.equal(chain(tabpy!));
    expect(tabpy!.findings.map((f) => f.code)).to.not.include("HOSTNAME_MISMATCH");
    expect(wrongHost!.host).to.equal("wrong.chaincheck.test");
    expect(wrongHost!.findings.map((f) => f.code)).to.include("HOSTNAME_MISMATCH");
    expect(rserveName!.host).to.equal("rserve.chaincheck.test");
    expect(rserveName!.status).to.equal("pass");
    // --service tabpy on a plain TLS server: SERVICE_MISMATCH, and the remediation speaks of TabPy.
    expect(asTabpy!.findings.map((f) => f.code)).to.include("SERVICE_MISMATCH");
    const { connection: a, ...restA } = tabpy!;
    const { connection: b, ...restB } = tabpyAgain!;
    expect(restB).to.deep.equal(restA);
    expect({ ...b, elapsedMs: 0 }).to.deep.equal({ ...a, elapsedMs: 0 });
    // Another endpoint presenting the same chain: its own target, the same verdict.
    const { connection: c, target, ...restC } = otherPort!;
    expect(target).to.equal(`127.0.0.1:${servers[1]!.port}`);
    expect(c!.endpoint).to.equal(target);
    const { target: _t, ...restAWithoutTarget } = restA;
    expect(restC).to.deep.equal(restAWithoutTarget);
  });
});

describe("fleets: the run's chain verdicts", () => {
  const leaf = readCertificate(pemToDer(ca("leaf.pem")));
  const intermediate = readCertificate(pemToDer(ca("intermediate.pem")));
  const anchors = {} as CheckInput["anchors"];
  const base: CheckInput = {
    target: "a:1", service: null, presented: [leaf, intermediate], anchors, host: "tabpy.chaincheck.test", at: NOW, partialChain: false, warnDays: 30,
    targetOs: "rhel" as CheckInput["targetOs"],
  };
  const proof = { storePems: [] as string[], sameTime: true };
  const judged = (input: CheckInput) => ({ target: input.target, host: input.host } as unknown as ChainVerdict);

  it("judges a question once, concurrent askers included, and puts each target's own endpoint back", async () => {
    const verdicts = new ChainVerdicts();
    let computed = 0;
    const ask = (input: CheckInput) => verdicts.judge(input, proof, async () => (computed++, judged(input)));
    const [one, two] = await Promise.all([ask(base), ask({ ...base, target: "b:2" })]);
    const three = await ask({ ...base, target: "c:3", presented: [...base.presented] });
    expect(computed).to.equal(1);
    expect([one.target, two.target, three.target]).to.deep.equal(["a:1", "b:2", "c:3"]);
  });

  it("every part of the question is in the key: a different host, service, order, time, store or proof is judged afresh", async () => {
    const verdicts = new ChainVerdicts();
    let computed = 0;
    const ask = (input: CheckInput, p = proof) => verdicts.judge(input, p, async () => (computed++, judged(input)));
    await ask(base);
    const variants: [CheckInput, typeof proof?][] = [
      [{ ...base, host: "rserve.chaincheck.test" }],
      [{ ...base, hostFromTarget: true }],
      [{ ...base, service: "rserve" }],
      [{ ...base, presented: [intermediate, leaf] }],
      [{ ...base, presented: [leaf] }],
      [{ ...base, at: new Date("2031-01-01T00:00:00Z") }],
      [{ ...base, partialChain: true }],
      [{ ...base, warnDays: 10 }],
      [{ ...base, targetOs: "windows" as CheckInput["targetOs"] }],
      [{ ...base, anchors: {} as CheckInput["anchors"] }],
      [{ ...base, storeIntermediates: [intermediate] }],
      [{ ...base, heldIntermediates: [intermediate] }],
      [{ ...base, advice: { downloaded: new Map([[intermediate.sha256, "http://ca.example/i.crt"]]), aia: true } }],
      [base, { storePems: ["other"], sameTime: true }],
      [base, { storePems: proof.storePems, sameTime: false }],
    ];
    for (const [input, p] of variants) await ask(input, p);
    expect(computed).to.equal(1 + variants.length);
    const hosts = await Promise.all([ask(base), ask({ ...base, host: "rserve.chaincheck.test" })]);
    expect(hosts.map((v) => v.host)).to.deep.equal(["tabpy.chaincheck.test", "rserve.chaincheck.test"]);
    expect(computed).to.equal(1 + variants.length);
  });

  it("a failed judgement is not remembered; a file's own order (verify) is never cached", async () => {
    const verdicts = new ChainVerdicts();
    let computed = 0;
    await verdicts.judge(base, proof, async () => { computed++; throw new Error("boom"); }).catch(() => undefined);
    await verdicts.judge(base, proof, async () => (computed++, judged(base)));
    const bundle = { paths: ["f.pem"], format: "PEM", order: {} as never, unsent: [] };
    await verdicts.judge({ ...base, bundle }, proof, async () => (computed++, judged(base)));
    await verdicts.judge({ ...base, bundle }, proof, async () => (computed++, judged(base)));
    expect(computed).to.equal(4);
  });

  it("parses each certificate once per run", () => {
    const verdicts = new ChainVerdicts();
    const [a] = verdicts.certificates([leaf.der]);
    const [b, c] = verdicts.certificates([new Uint8Array(leaf.der), intermediate.der]);
    expect(b).to.equal(a);
    expect(c!.sha256).to.equal(intermediate.sha256);
  });
});

describe("fleets: delivery in input order and the report file's streaming mode", () => {
  it("delivers each result in input order as soon as it and those before it are done, one delivery at a time", async () => {
    const events: string[] = [];
    let delivering = 0;
    const delays = [30, 5, 5, 60, 5];
    await forEachConcurrent(delays, 2, async (ms, i) => {
      await new Promise((r) => setTimeout(r, ms));
      events.push(`done ${i}`);
      return i;
    }, async (result, index) => {
      expect(result).to.equal(index);
      expect(++delivering).to.equal(1);
      await new Promise((r) => setTimeout(r, 1));
      events.push(`deliver ${index}`);
      delivering--;
    });
    expect(events.filter((e) => e.startsWith("deliver"))).to.deep.equal([0, 1, 2, 3, 4].map((i) => `deliver ${i}`));
    // Result 0 was delivered before item 3 (the slow one) was done: nothing waited for the whole run.
    expect(events.indexOf("deliver 0")).to.be.lessThan(events.indexOf("done 3"));
  });

  it("a failed delivery stops the run: no item starts after it", async () => {
    const started: number[] = [];
    const run = forEachConcurrent([0, 1, 2, 3, 4, 5], 1, async (i) => (started.push(i), i), (i) => {
      if (i === 1) throw new Error("disk full");
    });
    await run.then(() => expect.fail("should reject"), (err: Error) => expect(err.message).to.equal("disk full"));
    expect(started).to.deep.equal([0, 1]);
  });

  it("an aborted report leaves FILE as it was and no temporary file behind; a closed one is in place", async () => {
    const dir = await mkdtemp(join(tmpdir(), "chaincheck-stream-"));
    try {
      const path = join(dir, "report.json");
      await writeFile(path, "before\n");
      const aborted = openReportFile("--output", path);
      await aborted.write("x".repeat(100 * 1024));
      await aborted.abort();
      expect(await readFile(path, "utf8")).to.equal("before\n");
      expect(await readdir(dir)).to.deep.equal(["report.json"]);
      const file = openReportFile("--output", path);
      for (let i = 0; i < 50; i++) await file.write(`${"y".repeat(4096)}${i}\n`);
      expect(await readFile(path, "utf8")).to.equal("before\n");
      await file.close();
      expect((await readFile(path, "utf8")).split("\n").slice(0, 50).map((l) => l.slice(4096))).to.deep.equal([...Array(50).keys()].map(String));
      expect(await readdir(dir)).to.deep.equal(["report.json"]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("a device that fills up mid-report is one line", async () => {
    const file = openReportFile("--output", "/dev/full");
    let error: Error | undefined;
    try {
      await file.write("z".repeat(70 * 1024));
      await file.close();
    } catch (err) {
      error = err as Error;
    }
    expect(error?.message).to.equal("--output: cannot write /dev/full (ENOSPC: no space left on the device)");
  });
});
