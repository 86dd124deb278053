/**
 * Issue 11, order of a bundle: `verify` finds the server's certificate by structure, reports CHAIN_ORDER (error) when it
 * is not first, judges the corrected order, and prints a command that really writes the corrected file (run here
 * through sh, then verified again, and by openssl). PKCS#12 and live probes keep their order.
 */
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundleOrder, reorderCommand, shellWord } from "../src/result/presentation.js";
import { FIXTURES, readPemCerts } from "./support/scenarios.js";
import { runCli } from "./support/cli.js";
import { CHAINCHECK_BIN } from "./support/bin.js";

const CA = join(FIXTURES, "ca");
const pem = (name: string) => readFileSync(join(CA, `${name}.pem`), "utf8");
const [ROOT, INT, LEAF] = ["root", "intermediate", "leaf"].map((n) => readPemCerts(join(CA, `${n}.pem`))[0]!);
const HOST = "tabpy.chaincheck.test";
const COMMON = ["--ca-file", join(CA, "root.pem"), "--host", HOST, "--at", "2030-01-01T00:00:00Z", "--target-os", "debian", "--no-color"];
const OPENSSL = "/usr/bin/openssl";

interface Json {
  trusted: boolean; status: string; headline: string | null; presented: { sha256: string }[];
  findings: { code: string; severity: string; certificate: string | null; message: string; remediation: string }[];
  bundle?: { format: string; reordered: boolean; order: { position: number; sha256: string }[]; unsent: { sha256: string }[] };
  remediation: { install: { role: string; source: string }[]; reorder?: { leafPosition: number; order: number[]; command: string }; proof: string | null; verifiedAfterInstall: boolean | null; cannotFix: string[] };
}
const json = (stdout: string) => (JSON.parse(stdout) as { results: Json[] }).results[0]!;

/** Runs a command line the report printed, in sh, with `chaincheck` on PATH (the built CLI). */
function runPrinted(command: string, dir: string): void {
  const shim = join(dir, "bin");
  execFileSync("mkdir", ["-p", shim]);
  writeFileSync(join(shim, "chaincheck"), `#!/bin/sh\nexec "${process.execPath}" "${CHAINCHECK_BIN}" "$@"\n`);
  chmodSync(join(shim, "chaincheck"), 0o755);
  // The command exits 1 (the file as given fails); what counts is the file it writes.
  try {
    execFileSync("/bin/sh", ["-c", command], { cwd: dir, env: { ...process.env, PATH: `${shim}:${process.env.PATH ?? ""}` }, stdio: "pipe" });
  } catch (err) {
    if ((err as { status?: number }).status !== 1) throw err;
  }
}

