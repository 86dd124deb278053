/**
 * Policies (src/policy) as pure functions over real `ChainVerdict`s: --min-days, pins, --expect-same-chain, and the
 * invariant every policy keeps (status, headline and order recomputed as the checks compute them).
 */
import { expect } from "chai";
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { emptyRemediation } from "../src/advise/advise.js";
import { checkCertificates } from "../src/app/library.js";
import { headlineOf, sortFindings } from "../src/findings/finding.js";
import { statusOf, type ChainVerdict } from "../src/result/verdict.js";
import { reportFinding } from "../src/report/document.js";
import { chainDifferenceWords } from "../src/words/findings.js";
import {
  applyPolicies, canonicalRdns, chainDifference, checkMinDays, checkPins, checkSameChain, NO_POLICY, sameDistinguishedName,
} from "../src/policy/index.js";

const CA = "fixtures/ca";
const read = (path: string) => readFileSync(path, "utf8");
const certs = {
  leaf: read(join(CA, "leaf.pem")),
  intermediate: read(join(CA, "intermediate.pem")),
  root: read(join(CA, "root.pem")),
  other: read(join(CA, "other-intermediate.pem")),
};
const AT = new Date("2030-01-01T00:00:00Z");
const sha = (pem: string) => new X509Certificate(pem).fingerprint256.replace(/:/g, "").toLowerCase();

function check(chain: string[], at = AT, options: { warnDays?: number } = {}): Promise<ChainVerdict> {
  return checkCertificates({ leaf: chain[0]!, intermediates: chain.slice(1), anchors: [certs.root], host: "tabpy.chaincheck.test", at, targetOs: "debian", ...options });
}

/** The invariant: a policy's output is what the checks would compute from its findings. */
function expectConsistent(result: ChainVerdict): void {
  expect(result.findings).to.deep.equal(sortFindings(result.findings));
  expect(result.status).to.equal(statusOf(result.trusted, result.findings));
  expect(result.headline).to.equal(headlineOf(result.findings)?.code ?? null);
}

const codes = (r: ChainVerdict) => r.findings.map((f) => f.code);

/** A result for a target that could not be checked (the shape liveResult gives a probe error). */
function errorResult(target: string): ChainVerdict {
  return {
    target, service: null, host: null, chainKind: null, presented: [], path: null, builtPath: null, trustStore: "test", verifierModel: "strict",
    checkedAt: AT.toISOString(), trusted: false, status: "error", headline: "CONNECTION_REFUSED",
    findings: [{ code: "CONNECTION_REFUSED", severity: "error", certificate: null, evidence: { kind: "refused", endpoint: target, port: 1 } }],
    remediation: emptyRemediation("debian"),
  };
}

