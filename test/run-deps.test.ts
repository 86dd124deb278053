/**
 * `run(argv, io, deps)` is self-contained: the trust store loader, `--target-os auto` and the no-echo prompt come
 * from `deps`, the environment from `io.env`, never from this machine or `process.env` (issue 13).
 */
import { expect } from "chai";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadTrust } from "../src/app/trust.js";
import type { TrustLoader } from "../src/app/run.js";
import type { ChainResult } from "../src/result/verdict.js";
import { runCli } from "./support/cli.js";
import { FIXTURES } from "./support/scenarios.js";

const AT = ["--at", "2030-01-01T00:00:00Z"];
const resultOf = (stdout: string) => (JSON.parse(stdout) as { results: ChainResult[] }).results[0]!;

describe("run(argv, io, deps): every dependency on the machine is injectable", () => {
  it("the trust store comes from deps.loadTrust (asked with the --ca-file list, here none)", async () => {
    const calls: (readonly string[])[] = [];
    const fake: TrustLoader = (caFiles, read) => {
      calls.push(caFiles);
      return loadTrust([join(FIXTURES, "ca/root.pem")], read);
    };
    const out = await runCli(["verify", join(FIXTURES, "ca/fullchain.pem"), "--host", "tabpy.chaincheck.test", "--format", "json", ...AT], {}, { loadTrust: fake });
    expect(out.code, out.stderr).to.equal(0);
    expect(calls).to.deep.equal([[]]);
    expect(resultOf(out.stdout).trustStore).to.include("ca/root.pem");
  });

  it("--target-os auto asks deps.detectOs (the install commands follow it)", async () => {
    const dir = join(FIXTURES, "scenarios/leaf-only-missing-intermediate");
    const args = ["verify", join(dir, "presented.pem"), "--ca-file", join(dir, "trust.pem"), "--host", "tabpy.chaincheck.test", "--intermediates", join(FIXTURES, "ca/intermediate.pem"), "--format", "json", ...AT];
    let asked = 0;
    const out = await runCli(args, {}, { detectOs: () => (asked++, "windows") });
    expect(asked).to.equal(1);
    const r = resultOf(out.stdout);
    expect(r.remediation.targetOs).to.equal("windows");
    expect(r.remediation.steps.join("\n")).to.include("certutil -addstore -f CA");
  });

  it("a password-protected PKCS#12 on a terminal asks deps.promptSecret, never process.stdin", async () => {
    const questions: string[] = [];
    const out = await runCli(
      ["verify", join(FIXTURES, "formats/chain-aes.p12"), "--ca-file", join(FIXTURES, "formats/root.pem"), "--host", "tabpy.example.test", "-q", ...AT],
      { stdinIsTTY: true },
      { promptSecret: async (question) => (questions.push(question), "chaincheck-test") },
    );
    expect(out.code, out.stderr).to.equal(0);
    expect(questions).to.have.length(1);
    expect(questions[0]).to.match(/^PKCS#12 password for .*chain-aes\.p12: $/);
  });

  it("the system store honours SSL_CERT_FILE from io.env, whatever process.env says", async () => {
    const out = await runCli(["verify", join(FIXTURES, "ca/fullchain.pem"), "--host", "tabpy.chaincheck.test", "--format", "json", ...AT],
      { env: { SSL_CERT_FILE: join(FIXTURES, "ca/root.pem") } });
    expect(out.code, out.stderr).to.equal(0);
    expect(resultOf(out.stdout).trustStore).to.match(/^system store SSL_CERT_FILE=.*ca\/root\.pem \(1 certificate\)$/);
  });

  it("what loading the store left out is said: a skipped SSL_CERT_DIR entry is a TRUST_STORE_NOTE (info), the verdict unchanged", async () => {
    const dir = mkdtempSync(join(tmpdir(), "chaincheck-store-"));
    try {
      copyFileSync(join(FIXTURES, "ca/root.pem"), join(dir, "root.pem"));
      writeFileSync(join(dir, "broken.pem"), "-----BEGIN CERTIFICATE-----\n!!\n-----END CERTIFICATE-----\n");
      const args = ["verify", join(FIXTURES, "ca/fullchain.pem"), "--host", "tabpy.chaincheck.test", ...AT];
      const out = await runCli([...args, "--format", "json"], { env: { SSL_CERT_DIR: dir } });
      expect(out.code, out.stderr).to.equal(0);
      const notes = resultOf(out.stdout).findings.filter((f) => f.code === "TRUST_STORE_NOTE");
      expect(notes.map((f) => [f.severity, f.certificate])).to.deep.equal([["info", null]]);
      expect(notes[0]!.evidence).to.deep.equal({ store: `system store SSL_CERT_DIR=${dir} (1 certificate)`, note: `skipped ${join(dir, "broken.pem")}: block 1 is not valid base64 (unexpected character "!" on line 2)` });
      expect(notes[0]!.message).to.equal(`Loading the trust store (system store SSL_CERT_DIR=${dir} (1 certificate)): skipped ${join(dir, "broken.pem")}: block 1 is not valid base64 (unexpected character "!" on line 2).`);
      const text = await runCli([...args, "--no-color"], { env: { SSL_CERT_DIR: dir } });
      expect(text.stdout).to.include("TRUST_STORE_NOTE  Note on the trust store");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
