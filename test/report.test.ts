/**
 * The human report (issue 8): layout per target, goldens with colour forced, --quiet and --verbose,
 * live and error results, the colour decision (TTY, NO_COLOR, FORCE_COLOR, --no-color), extension
 * details, and --help / usage errors. The colour-off goldens of every scenario are in scenarios.test.ts.
 */
import { expect } from "chai";
import { join, relative } from "node:path";
import { checkChain } from "../src/result/chain-result.js";
import { emptyRemediation } from "../src/advise/advise.js";
import { makeFinding } from "../src/findings/finding.js";
import type { ChainResult, ConnectionInfo } from "../src/result/verdict.js";
import { renderQuietLine, renderResultText, PLAIN } from "../src/report/text.js";
import { wrap } from "../src/report/layout.js";
import { certificateDetails } from "../src/report/cert-details.js";
import { encodePem } from "../src/cert/pem.js";
import { generateKey, issueCertificate } from "../src/pki/issue.js";
import { formatUsageError, HELP } from "../src/cli/help.js";
import { VERSION } from "../src/cli/version.js";
import { anchorsOf, loadScenario, type Scenario } from "./support/scenarios.js";
import { runCli } from "./support/cli.js";
import { expectGolden } from "./support/golden.js";
import { reportResult } from "../src/report/document.js";
import { sentBy } from "../src/result/presentation.js";

const ESC = "\u001b";
const stripAnsi = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, "");

/** `chaincheck verify` arguments for a scenario, as a user would type them (paths relative to the repo). */
function verifyArgs(s: Scenario, ...extra: string[]): string[] {
  const rel = (file: string) => relative(process.cwd(), join(s.dir, file));
  return [
    "verify", rel("presented.pem"), "--ca-file", rel("trust.pem"), "--at", s.at.toISOString(), "--target-os", "debian",
    ...(s.host ? ["--host", s.host] : []), ...(s.service ? ["--service", s.service] : []), ...(s.partialChain ? ["--partial-chain"] : []),
    ...extra,
  ];
}

function resultOf(name: string, target = name, service?: "rserve" | "tabpy"): ChainResult {
  const s = { ...loadScenario(name), ...(service ? { service } : {}) };
  const { presented, unsent } = sentBy(s.service ?? null, s.presented);
  return reportResult(checkChain({
    target, service: s.service ?? null, presented, anchors: anchorsOf(s.trust), host: s.host, at: s.at, partialChain: s.partialChain,
    warnDays: 30, heldIntermediates: unsent, targetOs: "debian",
  }));
}

const transcript = (args: readonly string[], out: { stdout: string; code: number }) => `$ chaincheck ${args.join(" ")}\n${out.stdout}Exit code: ${out.code}\n`;