describe("policies", () => {
  let full: ChainVerdict;
  before(async () => {
    full = await check([certs.leaf, certs.intermediate]);
    expect(full.status).to.equal("pass");
  });

  describe("RFC 4514 names for --expect-issuer", () => {
    const rows: [string, string, boolean][] = [
      ["CN=Chaincheck Test Intermediate, O=chaincheck", "CN=Chaincheck Test Intermediate, O=chaincheck", true],
      ["CN=Chaincheck Test Intermediate, O=chaincheck", "cn=chaincheck test intermediate,o=CHAINCHECK", true],
      ["CN=Chaincheck Test Intermediate, O=chaincheck", "  CN = Chaincheck   Test Intermediate ,  O = chaincheck ", true],
      ["CN=A\\, B, O=x", "cn=a\\,  b,o=X", true],
      ["CN=A\\, B, O=x", "CN=A, B=, O=x", false],
      ["CN=a+OU=b, O=x", "cn=a + ou=b, o=x", true],
      ["CN=Chaincheck Test Intermediate, O=chaincheck", "O=chaincheck, CN=Chaincheck Test Intermediate", false],
      ["CN=Chaincheck Test Intermediate, O=chaincheck", "CN=Chaincheck Test Intermediate", false],
      ["CN=Chaincheck Test Intermediate, O=chaincheck", "CN=Chaincheck Test Intermediate 2, O=chaincheck", false],
    ];
    for (const [a, b, same] of rows) {
      it(`${JSON.stringify(a)} ${same ? "==" : "!="} ${JSON.stringify(b)}`, () => {
        expect(sameDistinguishedName(a, b)).to.equal(same);
      });
    }
    it("keeps escapes and multi-valued RDNs as written", () => {
      expect(canonicalRdns("CN=A\\, B + OU=Ops, O=Corp")).to.deep.equal(["cn=a\\, b+ou=ops", "o=corp"]);
    });
  });

  describe("--min-days (checkMinDays)", () => {
    const rows: { name: string; at: string; minDays: number; flagged: (keyof typeof certs)[] }[] = [
      { name: "off (0)", at: "2049-12-30T00:00:00Z", minDays: 0, flagged: [] },
      { name: "plenty of days left", at: "2030-01-01T00:00:00Z", minDays: 365, flagged: [] },
      { name: "exactly the minimum left", at: "2049-12-01T00:00:00Z", minDays: 30, flagged: [] },
      { name: "one day short: leaf, intermediate and store root", at: "2049-12-01T00:00:00Z", minDays: 31, flagged: ["leaf", "intermediate", "root"] },
    ];
    for (const row of rows) {
      it(`${row.name} -> ${row.flagged.length} EXPIRES_TOO_SOON`, async () => {
        const base = await check([certs.leaf, certs.intermediate], new Date(row.at));
        const out = checkMinDays(base, row.minDays);
        expectConsistent(out);
        const flagged = out.findings.filter((f) => f.code === "EXPIRES_TOO_SOON");
        expect(flagged.map((f) => f.certificate)).to.have.members(row.flagged.map((name) => sha(certs[name])));
        for (const f of flagged) expect(reportFinding(f).message).to.include(f.certificate!.slice(0, 16)).and.include(`${row.minDays} day(s)`);
        if (row.flagged.length === 0) expect(out).to.equal(base);
        else {
          expect(out.status).to.equal("fail");
          expect(out.trusted, "the chain verdict is unchanged").to.equal(true);
          expect(codes(out)).to.not.include("EXPIRING_SOON");
        }
      });
    }

    it("keeps EXPIRING_SOON of certificates it does not flag, and leaves EXPIRED certificates to EXPIRED", async () => {
      // warnDays 10000 warns about every certificate; minDays 1 flags none (7304 days left).
      const warned = await check([certs.leaf, certs.intermediate], AT, { warnDays: 10000 });
      expect(codes(checkMinDays(warned, 1)).filter((c) => c === "EXPIRING_SOON")).to.have.length(3);
      const expired = await check([certs.leaf, certs.intermediate], new Date("2050-06-01T00:00:00Z"));
      const out = checkMinDays(expired, 30);
      expect(codes(out)).to.include("EXPIRED").and.not.include("EXPIRES_TOO_SOON");
    });

    it("is idempotent and leaves error results alone", () => {
      const once = checkMinDays({ ...full, checkedAt: "2049-12-25T00:00:00.000Z" }, 30);
      expect(checkMinDays(once, 30)).to.deep.equal(once);
      const error = errorResult("127.0.0.1:1");
      expect(checkMinDays(error, 30)).to.equal(error);
    });
  });

  describe("pins (checkPins)", () => {
    const rows: { name: string; pins: Parameters<typeof checkPins>[1]; mismatches: number }[] = [
      { name: "no pins", pins: {}, mismatches: 0 },
      { name: "issuer matches", pins: { issuer: "CN=Chaincheck Test Intermediate, O=chaincheck" }, mismatches: 0 },
      { name: "issuer differs", pins: { issuer: "CN=Other CA" }, mismatches: 1 },
      { name: "leaf fingerprint", pins: { fingerprints: [sha(certs.leaf)] }, mismatches: 0 },
      { name: "intermediate fingerprint", pins: { fingerprints: [sha(certs.intermediate)] }, mismatches: 0 },
      { name: "store root fingerprint", pins: { fingerprints: [sha(certs.root)] }, mismatches: 0 },
      { name: "unknown fingerprint", pins: { fingerprints: ["ab".repeat(32)] }, mismatches: 1 },
      { name: "one of two fingerprints", pins: { fingerprints: ["ab".repeat(32), sha(certs.leaf)] }, mismatches: 0 },
      { name: "both pins wrong: two findings", pins: { issuer: "CN=x", fingerprints: ["ab".repeat(32)] }, mismatches: 2 },
    ];
    for (const row of rows) {
      it(`${row.name} -> ${row.mismatches} PIN_MISMATCH`, () => {
        const out = checkPins(full, row.pins);
        expectConsistent(out);
        expect(codes(out).filter((c) => c === "PIN_MISMATCH")).to.have.length(row.mismatches);
        expect(out.status).to.equal(row.mismatches ? "fail" : "pass");
        if (row.mismatches) expect(out.headline).to.equal("PIN_MISMATCH");
      });
    }

    it("names the leaf for an issuer mismatch and the pinned fingerprints for a fingerprint mismatch", () => {
      const out = checkPins(full, { issuer: "CN=Corp CA", fingerprints: ["ab".repeat(32)] });
      const [issuer, fingerprint] = ["issuer", "fingerprint"].map((k) => out.findings.find((f) => f.code === "PIN_MISMATCH" && reportFinding(f).message.includes(k === "issuer" ? "--expect-issuer" : "--expect-fingerprint"))!);
      expect(issuer!.certificate).to.equal(full.presented[0]!.sha256);
      expect(reportFinding(issuer!).message).to.include("CN=Chaincheck Test Intermediate, O=chaincheck").and.include("CN=Corp CA");
      expect(fingerprint!.certificate).to.equal(null);
      expect(reportFinding(fingerprint!).message).to.include("abababababababab").and.include("3 checked");
    });

    it("leaves error results alone", () => {
      const error = errorResult("127.0.0.1:1");
      expect(checkPins(error, { issuer: "CN=x", fingerprints: ["ab".repeat(32)] })).to.equal(error);
    });
  });

  describe("--expect-same-chain (checkSameChain)", () => {
    let leafOnly: ChainVerdict;
    let withRoot: ChainVerdict;
    let reordered: ChainVerdict;
    before(async () => {
      leafOnly = { ...(await check([certs.leaf])), target: "b:9004" };
      withRoot = { ...(await check([certs.leaf, certs.intermediate, certs.root])), target: "c:9004" };
      reordered = { ...(await check([certs.leaf, certs.root, certs.intermediate])), target: "d:9004" };
    });
    const a = (n: number) => ({ ...full, target: `a${n}:9004` });

    it("flags only the targets that differ from the majority, in input order", () => {
      const out = checkSameChain([leafOnly, a(1), a(2), withRoot]);
      expect(out.map((r) => r.target)).to.deep.equal(["b:9004", "a1:9004", "a2:9004", "c:9004"]);
      expect(out.map((r) => codes(r).includes("CHAIN_DIFFERS"))).to.deep.equal([true, false, false, true]);
      for (const r of out) expectConsistent(r);
      const differs = out[0]!.findings.find((f) => f.code === "CHAIN_DIFFERS")!;
      expect(reportFinding(differs).message).to.include("a1:9004").and.include("2 other target(s)").and.include("does not send").and.include("Chaincheck Test Intermediate");
    });

    it("on a tie, the earliest target's chain is the reference; one chain: nothing to say", () => {
      const out = checkSameChain([a(1), leafOnly]);
      expect(codes(out[0]!)).to.not.include("CHAIN_DIFFERS");
      expect(codes(out[1]!)).to.include("CHAIN_DIFFERS");
      expect(checkSameChain([a(1), a(2)])).to.deep.equal([a(1), a(2)]);
    });

    it("ignores targets that could not be checked", () => {
      const error = errorResult("dead:9004");
      const out = checkSameChain([error, a(1), error]);
      expect(out).to.deep.equal([error, a(1), error]);
    });

    const diffRows: { name: string; mine: () => ChainVerdict; expect: RegExp }[] = [
      { name: "missing intermediate", mine: () => leafOnly, expect: /does not send "CN=Chaincheck Test Intermediate.*it sends 1 certificate\(s\), they send 2/ },
      { name: "extra root", mine: () => withRoot, expect: /also sends "CN=Chaincheck Test Root/ },
      { name: "root sent between leaf and intermediate", mine: () => reordered, expect: /also sends "CN=Chaincheck Test Root/ },
    ];
    for (const row of diffRows) {
      it(`describes the difference: ${row.name}`, () => {
        expect(chainDifferenceWords(chainDifference(row.mine().presented, full.presented))).to.match(row.expect);
      });
    }
    it("describes a different order of the same certificates, a repeat, and a different leaf", () => {
      const [l, i, r] = withRoot.presented;
      expect(chainDifferenceWords(chainDifference([l!, r!, i!], [l!, i!, r!]))).to.match(/same certificates in another order/);
      expect(chainDifferenceWords(chainDifference([l!, i!, i!], [l!, i!]))).to.match(/a certificate is repeated/);
      expect(chainDifferenceWords(chainDifference([i!], [l!]))).to.match(/^its leaf is "CN=Chaincheck Test Intermediate/);
    });
  });

  describe("applyPolicies", () => {
    it("NO_POLICY changes nothing", () => {
      expect(applyPolicies([full], NO_POLICY)).to.deep.equal([full]);
    });
    it("applies per-target policies, then the fleet one, and stays consistent", async () => {
      const leafOnly = { ...(await check([certs.leaf])), target: "b:9004" };
      const out = applyPolicies([full, leafOnly, full], { minDays: 7305, issuer: "CN=Chaincheck Test Intermediate, O=chaincheck", fingerprints: [], expectSameChain: true });
      for (const r of out) expectConsistent(r);
      expect(codes(out[0]!)).to.include("EXPIRES_TOO_SOON").and.not.include("CHAIN_DIFFERS");
      expect(codes(out[1]!)).to.include("CHAIN_DIFFERS").and.include("ISSUER_NOT_FOUND");
    });
  });
});
