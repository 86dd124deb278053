/**
 * Headline ranking (issue 11): the headline (JSON `headline`, `-q`, JUnit, the first SARIF result) names the most
 * specific *trust* cause; a gate the user asked for (CHAIN_DIFFERS, PIN_MISMATCH, EXPIRES_TOO_SOON, warnings under
 * --fail-on warning) never outranks a validation error. The rule lives in the ranking itself (src/findings).
 */
import { expect } from "chai";
import { join } from "node:path";
import { FINDINGS } from "../src/words/findings.js";
import { headlineOf, isGate, sortFindings, type FindingCode } from "../src/findings/finding.js";
import { runCli } from "./support/cli.js";
import { SCENARIOS_DIR } from "./support/scenarios.js";

/** A finding as the catalog defines it (the wording does not matter to the ranking). */
const finding = (code: FindingCode) => ({ code, severity: FINDINGS[code].severity, message: code, remediation: "-", certificate: null });
const headline = (codes: FindingCode[]) => headlineOf(codes.map(finding))?.code ?? null;

const GATES: FindingCode[] = ["PIN_MISMATCH", "CHAIN_DIFFERS", "EXPIRES_TOO_SOON"];
const CODES = Object.keys(FINDINGS) as FindingCode[];

describe("headline ranking (src/findings)", () => {
  it("marks exactly the three gates", () => {
    expect(CODES.filter(isGate)).to.have.members(GATES);
  });

  /** [findings, expected headline]. */
  const ROWS: [FindingCode[], FindingCode | null][] = [
    [["PIN_MISMATCH", "EXPIRED"], "EXPIRED"],
    [["PIN_MISMATCH", "ISSUER_NOT_FOUND", "LEAF_ONLY"], "ISSUER_NOT_FOUND"],
    [["CHAIN_DIFFERS", "UNTRUSTED_ROOT"], "UNTRUSTED_ROOT"],
    [["EXPIRES_TOO_SOON", "PATH_BUDGET_EXCEEDED"], "PATH_BUDGET_EXCEEDED"],
    [["HOSTNAME_MISMATCH", "PIN_MISMATCH", "BAD_SIGNATURE"], "HOSTNAME_MISMATCH"],
    [["LEGACY_TLS_VERSION", "PIN_MISMATCH"], "LEGACY_TLS_VERSION"],
    [["EXPIRES_TOO_SOON", "CHAIN_DIFFERS", "PIN_MISMATCH"], "PIN_MISMATCH"],
    [["EXPIRES_TOO_SOON", "CHAIN_DIFFERS"], "CHAIN_DIFFERS"],
    [["EXPIRING_SOON", "EXPIRES_TOO_SOON"], "EXPIRES_TOO_SOON"],
    [["EXPIRING_SOON", "EXTRA_CERTIFICATE"], null],
    [["WEAK_SIGNATURE_ALGORITHM", "ISSUER_NOT_FOUND"], "WEAK_SIGNATURE_ALGORITHM"],
  ];
  for (const [codes, want] of ROWS) {
    it(`${codes.join(" + ")} -> ${want ?? "no headline"}`, () => expect(headline(codes)).to.equal(want));
  }

  it("every gate loses against every error that is not a gate, in either order", () => {
    const errors = CODES.filter((c) => FINDINGS[c].severity === "error" && !isGate(c));
    expect(errors.length).to.be.greaterThan(25);
    const wrong = GATES.flatMap((g) => errors.flatMap((e) => [[g, e], [e, g]].filter((pair) => headline(pair as FindingCode[]) !== e).map((p) => p.join(" + "))));
    expect(wrong).to.deep.equal([]);
  });

  it("orders the list the same way: trust errors, then gates, then warnings, then info", () => {
    const sorted = sortFindings(["LEAF_ONLY", "EXPIRING_SOON", "PIN_MISMATCH", "ISSUER_NOT_FOUND", "EXPIRES_TOO_SOON", "EXPIRED"].map((c) => finding(c as FindingCode)));
    expect(sorted.map((f) => f.code)).to.deep.equal(["EXPIRED", "ISSUER_NOT_FOUND", "PIN_MISMATCH", "EXPIRES_TOO_SOON", "EXPIRING_SOON", "LEAF_ONLY"]);
  });
});

describe("headline ranking through the CLI: JSON, -q, JUnit and SARIF name the trust cause", () => {
  const WRONG_PIN = "00".repeat(32);
  const verify = (scenario: string, ...extra: string[]) => {
    const dir = join(SCENARIOS_DIR, scenario);
    return (format: string, ...more: string[]) =>
      runCli(["verify", join(dir, "presented.pem"), "--ca-file", join(dir, "trust.pem"), "--at", "2030-01-01T00:00:00Z", "--host", "tabpy.chaincheck.test", ...extra, ...more, "--format", format]);
  };
  const headlineOfJson = async (run: ReturnType<typeof verify>) => {
    const out = await run("json");
    const result = (JSON.parse(out.stdout) as { results: { headline: string | null; findings: { code: string }[] }[] }).results[0]!;
    return { code: out.code, headline: result.headline, codes: result.findings.map((f) => f.code) };
  };

  it("an expired leaf that also misses its --expect-fingerprint pin: EXPIRED everywhere", async () => {
    const run = verify("expired-leaf", "--expect-fingerprint", WRONG_PIN);
    const json = await headlineOfJson(run);
    expect([json.code, json.headline, json.codes.includes("PIN_MISMATCH")]).to.deep.equal([1, "EXPIRED", true]);
    expect((await runCli(["verify", join(SCENARIOS_DIR, "expired-leaf", "presented.pem"), "--ca-file", join(SCENARIOS_DIR, "expired-leaf", "trust.pem"),
      "--at", "2030-01-01T00:00:00Z", "--host", "tabpy.chaincheck.test", "--expect-fingerprint", WRONG_PIN, "-q"])).stdout).to.match(/FAIL .*\(EXPIRED\)\n$/);
    expect((await run("junit")).stdout).to.include('<failure type="EXPIRED"');
    const sarif = JSON.parse((await run("sarif")).stdout) as { runs: { results: { ruleId: string }[] }[] };
    expect(sarif.runs[0]!.results.map((r) => r.ruleId).slice(0, 2)).to.deep.equal(["EXPIRED", "PIN_MISMATCH"]);
  });

  it("a bad signature under --min-days: BAD_SIGNATURE, not EXPIRES_TOO_SOON", async () => {
    const json = await headlineOfJson(verify("bad-signature", "--min-days", "36500"));
    expect([json.code, json.headline, json.codes.includes("EXPIRES_TOO_SOON")]).to.deep.equal([1, "BAD_SIGNATURE", true]);
  });

  it("a trusted chain that fails only a gate: the gate is the headline", async () => {
    const json = await headlineOfJson(verify("ok", "--expect-fingerprint", WRONG_PIN));
    expect([json.code, json.headline]).to.deep.equal([1, "PIN_MISMATCH"]);
  });

  it("--fail-on warning: warnings fail the run but never take the headline from a validation error", async () => {
    const onlyWarnings = await headlineOfJson(verify("expiring-soon", "--fail-on", "warning"));
    expect([onlyWarnings.code, onlyWarnings.headline]).to.deep.equal([1, null]);
    const withError = await headlineOfJson(verify("expired-intermediate", "--fail-on", "warning", "--warn-days", "36500"));
    expect(withError.codes).to.include("EXPIRING_SOON");
    expect([withError.code, withError.headline]).to.deep.equal([1, "EXPIRED"]);
  });
});
