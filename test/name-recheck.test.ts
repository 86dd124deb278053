/**
 * Issue 11, probing by IP or an alias: when the name checked is the probed target's own and the certificate holds DNS
 * names, the advice says to check the name Tableau will use (--servername NAME) as well as the reissue option, and the
 * report does not contradict itself. Loopback TLS server with a certificate generated here.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { generateKey, issueCertificate, keyFromPem } from "../src/pki/issue.js";
import { tlsServer, type TestServer } from "./support/hostile-servers.js";
import { FIXTURES } from "./support/scenarios.js";
import { runCli } from "./support/cli.js";

const CA = join(FIXTURES, "ca");
interface Json {
  status: string; headline: string | null; findings: { code: string; remediation: string }[];
  remediation: { cannotFix: string[]; recheck?: { checked: string; servername: string } };
}
const json = (stdout: string) => (JSON.parse(stdout) as { results: Json[] }).results[0]!;
const flat = (text: string) => text.replace(/\s*\n\s*/g, " ");

describe("probing by IP or an alias: check the name Tableau will use", () => {
  let server: TestServer;
  before(async () => {
    const key = await generateKey("p256");
    const intermediate = { subject: "CN=Chaincheck Test Intermediate, O=chaincheck", key: keyFromPem(readFileSync(join(FIXTURES, "keys/intermediate.key.pem"), "utf8")) };
    const leaf = await issueCertificate({
      subject: "CN=tabpy.chaincheck.test", key, issuer: intermediate, serial: "7001", ca: false,
      notBefore: new Date("2025-01-01T00:00:00Z"), notAfter: new Date("2049-12-31T23:59:59Z"), dnsNames: ["tabpy.chaincheck.test", "tabpy"],
    });
    server = await tlsServer({ cert: leaf.pem + readFileSync(join(CA, "intermediate.pem"), "utf8"), key: key.privateKeyPem });
  });
  after(() => server.close());
  const probe = (target: string, ...extra: string[]) => [target, "--ca-file", join(CA, "root.pem"), "--service", "tls", "--timeout", "5000", "--no-color", ...extra];

  it("by IP: HOSTNAME_MISMATCH says to re-run with --servername and to reissue for the IP (JSON)", async () => {
    const out = await runCli(probe(`127.0.0.1:${server.port}`, "--format", "json"));
    expect(out.code).to.equal(1);
    const r = json(out.stdout);
    expect(r.headline).to.equal("HOSTNAME_MISMATCH");
    expect(r.remediation.recheck).to.deep.equal({ checked: "127.0.0.1", servername: "tabpy.chaincheck.test" });
    const fix = r.findings.find((f) => f.code === "HOSTNAME_MISMATCH")!.remediation;
    expect(fix).to.include("This check used 127.0.0.1, the IP address you probed");
    expect(fix).to.include("run chaincheck again with --servername tabpy.chaincheck.test");
    expect(fix).to.include("if Tableau must connect to 127.0.0.1, reissue the certificate with a subjectAltName that contains 127.0.0.1");
    expect(r.remediation.cannotFix).to.deep.equal([`HOSTNAME_MISMATCH: ${fix}`]);
  });

  it("text: in short and what to do say the same thing; nothing claims only a reissue helps", async () => {
    const text = flat((await runCli(probe(`127.0.0.1:${server.port}`))).stdout);
    expect(text).to.include("This check used 127.0.0.1: if Tableau connects with tabpy.chaincheck.test, run chaincheck again with --servername tabpy.chaincheck.test");
    expect(text).to.include("No certificate you install fixes these; each says what to check or change:");
    expect(text).to.not.include("the certificate or the server must change");
  });

  it("by an alias the certificate does not cover: the same advice, naming the alias", async () => {
    const r = json((await runCli(probe(`localhost:${server.port}`, "--format", "json"))).stdout);
    expect(r.remediation.recheck).to.deep.equal({ checked: "localhost", servername: "tabpy.chaincheck.test" });
    expect(r.findings.find((f) => f.code === "HOSTNAME_MISMATCH")!.remediation).to.include("This check used localhost, the name you probed");
  });

  it("following the advice (--servername NAME) passes; a --servername the certificate lacks gets the plain reissue advice", async () => {
    expect((await runCli(probe(`127.0.0.1:${server.port}`, "--servername", "tabpy.chaincheck.test"))).code).to.equal(0);
    const r = json((await runCli(probe(`127.0.0.1:${server.port}`, "--servername", "other.chaincheck.test", "--format", "json"))).stdout);
    expect(r.remediation.recheck).to.equal(undefined);
    expect(r.findings.find((f) => f.code === "HOSTNAME_MISMATCH")!.remediation).to.match(/^Reissue the certificate with a subjectAltName that contains other\.chaincheck\.test/);
  });
});
