/**
 * The anchor advisor (issue 3): per scenario, the install set (roles and fingerprints), the
 * partial-chain set and the what-if; golden commands per target OS; --save-anchors files; and a
 * cross-check of every proven advice with `openssl verify`.
 */
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Certificate } from "../src/types.js";
import { checkChain } from "../src/result/chain-result.js";
import { TARGET_OSES, type TargetOs } from "../src/advise/platforms.js";
import { platformFromOsRelease } from "../src/advise/platforms.js";
import { decodeCertificates } from "../src/input/decode.js";
import { encodePem } from "../src/cert/pem.js";
import type { ChainResult } from "../src/result/verdict.js";
import { anchorsOf, FIXTURES, loadScenario, readPemCerts, scenarioNames, type Scenario } from "./support/scenarios.js";
import { runCli } from "./support/cli.js";
import { expectGolden } from "./support/golden.js";
import { reportResult } from "../src/report/document.js";
import { sentBy } from "../src/result/presentation.js";

const CA = {
  root: readPemCerts(join(FIXTURES, "ca/root.pem"))[0]!,
  intermediate: readPemCerts(join(FIXTURES, "ca/intermediate.pem"))[0]!,
  otherRoot: readPemCerts(join(FIXTURES, "ca/other-root.pem"))[0]!,
};

interface Case {
  scenario: string;
  /** Override the scenario's trust store / held certificates. */
  trust?: Certificate[];
  held?: Certificate[];
  targetOs?: TargetOs;
}

function advise(c: Case): { s: Scenario; result: ChainResult } {
  const s = loadScenario(c.scenario);
  const { presented, unsent } = sentBy(s.service ?? null, s.presented);
  const held = c.held ?? [...unsent, ...s.intermediates];
  const result = reportResult(checkChain({
    target: s.name, service: s.service ?? (c.scenario.startsWith("leaf-only") ? "rserve" : "tabpy"), presented,
    anchors: anchorsOf(c.trust ?? s.trust), host: s.host, at: s.at, partialChain: s.partialChain, warnDays: 30,
    heldIntermediates: held, targetOs: c.targetOs ?? "debian",
  }));
  return { s, result };
}

/** Install set as [role, common name or "?" + subject for certificates chaincheck does not hold]. */
function installSet(result: ChainResult, certs: Certificate[], key: "install" | "partialChainInstall" = "install"): string[][] {
  return result.remediation[key].map((i) => [i.role, i.sha256 ? certs.find((c) => c.sha256 === i.sha256)!.commonNames[0]! : `?${i.subject}`]);
}

const ROOT = "Chaincheck Test Root";
const INT = "Chaincheck Test Intermediate";

/** Expected advice per scenario: install set, partial-chain set, what-if (null = nothing to install). */
const EXPECTED: Record<string, { install: string[][]; partial?: string[][]; verified: boolean | null }> = {
  "root-presented-untrusted": { install: [["root", ROOT]], verified: true },
  "self-signed-leaf": { install: [["leaf", "tabpy.chaincheck.test"]], verified: true },
  "full-chain-as-rserve": { install: [["intermediate", INT]], verified: true },
  "leaf-only-missing-intermediate": { install: [["intermediate", `?CN=${INT}, O=chaincheck`]], verified: false },
  "missing-root": { install: [["root", `?CN=${ROOT}, O=chaincheck`]], verified: false },
  "partial-anchor": { install: [["root", `?CN=${ROOT}, O=chaincheck`]], verified: false },
  "expired-leaf-missing-root": { install: [["root", `?CN=${ROOT}, O=chaincheck`]], verified: false },
  // The intermediate is missing (or only an undecodable copy of it is there): obtain it; a SHA-1 leaf still fails.
  "leaf-only-sha1-missing-intermediate": { install: [["intermediate", `?CN=${INT}, O=chaincheck`]], verified: false },
  "malformed-intermediate-utf8": { install: [["intermediate", `?CN=${INT}, O=chaincheck`]], verified: false },
  "unreadable-held-intermediate": { install: [["intermediate", `?CN=${INT}, O=chaincheck`]], verified: false },
};

