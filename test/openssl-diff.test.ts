/**
 * Cross-check of the fixture scenarios against `openssl verify -purpose sslserver` (issue 2): for
 * each scenario, OpenSSL 3 gets the trust store as -CAfile, the certificates the server sends after
 * the leaf as -untrusted, the scenario's time as -attime and its host as -verify_hostname / -verify_ip
 * (-partial_chain when the scenario models partial-chain clients). Its verdict must equal
 * chaincheck's, except for the documented disagreements below; a listed disagreement that no longer
 * happens fails too, so the table stays true. Skipped when /usr/bin/openssl is absent.
 */
import { expect } from "chai";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { isIP } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { checkChain } from "../src/check.js";
import { encodePem } from "../src/cert/pem.js";
import type { Certificate } from "../src/types.js";
import { anchorsOf, loadScenario, scenarioNames, type Scenario } from "./support/scenarios.js";

const OPENSSL = "/usr/bin/openssl";
const run = promisify(execFile);

/** Scenarios where chaincheck and `openssl verify` disagree on purpose, with the reason. */
const EXPECTED_DISAGREEMENTS: Readonly<Record<string, string>> = {
  "cn-only":
    "OpenSSL's X509_check_host falls back to the subject CN when the certificate has no DNS subjectAltName; chaincheck, like Node, Go, rustls and browsers (RFC 6125 §6.4.4, RFC 9525), never uses the CN",
  "weak-sha1":
    "`openssl verify` checks no security level unless -auth_level is given; a TLS handshake at Debian's default SECLEVEL 2 rejects the SHA-1 signature (with -auth_level 2 OpenSSL reports error 68, digest too weak)",
  "weak-rsa1024":
    "`openssl verify` checks no security level unless -auth_level is given; a TLS handshake at Debian's default SECLEVEL 2 rejects the RSA-1024 key (with -auth_level 2 OpenSSL reports error 66, key too weak)",
  "long-chain":
    "OpenSSL follows paths up to its default depth of 100 intermediates; chaincheck's path builder stops at 12 certificates (PATH_BUDGET_EXCEEDED), a denial-of-service bound like rustls/webpki's 6 sub-CAs and Go's signature-check budget",
};

function writePem(dir: string, name: string, certs: readonly Certificate[]): string {
  const path = join(dir, name);
  writeFileSync(path, certs.map((c) => encodePem(c.der)).join(""));
  return path;
}

/** What the server sends: Rserve sends only the first certificate of its file (FACTS.md). */
const presentedOf = (s: Scenario) => (s.service === "rserve" ? s.presented.slice(0, 1) : s.presented);

async function opensslVerdict(s: Scenario, dir: string): Promise<{ ok: boolean; output: string }> {
  const presented = presentedOf(s);
  const args = ["verify", "-CAfile", writePem(dir, "trust.pem", s.trust), "-attime", String(Math.floor(s.at.getTime() / 1000)), "-purpose", "sslserver"];
  if (presented.length > 1) args.push("-untrusted", writePem(dir, "untrusted.pem", presented.slice(1)));
  if (s.host) args.push(isIP(s.host) ? "-verify_ip" : "-verify_hostname", s.host);
  if (s.partialChain) args.push("-partial_chain");
  args.push(writePem(dir, "leaf.pem", presented.slice(0, 1)));
  try {
    const { stdout, stderr } = await run(OPENSSL, args, { timeout: 10_000 });
    return { ok: true, output: `${stdout}${stderr}`.trim() };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    if (typeof err.code !== "number") throw e;
    return { ok: false, output: `${err.stdout ?? ""}${err.stderr ?? ""}`.trim() };
  }
}

describe("fixture scenarios against `openssl verify -purpose sslserver`", function () {
  this.timeout(60_000);
  let dir: string;
  before(function () {
    if (!existsSync(OPENSSL)) {
      console.log(`      ${OPENSSL} not found: OpenSSL cross-check skipped`);
      this.skip();
    }
    dir = mkdtempSync(join(tmpdir(), "chaincheck-openssl-"));
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  for (const name of scenarioNames()) {
    const reason = EXPECTED_DISAGREEMENTS[name];
    it(`${name}: ${reason ? "disagrees as documented" : "same verdict"}`, async () => {
      const s = loadScenario(name);
      const result = checkChain({
        target: name, service: s.service ?? null, presented: presentedOf(s), anchors: anchorsOf(s.trust), host: s.host, at: s.at,
        partialChain: s.partialChain, warnDays: 30, targetOs: "debian",
      });
      const openssl = await opensslVerdict(s, dir);
      const verdicts = `chaincheck ${result.trusted ? "trusted" : `untrusted (${result.headline})`}, openssl: ${openssl.output}`;
      if (reason) expect(openssl.ok, `listed as a disagreement (${reason}) but ${verdicts}`).to.not.equal(result.trusted);
      else expect(openssl.ok, verdicts).to.equal(result.trusted);
    });
  }

  it("lists only scenarios that exist", () => {
    const names = new Set(scenarioNames());
    expect(Object.keys(EXPECTED_DISAGREEMENTS).filter((n) => !names.has(n))).to.deep.equal([]);
  });
});
