/**
 * The scenario table (fixtures/scenarios/*: Go's verifyTests as data): every scenario's verdict,
 * headline, finding codes and path, plus golden text and JSON output of `chaincheck verify` with the exit code.
 */
import { expect } from "chai";
import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import { checkChain } from "../src/result/chain-result.js";
import { FINDINGS } from "../src/words/findings.js";
import { anchorsOf, loadScenario, scenarioNames, type Scenario } from "./support/scenarios.js";
import { runCli } from "./support/cli.js";
import { expectGolden } from "./support/golden.js";
import { reportResult } from "../src/report/document.js";
import { sentBy } from "../src/result/presentation.js";

function check(s: Scenario) {
  const { presented, unsent } = sentBy(s.service ?? null, s.presented);
  const held = [...unsent, ...s.intermediates];
  return reportResult(checkChain({
    target: s.name, service: s.service ?? null, presented, anchors: anchorsOf(s.trust), host: s.host, at: s.at,
    partialChain: s.partialChain, warnDays: 30, heldIntermediates: held, targetOs: "debian",
  }));
}

/** The verify command line a user would type for this scenario (paths relative to the repo root). */
export function verifyArgs(s: Scenario, format: "text" | "json"): string[] {
  const rel = (file: string) => relative(process.cwd(), join(s.dir, file));
  return [
    "verify", rel("presented.pem"), "--ca-file", rel("trust.pem"), "--at", s.at.toISOString(), "--target-os", "debian",
    ...(s.host ? ["--host", s.host] : []),
    ...(s.service ? ["--service", s.service] : []),
    ...(s.partialChain ? ["--partial-chain"] : []),
    ...(existsSync(join(s.dir, "intermediates.pem")) ? ["--intermediates", rel("intermediates.pem")] : []),
    "--format", format, "--no-color",
  ];
}

describe("scenario table (fixtures/scenarios)", () => {
  const names = scenarioNames();
  const codesSeen = new Set<string>();

  it("has scenarios", () => expect(names.length).to.be.greaterThan(40));

  for (const name of names) {
    describe(name, () => {
      const s = loadScenario(name);
      const result = check(s);
      for (const f of result.findings) codesSeen.add(f.code);
      it(`verdict, headline and codes: ${s.description}`, () => {
        expect(result.trusted, "trusted").to.equal(s.expect.trusted);
        expect(result.chainKind, "chainKind").to.equal(s.expect.chainKind);
        expect(result.headline, "headline").to.equal(s.expect.headline);
        const codes = [...new Set(result.findings.map((f) => f.code))].filter((c) => c !== "HOSTNAME_NOT_CHECKED").sort();
        expect(codes, "codes").to.deep.equal([...s.expect.codes].sort());
      });
      it("path (leaf to anchor, by common name)", () => {
        const cn = (sha: string) => [...s.presented, ...s.trust, ...s.intermediates].find((c) => c.sha256 === sha)!.commonNames[0];
        expect(result.path ? result.path.map(cn) : null).to.deep.equal(s.expect.path);
      });
      it("every finding names its certificate and says what to do", () => {
        for (const f of result.findings) {
          expect(f.message.length).to.be.greaterThan(10);
          expect(f.remediation.length).to.be.greaterThan(10);
          if (f.certificate) expect(f.message).to.include(f.certificate.slice(0, 16));
        }
      });
      it("golden text and JSON output of `chaincheck verify`, with the exit code", async () => {
        for (const format of ["text", "json"] as const) {
          const args = verifyArgs(s, format);
          const out = await runCli(args);
          expect(out.code, out.stderr).to.equal(s.expect.trusted ? 0 : 1);
          expectGolden(`scenarios/${name}.${format === "text" ? "txt" : "json"}`, `$ chaincheck ${args.join(" ")}\n${out.stdout}${out.stderr ? `[stderr]\n${out.stderr}` : ""}Exit code: ${out.code}\n`);
        }
      });
    });
  }

  after("covers every chain-level finding code", () => {
    const chainCodes = Object.keys(FINDINGS).filter((c) => !PROBE_CODES.has(c) && c !== "HOSTNAME_NOT_CHECKED" && c !== "MALFORMED_CERTIFICATE");
    expect(chainCodes.filter((c) => !codesSeen.has(c))).to.deep.equal([]);
  });
});

/** Codes that need a live server, a policy option or a container file: covered by live, probe, credentials, policy, input, trust-store (run-deps) and tableau tests. */
const PROBE_CODES = new Set([
  "CONNECTION_REFUSED", "CONNECTION_TIMEOUT", "DNS_ERROR", "CONNECTION_RESET", "NOT_TLS", "TLS_HANDSHAKE_FAILED",
  "LEGACY_TLS_VERSION", "OPENSSL_DISAGREES", "SERVICE_MISMATCH", "CHAIN_TOO_LARGE", "CERTIFICATE_CHANGED",
  "AUTH_OK", "AUTH_FAILED", "AUTH_NOT_ENABLED", "AUTH_REQUIRED", "AUTH_NOT_CHECKED", "CREDENTIALS_SENT_UNTRUSTED",
  "PIN_MISMATCH", "CHAIN_DIFFERS", "EXPIRES_TOO_SOON", "AIA_FETCH_FAILED", "INPUT_NOTE", "TRUST_STORE_NOTE",
  "TABLEAU_SSL_DISABLED", "TABLEAU_EXTENSIONS_DISABLED",
]);