describe("anchor advisor", () => {
  for (const name of scenarioNames()) {
    it(`${name}: install set, partial-chain set and what-if`, () => {
      const { s, result } = advise({ scenario: name });
      const certs = [...s.presented, ...s.trust, ...s.intermediates];
      const want = EXPECTED[name] ?? { install: [], verified: null };
      if (name === "issuer-loop") {
        expect(result.remediation.install.map((i) => i.role)).to.deep.equal(["root"]);
        expect(result.remediation.install[0]!.subject).to.include("above");
        return;
      }
      expect(installSet(result, certs)).to.deep.equal(want.install);
      expect(installSet(result, certs, "partialChainInstall")).to.deep.equal(want.partial ?? []);
      expect(result.remediation.verifiedAfterInstall).to.equal(want.verified);
      if (result.trusted) expect(result.remediation.steps).to.deep.equal([]);
      if (want.verified === true) expect(result.remediation.proof).to.match(/^After installing .* the chain validates for /);
      if (want.verified === false) expect(result.remediation.proof).to.match(/Not proven yet|still fails/);
    });
  }

  it("Rserve leaf only, intermediate held (--intermediates): installs the intermediate, proven", () => {
    const { result } = advise({ scenario: "leaf-only-missing-intermediate", held: [CA.intermediate] });
    expect(installSet(result, [CA.intermediate])).to.deep.equal([["intermediate", INT]]);
    expect(result.remediation.verifiedAfterInstall).to.equal(true);
    expect(result.remediation.serverSide.join(" ")).to.include("tls.ca");
  });

  it("Rserve leaf only, nothing trusted yet: root then intermediate; the intermediate alone is enough for partial-chain clients", () => {
    const { result } = advise({ scenario: "leaf-only-missing-intermediate", held: [CA.intermediate, CA.root], trust: [CA.otherRoot] });
    const certs = [CA.intermediate, CA.root];
    expect(installSet(result, certs)).to.deep.equal([["root", ROOT], ["intermediate", INT]]);
    expect(installSet(result, certs, "partialChainInstall")).to.deep.equal([["intermediate", INT]]);
    expect(result.remediation.verifiedAfterInstall).to.equal(true);
    expect(result.remediation.proof).to.include("Partial-chain clients only would also accept");
    expect(result.remediation.steps.join("\n")).to.include("works only for partial-chain clients");
  });

  it("Rserve leaf only, the intermediate in the client's own store (Windows CA, macOS System keychain): only the root is to install", () => {
    const s = loadScenario("leaf-only-missing-intermediate");
    const result = reportResult(checkChain({
      target: s.name, service: "rserve", presented: sentBy("rserve", s.presented).presented, anchors: anchorsOf([CA.otherRoot]), host: s.host, at: s.at,
      partialChain: false, warnDays: 30, heldIntermediates: [CA.root], storeIntermediates: [CA.intermediate], targetOs: "windows",
    }));
    expect(installSet(result, [CA.root])).to.deep.equal([["root", ROOT]]);
    expect(result.remediation.verifiedAfterInstall).to.equal(true);
    expect(result.remediation.steps.join("\n")).to.not.include("-addstore -f CA");
  });

  it("a failure no anchor fixes is named with what to reissue, and never claimed fixed", () => {
    const { result } = advise({ scenario: "wrong-host" });
    expect(result.remediation.install).to.deep.equal([]);
    expect(result.remediation.cannotFix[0]).to.match(/^HOSTNAME_MISMATCH: Reissue/);
    const both = advise({ scenario: "expired-leaf-missing-root" }).result;
    expect(both.remediation.verifiedAfterInstall).to.equal(false);
    expect(both.remediation.cannotFix.join()).to.include("EXPIRED");
  });

  describe("golden commands for every target OS", () => {
    const cases: Case[] = [
      { scenario: "root-presented-untrusted" },
      { scenario: "leaf-only-missing-intermediate", held: [CA.intermediate, CA.root], trust: [CA.otherRoot] },
      { scenario: "self-signed-leaf" },
    ];
    for (const c of cases) {
      for (const os of TARGET_OSES) {
        it(`${c.scenario} on ${os}`, () => {
          const { result } = advise({ ...c, targetOs: os });
          const r = result.remediation;
          const text = [
            `install: ${r.install.map((i) => `${i.role} ${i.subject}`).join(" | ")}`,
            ...r.steps, ...r.serverSide, `proof: ${r.proof}`, "",
          ].join("\n");
          expectGolden(`advice/${c.scenario}.${os}.txt`, text);
          if (os === "debian") expect(text).to.match(/\.crt \/usr\/local\/share\/ca-certificates\//);
          if (os === "rhel") expect(text).to.match(/\.pem \/etc\/pki\/ca-trust\/source\/anchors\/[\s\S]*update-ca-trust/);
          if (os === "windows") expect(text).to.match(/certutil -addstore -f Root/);
          if (os === "macos") expect(text).to.match(/add-trusted-cert -d -r trustRoot/);
        });
      }
    }
  });

  it("maps /etc/os-release to the right family", () => {
    const rows: [string, TargetOs | null][] = [
      ['ID="rhel"\nID_LIKE="fedora"', "rhel"], ["ID=amzn", "rhel"], ["ID=rocky\nID_LIKE=\"rhel centos fedora\"", "rhel"],
      ["ID=ubuntu\nID_LIKE=debian", "debian"], ["ID=debian", "debian"], ['ID="opensuse-leap"', "suse"], ["ID=sles", "suse"],
      ["ID=alpine", "alpine"], ["ID=linuxmint\nID_LIKE=\"ubuntu debian\"", "debian"], ["ID=plan9", null],
    ];
    for (const [text, want] of rows) expect(platformFromOsRelease(text), text).to.equal(want);
  });

  describe("--save-anchors", () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "chaincheck-anchors-"))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    for (const [os, ext] of [["debian", ".crt"], ["rhel", ".pem"], ["windows", ".crt"]] as const) {
      it(`writes PEM files named from CN + fingerprint with ${ext} and an install script (${os})`, async () => {
        const s = loadScenario("leaf-only-missing-intermediate");
        const out = await runCli([
          "verify", join(s.dir, "presented.pem"), "--service", "rserve", "--ca-file", join(FIXTURES, "ca/other-root.pem"),
          "--intermediates", join(FIXTURES, "ca/intermediate.pem"), "--intermediates", join(FIXTURES, "ca/root.pem"), "--host", "tabpy.chaincheck.test", "--at", "2030-01-01T00:00:00Z",
          "--target-os", os, "--save-anchors", dir, "--format", "json",
        ]);
        expect(out.code).to.equal(1);
        const files = readdirSync(dir).sort();
        const script = os === "windows" ? "install-anchors.cmd" : "install-anchors.sh";
        expect(files).to.include(script);
        const pems = files.filter((f) => f !== script);
        expect(pems).to.have.length(2);
        for (const f of pems) expect(f).to.match(new RegExp(`^chaincheck-test-(root|intermediate)-[0-9a-f]{8}\\${ext}$`));
        for (const f of pems) {
          const decoded = await decodeCertificates(readFileSync(join(dir, f)), { name: f });
          expect(decoded.format).to.equal("pem");
          expect(decoded.certificates).to.have.length(1);
        }
        const scriptText = readFileSync(join(dir, script), "utf8");
        for (const f of pems) expect(scriptText).to.include(f);
        if (os === "debian") {
          expect(scriptText).to.match(/update-ca-certificates/);
          expect(statSync(join(dir, script)).mode & 0o111).to.not.equal(0);
        }
        // Root before intermediate, as the advice orders them.
        expect(scriptText.indexOf("chaincheck-test-root")).to.be.lessThan(scriptText.indexOf("chaincheck-test-intermediate"));
      });
    }
  });

  describe("cross-check with openssl verify", () => {
    const opensslAvailable = existsSync("/usr/bin/openssl");
    const proven: Case[] = [
      { scenario: "root-presented-untrusted" },
      { scenario: "self-signed-leaf" },
      { scenario: "full-chain-as-rserve" },
      { scenario: "leaf-only-missing-intermediate", held: [CA.intermediate] },
      { scenario: "leaf-only-missing-intermediate", held: [CA.intermediate, CA.root], trust: [CA.otherRoot] },
    ];
    for (const c of proven) {
      it(`${c.scenario}${c.held ? ` (held ${c.held.length})` : ""}: openssl rejects before and accepts after installing the advice`, function () {
        if (!opensslAvailable) this.skip();
        const { s, result } = advise(c);
        expect(result.remediation.verifiedAfterInstall).to.equal(true);
        const dir = mkdtempSync(join(tmpdir(), "chaincheck-openssl-"));
        try {
          const { presented } = sentBy(s.service ?? null, s.presented);
          const pem = (certs: readonly Certificate[]) => certs.map((x) => encodePem(x.der)).join("");
          writeFileSync(join(dir, "leaf.pem"), pem(presented.slice(0, 1)));
          writeFileSync(join(dir, "untrusted.pem"), pem(presented.slice(1)));
          writeFileSync(join(dir, "before.pem"), pem(c.trust ?? s.trust));
          writeFileSync(join(dir, "after.pem"), pem(c.trust ?? s.trust) + result.remediation.install.map((i) => i.pem!).join(""));
          const verify = (ca: string) => {
            const args = ["verify", "-CAfile", join(dir, ca), "-attime", String(Math.floor(s.at.getTime() / 1000)), "-purpose", "sslserver", "-verify_hostname", s.host!];
            if (presented.length > 1) args.push("-untrusted", join(dir, "untrusted.pem"));
            try {
              execFileSync("/usr/bin/openssl", [...args, join(dir, "leaf.pem")], { stdio: "pipe" });
              return true;
            } catch {
              return false;
            }
          };
          expect(verify("before.pem"), "openssl before").to.equal(false);
          expect(verify("after.pem"), "openssl after").to.equal(true);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      });
    }
  });
});
