/**
 * PKCS#12 through the CLI (issue 11): a file's internal order means nothing (the key's certificate first,
 * then its issuers, as a server loading the file presents them), a keystore's trusted CA entries are held,
 * not presented, password-protected PKCS#12 works as --ca-file and --intermediates in verify and check, and
 * decoder notes become INPUT_NOTE findings. The password never appears in any output or file.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { X509Certificate, createPrivateKey } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTabpyLikeServer, type RunningServer } from "../src/demo/servers.js";
import { buildPkcs12, type Bag } from "./support/pkcs12.js";
import { runCli } from "./support/cli.js";
import { FIXTURES } from "./support/scenarios.js";

const CA = join(FIXTURES, "ca");
const PASSWORD = "pfx-S3cret-for-tests";
const HOST = "tabpy.chaincheck.test";
const AT = ["--at", "2030-01-01T00:00:00Z", "--target-os", "debian"];
const pem = (name: string) => readFileSync(join(CA, name), "utf8");
const derOf = (name: string) => new Uint8Array(new X509Certificate(pem(name)).raw);
const subjectOf = (name: string) => new X509Certificate(pem(name)).subject.split("\n").reverse().join(", ");
const KEY_ID = Uint8Array.from([0x4b, 0x45, 0x59, 0x31]);

interface Finding { code: string; severity: string; message: string; certificate: string | null }
interface Result {
  trusted: boolean; status: string; presented: { subject: string; sha256: string }[]; findings: Finding[];
  remediation: { install: { role: string; sha256: string | null; pem: string | null; source: string; confirmOutOfBand: boolean }[]; verifiedAfterInstall: boolean | null };
}
const resultOf = (stdout: string): Result => (JSON.parse(stdout) as { results: Result[] }).results[0]!;
const codes = (r: Result) => r.findings.map((f) => f.code);
const notes = (r: Result) => r.findings.filter((f) => f.code === "INPUT_NOTE");
const sha256Of = (name: string) => new X509Certificate(pem(name)).fingerprint256.replace(/:/g, "").toLowerCase();
/** The advice installs the intermediate from the certificate chaincheck holds, and the what-if proves it. */
const expectHeldIntermediateAdvice = (r: Result) => {
  expect(r.remediation.install.map((i) => [i.role, i.sha256, i.pem !== null])).to.deep.equal([["intermediate", sha256Of("intermediate.pem"), true]]);
  expect(r.remediation.verifiedAfterInstall).to.equal(true);
};

