/** `chaincheck demo` (the README's main-job command): runs as designed, prints both reports, leaves nothing running. */
import { expect } from "chai";
import { runCli } from "./support/cli.js";

describe("chaincheck demo", () => {
  it("diagnoses a trusted TabPy-like server and a leaf-only Rserve-like server, then exits 0", async () => {
    const out = await runCli(["demo", "--no-color"], { now: () => new Date() });
    expect(out.code, out.stderr).to.equal(0);
    expect(out.stderr).to.match(/TabPy-like server on 127\.0\.0\.1:\d+ .* Rserve-like server on 127\.0\.0\.1:\d+/);
    const [tabpy, rserve] = out.stdout.split(/\n(?=127\.0\.0\.1:\d+ )/);
    expect(tabpy).to.match(/^127\.0\.0\.1:\d+ \(TabPy\)\s+PASS/);
    expect(rserve).to.match(/^127\.0\.0\.1:\d+ \(Rserve\)\s+FAIL/);
    expect(rserve).to.include("ISSUER_NOT_FOUND").and.include("LEAF_ONLY").and.include("tls.ca");
    expect(rserve).to.match(/Proof \(verified\): After installing "CN=chaincheck demo Issuing CA/);
  });

  it("--format json gives both results; the servers' ports are closed afterwards", async () => {
    const out = await runCli(["demo", "--format", "json"], { now: () => new Date() });
    expect(out.code).to.equal(0);
    const results = (JSON.parse(out.stdout) as { results: { target: string; service: string; trusted: boolean; chainKind: string }[] }).results;
    expect(results.map((r) => [r.service, r.trusted, r.chainKind])).to.deep.equal([["tabpy", true, "full"], ["rserve", false, "leaf-only"]]);
    for (const r of results) {
      const probe = await runCli([r.target, "--timeout", "1000", "--format", "json", "--ca-file", "fixtures/ca/root.pem"]);
      expect(JSON.parse(probe.stdout).results[0].headline).to.equal("CONNECTION_REFUSED");
    }
  });
});
