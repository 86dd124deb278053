/**
 * Issue 11, verbosity: the default text report of a failing leaf-only chain fits one screen and says each fact once
 * (the headline in "In short", each fix in "What to do"); --verbose adds every message and fix.
 */
import { expect } from "chai";
import { join } from "node:path";
import { loadScenario } from "./support/scenarios.js";
import { runCli } from "./support/cli.js";

const count = (text: string, needle: string) => text.split(needle).length - 1;

describe("text report: one screen, each fact once", () => {
  const s = loadScenario("leaf-only-missing-intermediate");
  const args = ["verify", join(s.dir, "presented.pem"), "--ca-file", join(s.dir, "trust.pem"), "--host", s.host!, "--service", "rserve", "--at", "2030-01-01T00:00:00Z", "--target-os", "debian", "--no-color"];
  const keyId = "2f11580ef210baf7c927b259973b3e841cc75cd9";

  it("a failing leaf-only chain: verdict, why, what to install with the commands and the proof, in 46 lines at most (44 today)", async () => {
    const out = await runCli(args);
    const lines = out.stdout.trimEnd().split("\n");
    expect(lines.length, out.stdout).to.be.at.most(46);
    for (const part of ["FAIL  not trusted: Issuer not found", "In short:", "What to do:", "sudo cp chaincheck-test-intermediate.crt /usr/local/share/ca-certificates/", "Proof (not verified):",
      "ERROR  ISSUER_NOT_FOUND", "1. intermediate CN=Chaincheck Test Intermediate, O=chaincheck (not held by chaincheck)", "from your CA administrator", "sudo update-ca-certificates",
      "tsm restart", "`tls.ca FILE`"]) {
      expect(out.stdout).to.include(part);
    }
    // The key id of the issuer to obtain: once (the step that says where to get it), not in the finding and the item too.
    expect(count(out.stdout, keyId)).to.equal(1);
    expect(out.stdout).to.not.include("Fix:");
    expect(out.stdout).to.not.include("clients must already hold every intermediate");
  });

  it("--verbose keeps every message and fix", async () => {
    const out = await runCli([...args, "--verbose"]);
    expect(out.stdout).to.include("Fix: Install \"CN=Chaincheck Test Intermediate, O=chaincheck\" in the client's trust store");
    expect(out.stdout.replace(/\s*\n\s*/g, " ")).to.include("clients must already hold every intermediate and the root");
    expect(count(out.stdout, keyId)).to.be.at.least(2);
  });

  it("a secondary error keeps its message by default; only the headline's is left to In short", async () => {
    const e = loadScenario("expired-leaf-missing-root");
    const out = await runCli(["verify", join(e.dir, "presented.pem"), "--ca-file", join(e.dir, "trust.pem"), "--host", e.host!, "--at", "2030-01-01T00:00:00Z", "--no-color"]);
    const findings = out.stdout.slice(out.stdout.indexOf("Findings"), out.stdout.indexOf("What to do:"));
    expect(findings).to.include("ERROR  EXPIRED  Certificate expired\n  ERROR  ISSUER_NOT_FOUND");
    expect(findings).to.include("is neither presented by the server nor in the trust store");
    expect(count(out.stdout, "expired on 2029-12-01")).to.equal(1);
  });
});