describe("PKCS#12 inputs through the CLI", function () {
  this.timeout(60_000);
  let dir: string;
  const file = (name: string) => join(dir, name);
  const leafKey = () => createPrivateKey(pem("leaf.key.pem"));
  const cert = (name: string, extra: Partial<Extract<Bag, { kind: "cert" }>> = {}): Bag => ({ kind: "cert", der: derOf(name), ...extra });

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "chaincheck-p12-"));
    // As GnuTLS certtool writes it: the root first, the leaf last; the key's localKeyID marks the leaf.
    writeFileSync(file("certtool.p12"), buildPkcs12({
      password: PASSWORD,
      safes: [
        { bags: [cert("root.pem"), cert("intermediate.pem"), cert("leaf.pem", { localKeyId: KEY_ID, friendlyName: "server" })], encrypt: { iterations: 2048 } },
        { bags: [{ kind: "key", key: leafKey(), localKeyId: KEY_ID }] },
      ],
      mac: { iterations: 2048 },
    }));
    // A Java-style keystore: two trusted CA entries before the key entry's chain (intermediate before leaf).
    writeFileSync(file("keystore.p12"), buildPkcs12({
      password: PASSWORD,
      safes: [
        { bags: [cert("other-root.pem", { javaTrusted: true, friendlyName: "corp-other" }), cert("other-intermediate.pem", { javaTrusted: true }),
          cert("intermediate.pem"), cert("leaf.pem", { localKeyId: KEY_ID })], encrypt: { iterations: 2048 } },
        { bags: [{ kind: "key", key: leafKey(), localKeyId: KEY_ID }] },
      ],
      mac: { iterations: 2048 },
    }));
    writeFileSync(file("ca.p12"), buildPkcs12({ password: PASSWORD, safes: [{ bags: [cert("root.pem")], encrypt: { iterations: 2048 } }], mac: { iterations: 2048 } }));
    writeFileSync(file("intermediates.p12"), buildPkcs12({ password: PASSWORD, safes: [{ bags: [cert("intermediate.pem")], encrypt: { iterations: 2048 } }], mac: { iterations: 2048 } }));
    writeFileSync(file("nomac.p12"), buildPkcs12({ password: "", safes: [{ bags: [cert("leaf.pem"), cert("intermediate.pem")] }], mac: null }));
    writeFileSync(file("with-key.pem"), `${pem("leaf.key.pem")}${pem("fullchain.pem")}`);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const env = { env: { PFX: PASSWORD } };
  const verify = (args: string[], io = env) =>
    runCli(["verify", ...args, "--pfx-password-env", "PFX", "--host", HOST, ...AT], io);
  const noSecret = (out: { stdout: string; stderr: string }) => expect(out.stdout + out.stderr).not.to.include(PASSWORD);

  it("openssl reads the generated files: its -clcerts certificate (by localKeyID) is the leaf, written last", function () {
    if (spawnSync("openssl", ["version"]).status !== 0) this.skip();
    const run = (...args: string[]) => spawnSync("openssl", ["pkcs12", "-in", file("certtool.p12"), "-passin", "env:PFX", "-nokeys", ...args], { env: { ...process.env, PFX: PASSWORD }, encoding: "utf8" });
    const leaf = run("-clcerts");
    expect(leaf.status, leaf.stderr).to.equal(0);
    expect(new X509Certificate(leaf.stdout).fingerprint256).to.equal(new X509Certificate(pem("leaf.pem")).fingerprint256);
    const all = run();
    expect(all.stdout.indexOf("Chaincheck Test Root")).to.be.lessThan(all.stdout.indexOf("Chaincheck Test Server"));
  });

  it("a certtool-ordered file (root first) presents the key's certificate first, then its issuers: trusted, no CHAIN_ORDER (JSON)", async () => {
    const out = await verify([file("certtool.p12"), "--ca-file", join(CA, "root.pem"), "--format", "json"]);
    expect(out.code, out.stderr).to.equal(0);
    const r = resultOf(out.stdout);
    expect(r.trusted).to.equal(true);
    expect(r.presented.map((c) => c.subject)).to.deep.equal([subjectOf("leaf.pem"), subjectOf("intermediate.pem"), subjectOf("root.pem")]);
    expect(codes(r)).not.to.include("CHAIN_ORDER");
    expect(codes(r)).not.to.include("HOSTNAME_MISMATCH");
    noSecret(out);
  });

  it("the same file in text: the leaf heads the presented chain, PASS", async () => {
    const out = await verify([file("certtool.p12"), "--ca-file", join(CA, "root.pem"), "--no-color"]);
    expect(out.code, out.stderr).to.equal(0);
    expect(out.stdout).to.match(/PASS/);
    const leafAt = out.stdout.indexOf("Chaincheck Test Server");
    expect(leafAt).to.be.greaterThan(-1);
    expect(leafAt).to.be.lessThan(out.stdout.indexOf("Chaincheck Test Intermediate"));
    noSecret(out);
  });

  it("as Rserve presents it (first certificate only): the leaf, not the root the file starts with", async () => {
    const out = await verify([file("certtool.p12"), "--ca-file", join(CA, "root.pem"), "--service", "rserve", "--format", "json"]);
    const r = resultOf(out.stdout);
    expect(r.presented.map((c) => c.subject)).to.deep.equal([subjectOf("leaf.pem")]);
    // The file's other certificates are known (held), so the advice installs the intermediate it holds.
    expectHeldIntermediateAdvice(r);
  });

  it("a keystore with trusted CA entries presents only the key's chain; the entries are held and noted (JSON)", async () => {
    const out = await verify([file("keystore.p12"), "--ca-file", join(CA, "root.pem"), "--format", "json"]);
    expect(out.code, out.stderr).to.equal(0);
    const r = resultOf(out.stdout);
    expect(r.presented.map((c) => c.subject)).to.deep.equal([subjectOf("leaf.pem"), subjectOf("intermediate.pem")]);
    expect(codes(r)).to.not.include.members(["EXTRA_CERTIFICATE", "DUPLICATE_CERTIFICATE", "CHAIN_ORDER"]);
    const held = notes(r);
    expect(held).to.have.length(1);
    expect(held[0]).to.include({ severity: "info", certificate: null });
    expect(held[0]!.message).to.equal(`Reading ${file("keystore.p12")}: certificates 1, 2 of the PKCS#12 file are not in the private key's chain (trusted CA entries); a server does not present them, so chaincheck holds them for the advice.`);
    expect(r.status).to.equal("pass");
  });

  it("a keystore given as --chain: its key's chain is presented after FILE, its CA entries are held (advice source, no presentation findings)", async () => {
    // The key entry's certificate is the intermediate; the root and an unrelated root are the keystore's CA entries.
    writeFileSync(file("chain-keystore.p12"), buildPkcs12({
      password: PASSWORD,
      safes: [
        { bags: [cert("root.pem", { javaTrusted: true }), cert("other-root.pem", { javaTrusted: true }), cert("intermediate.pem", { localKeyId: KEY_ID })], encrypt: { iterations: 2048 } },
        { bags: [{ kind: "key", key: leafKey(), localKeyId: KEY_ID }] },
      ],
      mac: { iterations: 2048 },
    }));
    const args = [join(CA, "leaf.pem"), "--chain", file("chain-keystore.p12"), "--ca-file", join(CA, "other-intermediate.pem")];
    const out = await verify([...args, "--format", "json"]);
    expect(out.code, out.stderr).to.equal(1);
    noSecret(out);
    const r = resultOf(out.stdout);
    expect(r.presented.map((c) => c.subject)).to.deep.equal([subjectOf("leaf.pem"), subjectOf("intermediate.pem")]);
    expect(codes(r)).to.include("ISSUER_NOT_FOUND").and.not.include.members(["EXTRA_CERTIFICATE", "ROOT_PRESENTED", "DUPLICATE_CERTIFICATE"]);
    // The root comes from the admin's keystore: held, so no "confirm out of band" for a server-sent root.
    expect(r.remediation.install.map((i) => [i.role, i.sha256, i.source, i.confirmOutOfBand])).to.deep.equal([["root", sha256Of("root.pem"), "held", false]]);
    expect(r.remediation.verifiedAfterInstall).to.equal(true);
    expect(notes(r).map((n) => n.message)).to.deep.equal([`Reading ${file("chain-keystore.p12")}: certificates 1, 2 of the PKCS#12 file are not in the private key's chain (trusted CA entries); a server does not present them, so chaincheck holds them for the advice.`]);
    const text = await verify([...args, "--no-color"]);
    expect(text.stdout).to.include("The server will send 2 certificates");
    expect(text.stdout).to.not.include("confirm this full SHA-256");
  });

  it("a keystore without a key as --chain: its Java trusted-certificate entries are held, the rest is presented", async () => {
    writeFileSync(file("chain-truststore.p12"), buildPkcs12({
      password: PASSWORD, safes: [{ bags: [cert("root.pem", { javaTrusted: true }), cert("intermediate.pem")], encrypt: { iterations: 2048 } }], mac: { iterations: 2048 },
    }));
    const out = await verify([join(CA, "leaf.pem"), "--chain", file("chain-truststore.p12"), "--ca-file", join(CA, "other-root.pem"), "--format", "json"]);
    const r = resultOf(out.stdout);
    expect(r.presented.map((c) => c.subject)).to.deep.equal([subjectOf("leaf.pem"), subjectOf("intermediate.pem")]);
    expect(r.remediation.install.map((i) => [i.role, i.source, i.confirmOutOfBand])).to.deep.equal([["root", "held", false]]);
    expect(notes(r).map((n) => n.message)).to.deep.equal([`Reading ${file("chain-truststore.p12")}: certificate 1 of the PKCS#12 file is a Java trusted-certificate entry (trusted CA entries); a server does not present it, so chaincheck holds it for the advice.`]);
  });

  it("the keystore in text (--verbose): the note is shown, the CA entries are not in the presented chain", async () => {
    const out = await verify([file("keystore.p12"), "--ca-file", join(CA, "root.pem"), "--no-color", "--verbose"]);
    expect(out.code, out.stderr).to.equal(0);
    expect(out.stdout).to.include("INPUT_NOTE");
    expect(out.stdout).to.include("trusted CA entries");
    const presentedPart = out.stdout.slice(0, out.stdout.indexOf("INPUT_NOTE"));
    expect(presentedPart).not.to.include("Other Intermediate");
  });

  it("--ca-file and --intermediates read password-protected PKCS#12 in verify", async () => {
    const out = await verify([join(CA, "leaf.pem"), "--ca-file", file("ca.p12"), "--intermediates", file("intermediates.p12"), "--format", "json"]);
    expect(out.code, out.stderr).to.equal(1); // leaf only: untrusted, but the advice holds the intermediate
    const r = resultOf(out.stdout);
    expect(r.trusted).to.equal(false);
    expectHeldIntermediateAdvice(r);
    noSecret(out);
  });

  it("a --ca-file PKCS#12 alone trusts the chain (its certificates are the anchors)", async () => {
    const out = await verify([join(CA, "fullchain.pem"), "--ca-file", file("ca.p12"), "--format", "json"]);
    expect(out.code, out.stderr).to.equal(0);
    expect(resultOf(out.stdout).trusted).to.equal(true);
    noSecret(out);
  });

  it("a wrong or missing password for --ca-file: exit 2, one line naming the file, the password never echoed", async () => {
    const wrong = await runCli(["verify", join(CA, "fullchain.pem"), "--ca-file", file("ca.p12"), "--pfx-password-env", "PFX", ...AT], { env: { PFX: "not-the-S3cret" } });
    expect(wrong.code).to.equal(2);
    expect(wrong.stderr).to.equal(`chaincheck: ${file("ca.p12")}: the PKCS#12 password is wrong (the file's integrity check failed)\n`);
    expect(wrong.stdout + wrong.stderr).not.to.include("not-the-S3cret");
    const missing = await runCli(["verify", join(CA, "fullchain.pem"), "--ca-file", file("ca.p12"), ...AT]);
    expect(missing.code).to.equal(2);
    expect(missing.stderr).to.match(/^chaincheck: .*ca\.p12: is a password-protected PKCS#12 file; pass --pfx-password-env NAME/);
  });

  it("on a terminal, a password-protected --ca-file is asked for (a stdin that is no terminal makes the prompt refuse)", async function () {
    if (process.stdin.isTTY) this.skip(); // a real terminal would wait for the password
    const out = await runCli(["verify", join(CA, "fullchain.pem"), "--ca-file", file("ca.p12"), ...AT], { stdinIsTTY: true });
    expect(out.code).to.equal(2);
    expect(out.stderr).to.equal("chaincheck: cannot ask for the password: standard input is not a terminal; pass --pfx-password-env NAME instead\n");
  });

  describe("check (live)", () => {
    let server: RunningServer;
    before(async () => {
      server = await startTabpyLikeServer({ certPem: pem("leaf.pem"), keyPem: pem("leaf.key.pem") });
    });
    after(() => server.close());

    it("--ca-file and --intermediates PKCS#12 with --pfx-password-env: the held intermediate completes the what-if; no password anywhere", async () => {
      const report = file("live-report.json");
      const output = file("live-output.json");
      const out = await runCli([`127.0.0.1:${server.port}`, "--servername", HOST, "--ca-file", file("ca.p12"), "--intermediates", file("intermediates.p12"),
        "--pfx-password-env", "PFX", "--timeout", "5000", "--format", "json", "--output", output, "--report", report, ...AT], env);
      expect(out.code, out.stderr).to.equal(1); // the server sends the leaf only
      const r = resultOf(readFileSync(output, "utf8"));
      expectHeldIntermediateAdvice(r);
      for (const text of [out.stdout, out.stderr, readFileSync(report, "utf8"), readFileSync(output, "utf8")]) expect(text).not.to.include(PASSWORD);
    });

    it("a note from a --ca-file (no MAC) is an INPUT_NOTE on the live result, text and JSON", async () => {
      writeFileSync(file("ca-nomac.p12"), buildPkcs12({ password: "", safes: [{ bags: [cert("root.pem")] }], mac: null }));
      const json = await runCli([`127.0.0.1:${server.port}`, "--servername", HOST, "--ca-file", file("ca-nomac.p12"), "--intermediates", join(CA, "intermediate.pem"),
        "--timeout", "5000", "--format", "json", ...AT]);
      const r = resultOf(json.stdout);
      expect(notes(r).map((f) => f.message)).to.deep.equal([`Reading ${file("ca-nomac.p12")}: the PKCS#12 file has no integrity MAC; its integrity was not verified.`]);
      const text = await runCli([`127.0.0.1:${server.port}`, "--servername", HOST, "--ca-file", file("ca-nomac.p12"), "--timeout", "5000", "--no-color", "--verbose", ...AT]);
      expect(text.stdout).to.include("INPUT_NOTE").and.to.include("no integrity MAC");
    });
  });

  it("decoder notes of the main file: no MAC, an ignored private key block (JSON, one finding each)", async () => {
    const nomac = resultOf((await verify([file("nomac.p12"), "--ca-file", join(CA, "root.pem"), "--format", "json"])).stdout);
    expect(notes(nomac).map((f) => f.message)).to.deep.equal([`Reading ${file("nomac.p12")}: the PKCS#12 file has no integrity MAC; its integrity was not verified.`]);
    const keyed = await verify([file("with-key.pem"), "--ca-file", join(CA, "root.pem"), "--format", "json"]);
    expect(keyed.code, keyed.stderr).to.equal(0);
    const r = resultOf(keyed.stdout);
    expect(notes(r).map((f) => f.message)).to.deep.equal([`Reading ${file("with-key.pem")}: block 1 is a private key; it was ignored.`]);
    expect(keyed.stdout).not.to.include("PRIVATE KEY");
  });

  it("two notes of two inputs are two findings (not merged), TRUSTED CERTIFICATE settings included", async () => {
    const trusted = join(FIXTURES, "formats", "root-trusted.pem");
    const out = await runCli(["verify", join(FIXTURES, "formats", "chain.pem"), "--ca-file", trusted, "--intermediates", file("with-key.pem"),
      "--host", "tabpy.example.test", "--format", "json", ...AT]);
    expect(out.code, out.stderr).to.equal(0);
    expect(notes(resultOf(out.stdout)).map((f) => f.message)).to.deep.equal([
      `Reading ${trusted}: block 1 is an OpenSSL TRUSTED CERTIFICATE; its trust settings were ignored.`,
      `Reading ${file("with-key.pem")}: block 1 is a private key; it was ignored.`,
    ]);
  });
});
