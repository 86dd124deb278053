/** `chaincheck verify` end to end with every container format; the PKCS#12 password never shows. */
import { expect } from "chai";
import { join } from "node:path";
import { runCli } from "./support/cli.js";
import { FIXTURES } from "./support/scenarios.js";

const FORMATS = join(FIXTURES, "formats");
const PASSWORD = "chaincheck-test"; // fixtures/formats/make.sh
const common = ["--ca-file", join(FORMATS, "root.pem"), "--host", "tabpy.example.test", "--at", "2030-01-01T00:00:00Z", "--target-os", "debian"];

interface Result { trusted: boolean; chainKind: string; presented: unknown[]; remediation: { steps: string[] } }
const resultOf = (stdout: string) => (JSON.parse(stdout) as { results: Result[] }).results[0]!;

describe("chaincheck verify: input formats", () => {
  const trusted: [string, string[]][] = [
    ["PEM bundle", ["chain.pem"]],
    ["PKCS#7, PEM", ["chain.p7b"]],
    ["PKCS#7, DER", ["chain.p7b.der"]],
    ["DER leaf + PEM --chain", ["leaf.der", "--chain", join(FORMATS, "intermediate.pem")]],
    ["PKCS#12 (AES)", ["chain-aes.p12", "--pfx-password-env", "PFX"]],
    ["PKCS#12 (legacy RC2)", ["chain-legacy.p12", "--pfx-password-env", "PFX"]],
    ["PKCS#12 without a password", ["chain-nopass.p12"]],
  ];
  for (const [what, [file, ...extra]] of trusted) {
    it(`${what}: trusted, exit 0, no password in the output`, async () => {
      const out = await runCli(["verify", join(FORMATS, file!), ...extra, ...common, "--format", "json"], { env: { PFX: PASSWORD } });
      expect(out.code, out.stderr).to.equal(0);
      expect(resultOf(out.stdout).trusted).to.equal(true);
      expect(out.stdout + out.stderr).to.not.include(PASSWORD);
    });
  }

  it("a DER leaf alone: the advice includes the DER to PEM conversion", async () => {
    const out = await runCli(["verify", join(FORMATS, "leaf.der"), ...common, "--format", "json"]);
    expect(out.code).to.equal(1);
    // The conversion writes the file name the OS needs (Debian: *.crt), not a generic cert.pem.
    expect(resultOf(out.stdout).remediation.steps.join("\n")).to.match(/\n {2}openssl x509 -inform der -in \S+ -out \S+\.crt(\n|$)/);
  });

  it("a wrong PKCS#12 password: one line, exit 2, the password not echoed", async () => {
    const out = await runCli(["verify", join(FORMATS, "chain-aes.p12"), "--pfx-password-env", "PFX", ...common], { env: { PFX: "wrong-secret-xyz" } });
    expect(out.code).to.equal(2);
    expect(out.stderr).to.match(/^chaincheck: .*password is wrong.*\n$/);
    expect(out.stdout + out.stderr).to.not.include("wrong-secret-xyz");
  });

  it("a password-protected PKCS#12 without a password or terminal: exit 2 with the fix", async () => {
    const out = await runCli(["verify", join(FORMATS, "chain-aes.p12"), ...common]);
    expect(out.code).to.equal(2);
    expect(out.stderr).to.include("--pfx-password-env");
  });
});