describe("bundle order (verify): the server's certificate found by structure", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "chaincheck-order-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("orders a file by structure: end-entity, each issuer, then the rest in file order; CA-only files keep theirs", () => {
    const order = bundleOrder([ROOT, INT, LEAF]);
    expect(order.positions).to.deep.equal([3, 2, 1]);
    expect(order.endEntityAt).to.equal(3);
    expect(bundleOrder([LEAF, ROOT, INT])).to.include({ endEntityAt: null });
    expect(bundleOrder([LEAF, ROOT, INT]).positions).to.deep.equal([1, 3, 2]);
    const other = readPemCerts(join(CA, "other-root.pem"))[0]!;
    expect(bundleOrder([INT, other, LEAF]).positions).to.deep.equal([3, 1, 2]);
    // No certificate that is not a CA: nothing to call the server's certificate, the order is left alone.
    expect(bundleOrder([ROOT, INT])).to.deep.include({ endEntityAt: null, positions: [1, 2] });
    expect(bundleOrder([])).to.deep.include({ endEntityAt: null, positions: [] });
  });

  it("quotes paths for sh only when needed, and names the output after the input", () => {
    expect(shellWord("certs/tabpy.pem")).to.equal("certs/tabpy.pem");
    expect(shellWord("my certs/it's.pem")).to.equal(`'my certs/it'\\''s.pem'`);
    expect(reorderCommand(["tabpy.p7b", "more.pem"])).to.equal("chaincheck verify tabpy.p7b --chain more.pem --format pem > tabpy-ordered.pem");
  });

  for (const [what, parts, order] of [
    ["intermediate then leaf", ["intermediate", "leaf"], [2, 1]],
    ["root, intermediate, leaf", ["root", "intermediate", "leaf"], [3, 2, 1]],
  ] as const) {
    it(`${what}: CHAIN_ORDER error naming the leaf and its position, judged on the corrected order (JSON)`, async () => {
      const file = join(dir, "bundle.pem");
      writeFileSync(file, parts.map(pem).join(""));
      const out = await runCli(["verify", file, ...COMMON, "--format", "json"]);
      expect(out.code).to.equal(1);
      const r = json(out.stdout);
      expect([r.trusted, r.status, r.headline]).to.deep.equal([false, "fail", "CHAIN_ORDER"]);
      const f = r.findings.find((x) => x.code === "CHAIN_ORDER")!;
      expect([f.severity, f.certificate]).to.deep.equal(["error", LEAF.sha256]);
      expect(f.message).to.include(`is #${order[0]} in the file, not first`).and.include("TabPy").and.include("refuse to start");
      expect(r.presented[0]!.sha256).to.equal(LEAF.sha256);
      expect(r.bundle).to.deep.include({ format: "pem", reordered: true });
      expect(r.bundle!.order.map((o) => o.position)).to.deep.equal([...order]);
      expect(r.remediation.reorder).to.deep.include({ leafPosition: order[0], order: [...order] });
      expect(r.remediation.reorder!.command).to.equal(`chaincheck verify ${file} --format pem > ${join(dir, "bundle-ordered.pem")}`);
      expect(r.remediation.verifiedAfterInstall).to.equal(true);
      expect(r.remediation.proof).to.match(new RegExp(`^After writing the file in the corrected order, the chain validates for ${HOST} \\(re-checked by chaincheck, strict model\\)\\. Confirmed by OpenSSL too`));
      // Never the intermediate's name or key usage, never "remove" the server's certificate.
      const codes = r.findings.map((x) => x.code);
      expect(codes).to.not.include.members(["HOSTNAME_MISMATCH", "KEY_USAGE_INVALID", "EKU_NOT_SERVER_AUTH", "EXTRA_CERTIFICATE", "NOT_A_CA"]);
      for (const x of r.findings) if (x.certificate === LEAF.sha256) expect(x.remediation).to.not.match(/\bremove\b/i);
      expect(r.remediation.cannotFix).to.deep.equal([]);
    });
  }

  it("text: the order problem, the corrected order and the command on a line of its own", async () => {
    const file = join(dir, "bundle.pem");
    writeFileSync(file, pem("intermediate") + pem("leaf"));
    const out = await runCli(["verify", file, ...COMMON]);
    expect(out.code).to.equal(1);
    expect(out.stdout).to.match(/FAIL {2}not trusted: Chain out of order \(CHAIN_ORDER\)/);
    expect(out.stdout).to.include("Presented chain (corrected order, leaf first: not the file's order, see CHAIN_ORDER)");
    expect(out.stdout).to.match(/Fix the server's file first: its certificate is #2; write #2, #1 in this order/);
    expect(out.stdout.split("\n")).to.include(`      chaincheck verify ${file} --format pem > ${join(dir, "bundle-ordered.pem")}`);
    expect(out.stdout).to.include("Once the file is in order (leaf first), the server will send 2 certificates");
    await runCli(["verify", file, ...COMMON, "--report", join(dir, "r.html"), "--quiet"]);
    expect(readFileSync(join(dir, "r.html"), "utf8")).to.include(`<pre>chaincheck verify ${file} --format pem &gt; ${join(dir, "bundle-ordered.pem")}</pre>`);
  });

  it("the printed command writes the corrected file: it then passes, for chaincheck and for openssl", async function () {
    const file = join(dir, "bundle.pem");
    writeFileSync(file, pem("root") + pem("intermediate") + pem("leaf"));
    const r = json((await runCli(["verify", file, ...COMMON, "--format", "json"])).stdout);
    runPrinted(r.remediation.reorder!.command, dir);
    const fixed = join(dir, "bundle-ordered.pem");
    expect(readPemCerts(fixed).map((c) => c.sha256)).to.deep.equal([LEAF.sha256, INT.sha256, ROOT.sha256]);
    expect(readFileSync(fixed, "utf8")).to.match(/^-----BEGIN CERTIFICATE-----\n[\s\S]*-----END CERTIFICATE-----\n$/);
    const again = await runCli(["verify", fixed, ...COMMON, "--format", "json"]);
    expect(again.code).to.equal(0);
    expect(json(again.stdout).findings.map((f) => f.code)).to.not.include("CHAIN_ORDER");
    if (!existsSync(OPENSSL)) return;
    const verified = execFileSync(OPENSSL, ["verify", "-CAfile", join(CA, "root.pem"), "-untrusted", fixed, "-verify_hostname", HOST, fixed], { encoding: "utf8" });
    expect(verified).to.include(": OK");
    // openssl x509 reads the first block: the server's certificate.
    expect(execFileSync(OPENSSL, ["x509", "-noout", "-subject", "-in", fixed], { encoding: "utf8" })).to.include("Chaincheck Test Server");
  });

  it("Rserve: the corrected file's first certificate is what it sends; the rest is held and printed by --format pem", async () => {
    const file = join(dir, "rserve.pem");
    writeFileSync(file, pem("intermediate") + pem("leaf"));
    const out = await runCli(["verify", file, ...COMMON, "--service", "rserve", "--format", "json"]);
    const r = json(out.stdout);
    expect(r.headline).to.equal("CHAIN_ORDER");
    expect(r.presented.map((c) => c.sha256)).to.deep.equal([LEAF.sha256]);
    expect(r.bundle!.unsent.map((c) => c.sha256)).to.deep.equal([INT.sha256]);
    expect(r.remediation.install.map((i) => [i.role, i.source])).to.deep.equal([["intermediate", "held"]]);
    expect(r.remediation.proof).to.match(/^After writing the file in the corrected order and installing "CN=Chaincheck Test Intermediate, O=chaincheck", the chain validates/);
    const pemOut = await runCli(["verify", file, ...COMMON, "--service", "rserve", "--format", "pem"]);
    expect(pemOut.code).to.equal(1);
    expect(readPemCertsFromText(pemOut.stdout)).to.deep.equal([LEAF.sha256, INT.sha256]);
  });

  it("PKCS#7 in the wrong order: the same error, and the command writes PEM", async function () {
    if (!existsSync(OPENSSL)) this.skip();
    writeFileSync(join(dir, "int.pem"), pem("intermediate"));
    writeFileSync(join(dir, "leaf.pem"), pem("leaf"));
    const p7b = join(dir, "chain.p7b");
    execFileSync(OPENSSL, ["crl2pkcs7", "-nocrl", "-certfile", join(dir, "int.pem"), "-certfile", join(dir, "leaf.pem"), "-out", p7b]);
    const r = json((await runCli(["verify", p7b, ...COMMON, "--format", "json"])).stdout);
    expect(r.bundle!.format).to.equal("pkcs7");
    expect(r.headline).to.equal("CHAIN_ORDER");
    runPrinted(r.remediation.reorder!.command, dir);
    expect(readPemCerts(join(dir, "chain-ordered.pem")).map((c) => c.sha256)).to.deep.equal([LEAF.sha256, INT.sha256]);
  });

  it("PKCS#12: the reader puts the key's certificate first, so there is never a CHAIN_ORDER for it", async () => {
    const formats = join(FIXTURES, "formats");
    const out = await runCli(["verify", join(formats, "chain-nopass.p12"), "--ca-file", join(formats, "root.pem"), "--host", "tabpy.example.test", "--at", "2030-01-01T00:00:00Z", "--format", "json"]);
    const r = json(out.stdout);
    expect(r.bundle).to.deep.include({ format: "pkcs12", reordered: false });
    expect(r.findings.map((f) => f.code)).to.not.include("CHAIN_ORDER");
  });

  it("intermediates out of order with the leaf first: still the warning, judged as sent; --format pem writes the corrected order", async () => {
    const file = join(dir, "bundle.pem");
    writeFileSync(file, pem("leaf") + pem("root") + pem("intermediate"));
    const out = await runCli(["verify", file, ...COMMON, "--format", "json"]);
    const r = json(out.stdout);
    expect(out.code).to.equal(0);
    expect(r.findings.find((f) => f.code === "CHAIN_ORDER")!.severity).to.equal("warning");
    expect(r.remediation.reorder).to.equal(undefined);
    expect(r.presented.map((c) => c.sha256)).to.deep.equal([LEAF.sha256, ROOT.sha256, INT.sha256]);
    const pemOut = await runCli(["verify", file, ...COMMON, "--format", "pem"]);
    expect(readPemCertsFromText(pemOut.stdout)).to.deep.equal([LEAF.sha256, INT.sha256, ROOT.sha256]);
  });
});

function readPemCertsFromText(text: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), "chaincheck-pem-"));
  try {
    writeFileSync(join(dir, "out.pem"), text);
    return readPemCerts(join(dir, "out.pem")).map((c) => c.sha256);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
