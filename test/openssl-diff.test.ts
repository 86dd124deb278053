/**
 * Cross-check of the fixture scenarios against `openssl verify -purpose sslserver` (issue 2): for
 * each scenario, OpenSSL 3 gets the trust store as -CAfile, the certificates the server sends after
 * the leaf as -untrusted, the scenario's time as -attime and its host as -verify_hostname / -verify_ip
 * (-partial_chain when the scenario models partial-chain clients), and the strictest settings of the
 * clients chaincheck models: -x509_strict (Python >= 3.13's default) and -auth_level 2 (the security
 * level of a TLS handshake on Debian, RHEL, Node and Python). Its verdict must equal chaincheck's,
 * except for the documented disagreements below; a listed disagreement that no longer happens fails
 * too, so the table stays true. Skipped when /usr/bin/openssl is absent.
 */
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkChain } from "../src/result/chain-result.js";
import { anchorsOf, loadScenario, scenarioNames, type Scenario } from "./support/scenarios.js";
import { opensslVerify, skipUnlessOpenssl } from "./support/openssl-pki.js";
import { sentBy } from "../src/result/presentation.js";

/** Scenarios where chaincheck and `openssl verify` disagree on purpose, with the reason. */
const EXPECTED_DISAGREEMENTS: Readonly<Record<string, string>> = {
  "cn-only":
    "OpenSSL's X509_check_host falls back to the subject CN when the certificate has no DNS subjectAltName; chaincheck, like Node, Go, rustls and browsers (RFC 6125 §6.4.4, RFC 9525), never uses the CN",
  "long-chain":
    "OpenSSL follows paths up to its default depth of 100 intermediates; chaincheck's path builder stops at 12 certificates (PATH_BUDGET_EXCEEDED), a denial-of-service bound like rustls/webpki's 6 sub-CAs and Go's signature-check budget",
};

/** What the server sends: Rserve sends only the first certificate of its `tls.cert` file (SSL_CTX_use_certificate_file). */
const presentedOf = (s: Scenario) => sentBy(s.service ?? null, s.presented).presented;

describe("fixture scenarios against `openssl verify -purpose sslserver -x509_strict -auth_level 2`", function () {
  this.timeout(60_000);
  let dir: string;
  before(function () {
    skipUnlessOpenssl(this);
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
      const openssl = await opensslVerify({ trust: s.trust, presented: presentedOf(s), at: s.at, host: s.host, partialChain: s.partialChain }, dir);
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