describe("text report: layout", () => {
  it("puts headline, context, in short, chain, path, findings, what to do and proof in that order", () => {
    const text = renderResultText(resultOf("leaf-only-missing-intermediate", "rserve.pem", "rserve"), { palette: PLAIN });
    const order = ["FAIL  not trusted: Issuer not found (ISSUER_NOT_FOUND)", "host name", "In short:", "Presented chain", "Path built", "Findings", "What to do:", "Proof (not verified):"];
    const positions = order.map((s) => text.indexOf(s));
    expect(positions, text).to.not.include(-1);
    expect([...positions].sort((a, b) => a - b)).to.deep.equal(positions);
    const flat = text.replace(/\s*\n\s*/g, " ");
    expect(flat).to.include("Rserve sends only the first certificate of its tls.cert file, so it will send the leaf only");
    expect(flat).to.include("make Rserve send the chain (tls.ca in Rserv.conf)");
    expect(text).to.not.include("BEGIN CERTIFICATE");
  });

  it("draws the presented chain in wire order with word markers, and the path up to the anchor", () => {
    const text = renderResultText(resultOf("wrong-order"), { palette: PLAIN });
    expect(text).to.match(/├─ #1 leaf {2}CN=Chaincheck Test Server/);
    expect(text).to.match(/├─ #2 root {2}CN=Chaincheck Test Root, O=chaincheck {2}\[self-signed, trust anchor, CHAIN_ORDER\]/);
    expect(text).to.match(/└─ #3 intermediate/);
    expect(text).to.include("└─ CN=Chaincheck Test Root, O=chaincheck  (sent as #2)  [trust anchor]");
    expect(text).to.include("3 certificates: the leaf, 1 intermediate and a root");
  });

  it("marks expired, not-on-path certificates and names the missing issuer", () => {
    expect(renderResultText(resultOf("expired-intermediate"), { palette: PLAIN })).to.match(/#2 intermediate .*\[EXPIRED\]\n.*\n.*expired 185 days ago/);
    expect(renderResultText(resultOf("extra-certificate"), { palette: PLAIN })).to.include("Other Intermediate, O=chaincheck  [not on the path]");
    expect(renderResultText(resultOf("missing-root"), { palette: PLAIN })).to.match(/└─ missing: CN=Chaincheck Test Root, O=chaincheck {2}\(not sent, not in the trust store\)/);
  });

  it("orders findings by severity, then rank (most specific first)", () => {
    const text = renderResultText(resultOf("expired-leaf-missing-root"), { palette: PLAIN });
    expect(text.indexOf("ERROR  EXPIRED")).to.be.greaterThan(0).and.lessThan(text.indexOf("ERROR  ISSUER_NOT_FOUND"));
  });

  it("shows the live connection: protocol, cipher, OCSP, service, OpenSSL's verdict, wire order (golden)", () => {
    const connection: ConnectionInfo = {
      endpoint: "192.0.2.10:6311", order: "wire", protocol: "TLSv1.3", cipher: "TLS_AES_256_GCM_SHA384", ocspStapled: false,
      servername: "rserve.chaincheck.test", serviceDetail: "Rserve 0103 QAP1 (TLS)",
      openssl: { authorized: false, reason: "UNABLE_TO_VERIFY_LEAF_SIGNATURE: unable to verify the first certificate", comparison: "agrees" }, elapsedMs: 12,
    };
    const result: ChainResult = { ...resultOf("leaf-only-missing-intermediate", "rserve.chaincheck.test:6311", "rserve"), connection };
    const text = renderResultText(result, { palette: PLAIN });
    expect(text).to.include("The server sent the leaf only");
    expect(text).to.match(/OpenSSL {5}not trusted \(UNABLE_TO_VERIFY_LEAF_SIGNATURE: unable to verify the first certificate\);\s+agrees/);
    expect(text).to.include("TLS         TLSv1.3, TLS_AES_256_GCM_SHA384, no OCSP staple");
    expect(text).to.include("service     Rserve 0103 QAP1 (TLS)");
    expect(text).to.include("order       as sent on the wire");
    expectGolden("report/live-rserve.txt", text);
  });

  it("renders a probe error compactly, with the hint (golden)", () => {
    const result = reportResult({
      target: "tabpy.chaincheck.test:9004", service: null, host: "tabpy.chaincheck.test", chainKind: null, presented: [], path: null,
      builtPath: null, trustStore: "fixture trust store", verifierModel: "strict", checkedAt: "2030-01-01T00:00:00.000Z", trusted: false,
      status: "error", headline: "CONNECTION_REFUSED",
      findings: [makeFinding("CONNECTION_REFUSED", null, { kind: "refused", endpoint: "127.0.0.1:9004", port: 9004 })],
      remediation: emptyRemediation("debian"),
      connection: { endpoint: "127.0.0.1:9004", order: "wire", protocol: null, cipher: null, ocspStapled: null, servername: null, serviceDetail: null, openssl: null, elapsedMs: 1 },
    });
    const text = renderResultText(result, { palette: PLAIN });
    expect(renderQuietLine(result)).to.equal("tabpy.chaincheck.test:9004  ERROR  not checked: Connection refused (CONNECTION_REFUSED)\n");
    expectGolden("report/error.txt", text);
  });
});

describe("text report: goldens for colour, --quiet and --verbose", () => {
  it("colour forced (FORCE_COLOR=1): golden, and without its SGR codes it is the plain report", async () => {
    const s = loadScenario("leaf-only-missing-intermediate");
    const args = verifyArgs(s);
    const coloured = await runCli(args, { env: { FORCE_COLOR: "1" } });
    const plain = await runCli(args);
    expect(coloured.stdout).to.include(`${ESC}[31m`);
    expect(stripAnsi(coloured.stdout)).to.equal(plain.stdout);
    expectGolden("report/colour.txt", transcript([...args, "(FORCE_COLOR=1)"], coloured));
  });

  it("--quiet: one line per target, `target  STATUS  reason` (golden)", async () => {
    let all = "";
    for (const name of ["ok", "expiring-soon", "leaf-only-missing-intermediate", "wrong-host", "self-signed-leaf"]) {
      const args = verifyArgs(loadScenario(name), "--quiet");
      const out = await runCli(args);
      expect(out.stdout.split("\n").filter(Boolean)).to.have.length(1);
      expect(out.stdout).to.match(/^\S+ {2}(PASS|WARN|FAIL|ERROR) {2}\S.*\n$/);
      all += transcript(args, out);
    }
    expectGolden("report/quiet.txt", all);
  });

  it("--verbose: PEM blocks, extensions, full fingerprints (golden)", async () => {
    const args = verifyArgs(loadScenario("name-constraints-ok"), "--verbose", "--no-color");
    const out = await runCli(args);
    for (const s of ["-----BEGIN CERTIFICATE-----", "basic constraints", "CA, path length at most", "key usage", "extended key usage  serverAuth", "name constraints    permitted: DNS:chaincheck.test, IP:127.0.0.0/8", "subject key id", "Path-building attempts (1):"]) {
      expect(out.stdout, s).to.include(s);
    }
    expectGolden("report/verbose.txt", transcript(args, out));
  });

  it("--verbose shows the PEM of certificates to install; the default view does not", async () => {
    const s = loadScenario("root-presented-untrusted");
    const plain = (await runCli(verifyArgs(s))).stdout;
    const verbose = (await runCli(verifyArgs(s, "--verbose"))).stdout;
    expect(plain).to.not.include("BEGIN CERTIFICATE");
    expect(plain).to.include("--save-anchors DIR writes them");
    expect(verbose.split("BEGIN CERTIFICATE").length - 1).to.be.greaterThan(s.presented.length);
  });
});

describe("text report: colour only for a terminal", () => {
  const args = () => verifyArgs(loadScenario("expired-intermediate"));
  const cases: [string, Parameters<typeof runCli>[1], string[], boolean][] = [
    ["piped", {}, [], false],
    ["a terminal", { stdoutIsTTY: true }, [], true],
    ["a terminal with NO_COLOR=1", { stdoutIsTTY: true, env: { NO_COLOR: "1" } }, [], false],
    ["a terminal with --no-color", { stdoutIsTTY: true }, ["--no-color"], false],
    ["piped with FORCE_COLOR=1", { env: { FORCE_COLOR: "1" } }, [], true],
    ["a terminal with FORCE_COLOR=0", { stdoutIsTTY: true, env: { FORCE_COLOR: "0" } }, [], false],
  ];
  for (const [what, io, extra, coloured] of cases) {
    it(`${what}: ${coloured ? "coloured" : "plain"}, and the words are there either way`, async () => {
      const out = await runCli([...args(), ...extra], io);
      expect(out.stdout.includes(ESC), out.stdout.slice(0, 200)).to.equal(coloured);
      expect(stripAnsi(out.stdout)).to.include("FAIL").and.to.include("[EXPIRED]").and.to.include("ERROR  EXPIRED");
    });
  }
});

describe("text report: --verbose path-building attempts", () => {
  it("lists every attempt when the result carries `pathAttempts`, else says the path shown is the best one", () => {
    const base = resultOf("cross-signed");
    const { pathAttempts: _, ...withoutAttempts } = base;
    expect(renderResultText(withoutAttempts, { palette: PLAIN, verbose: true })).to.include("Path building: the path above is the one that best explains the verdict.");
    const certificates = base.builtPath!.certificates;
    const withAttempts = {
      ...base,
      pathAttempts: [
        { certificates, end: "anchored", findings: [] },
        { certificates: certificates.slice(0, 2), end: "untrusted-root", findings: ["EXPIRED"] },
      ],
    } as ChainResult;
    const text = renderResultText(withAttempts, { palette: PLAIN, verbose: true }).replace(/\s+/g, " ");
    expect(text).to.include("Path-building attempts (2): 1. CN=");
    expect(text).to.match(/ 1\. CN=\S+ \(presented\) -> .*: ends at a trust anchor; no error on its links 2\. CN=/);
    expect(text).to.include("(presented): ends at a root that is not in the trust store; EXPIRED Findings");
  });
});

describe("text report: helpers", () => {
  it("wraps prose at spaces with a hanging indent and keeps long words whole", () => {
    expect(wrap("aaa bbb ccc", "> ", "  ", 8)).to.deep.equal(["> aaa", "  bbb", "  ccc"]);
    expect(wrap("x".repeat(20), "- ", "  ", 10)).to.deep.equal([`- ${"x".repeat(20)}`]);
    expect(wrap("", "> ")).to.deep.equal(["> "]);
  });

  it("extension details read AIA, key ids and basic constraints back from the PEM", async () => {
    const key = await generateKey("p256");
    const issued = await issueCertificate({
      subject: "CN=aia.chaincheck.test", key, issuer: { subject: "CN=Some CA", key }, serial: "01",
      notBefore: new Date("2025-01-01T00:00:00Z"), notAfter: new Date("2030-01-01T00:00:00Z"), ca: false,
      dnsNames: ["aia.chaincheck.test"], caIssuersUrl: "http://pki.chaincheck.test/ca.crt",
    });
    const details = Object.fromEntries(certificateDetails(encodePem(issued.der)).map((d) => [d.label, d.value]));
    expect(details["AIA"]).to.equal("caIssuers http://pki.chaincheck.test/ca.crt");
    expect(details["basic constraints"]).to.equal("not a CA (critical)");
    expect(details["extended key usage"]).to.equal("serverAuth");
    expect(details["public key"]).to.equal("EC 256 bits P-256");
    expect(certificateDetails("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")[0]!.value).to.match(/^could not be decoded/);
  });
});

describe("--help, --version and usage errors", () => {
  for (const command of [[], ["check"], ["verify"]]) {
    it(`chaincheck ${[...command, "--help"].join(" ")}: examples and exit codes`, async () => {
      const out = await runCli([...command, "--help"]);
      expect(out.code).to.equal(0);
      expect(out.stdout).to.include("Examples:");
      if (command[0] !== "demo") {
        expect(out.stdout).to.match(/Exit codes:\n {2}0 .*\n {2}1 .*\n {2}2 .*\n {2}3 /);
        expect(out.stdout).to.match(/tabpy/i);
      }
    });
  }

  it("the demo help text says what it does and how it exits (run.ts attaches HELP.demo)", () => {
    expect(HELP.demo).to.include("Examples:").and.to.include("127.0.0.1");
  });

  it("the tool help has TabPy, Rserve, offline rollout and CI examples", async () => {
    const out = (await runCli(["--help"])).stdout;
    for (const s of ["chaincheck tabpy.corp.example", "--service rserve", "chaincheck verify", "--quiet --fail-on warning", "NO_COLOR"]) expect(out).to.include(s);
  });

  it("--version prints the package version", async () => {
    const out = await runCli(["--version"]);
    expect(out.stdout.trim()).to.equal(VERSION);
    expect(out.code).to.equal(0);
  });

  it("usage errors become one line starting `chaincheck:` with a hint", () => {
    expect(formatUsageError("error: unknown option '--bogus'\n(Did you mean --verbose?)")).to.equal(
      "chaincheck: unknown option '--bogus' (Did you mean --verbose?); see 'chaincheck --help'\n",
    );
  });

  it("errors the CLI reports today are one line starting `chaincheck:`", async () => {
    for (const argv of [["--bogus"], ["verify", "/nonexistent/x.pem"], ["verify"], ["--format", "xml", "x"]]) {
      const out = await runCli(argv);
      expect(out.code, argv.join(" ")).to.equal(2);
      expect(out.stderr, argv.join(" ")).to.match(/^chaincheck: [^\n]+\n$/);
    }
  });
});
