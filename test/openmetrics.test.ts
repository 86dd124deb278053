/**
 * `--format openmetrics` (issue 17): one gauge family per fact, values equal to the JSON report's, bounded and
 * escaped labels, `--output` written atomically, and every scenario (trusted, leaf-only, expired, unreachable,
 * Tableau connections, hostile names) accepted by promtool's 0.0.4 parser + lint and by its strict OpenMetrics parser.
 */
import { expect } from "chai";
import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync, chmodSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkChain } from "../src/result/chain-result.js";
import { parseCertificate } from "../src/cert/parse.js";
import { VERSION } from "../src/cli/version.js";
import type { ChainResult, ExtensionConnection } from "../src/result/verdict.js";
import { renderExposition } from "../src/report/exposition.js";
import { MAX_LABEL_LENGTH, renderOpenMetrics } from "../src/report/openmetrics.js";
import { safeText } from "../src/report/safe-text.js";
import { runCli } from "./support/cli.js";
import { parseExposition, samplesOf, valueOf, type ParsedExposition } from "./support/exposition.js";
import { makeHostileCertificate } from "./support/hostile-cert.js";
import { tlsServer } from "./support/hostile-servers.js";
import { checkMetrics, checkOpenMetricsStrict, promtoolOrSkip } from "./support/promtool.js";
import { anchorsOf, loadScenario, SCENARIOS_DIR } from "./support/scenarios.js";
import { reportResult } from "../src/report/document.js";

const AT = "2030-01-01T00:00:00Z";
const OPTIONS = { version: VERSION, nodeVersion: "20.0.0" };

interface JsonResult {
  target: string;
  trusted: boolean;
  checkedAt: string;
  findings: { code: string; severity: string }[];
  builtPath: { certificates: { sha256: string; subject: string; notAfter: string }[]; end: string } | null;
}

function verifyArgs(name: string, format: string): string[] {
  const s = loadScenario(name);
  return ["verify", join(SCENARIOS_DIR, name, "presented.pem"), "--ca-file", join(SCENARIOS_DIR, name, "trust.pem"), "--at", AT, "--host", s.host!, "--format", format];
}

async function verifyBoth(name: string): Promise<{ metrics: ParsedExposition; text: string; json: JsonResult; code: number }> {
  const om = await runCli(verifyArgs(name, "openmetrics"));
  const js = await runCli(verifyArgs(name, "json"));
  expect(om.code, om.stderr).to.equal(js.code);
  return { metrics: parseExposition(om.stdout), text: om.stdout, json: (JSON.parse(js.stdout) as { results: JsonResult[] }).results[0]!, code: om.code };
}

/** What every result's series carry, whatever the format of its JSON counterpart. */
function expectConsistentWithJson(metrics: ParsedExposition, json: JsonResult): void {
  const id = { target: json.target };
  expect(valueOf(metrics, "chaincheck_probe_success", id)).to.equal(1);
  expect(valueOf(metrics, "chaincheck_trusted", id)).to.equal(json.trusted ? 1 : 0);
  expect(valueOf(metrics, "chaincheck_check_timestamp_seconds", id)).to.equal(Date.parse(json.checkedAt) / 1000);
  const counts = new Map<string, number>();
  for (const f of json.findings) counts.set(`${f.code}/${f.severity}`, (counts.get(`${f.code}/${f.severity}`) ?? 0) + 1);
  const findings = samplesOf(metrics, "chaincheck_finding", id).map((s) => [`${s.labels.code}/${s.labels.severity}`, s.value]);
  expect(new Map(findings as [string, number][])).to.deep.equal(counts);
  const path = json.builtPath!.certificates;
  const expiry = samplesOf(metrics, "chaincheck_certificate_not_after_timestamp_seconds", id);
  expect(expiry.map((s) => s.labels.sha256)).to.deep.equal(path.map((c) => c.sha256.slice(0, 16)));
  expect(expiry.map((s) => s.labels.subject)).to.deep.equal(path.map((c) => c.subject));
  expect(expiry.map((s) => s.value)).to.deep.equal(path.map((c) => Date.parse(c.notAfter) / 1000));
  const left = samplesOf(metrics, "chaincheck_certificate_expires_in_seconds", id);
  expect(left.map((s) => s.value)).to.deep.equal(path.map((c) => (Date.parse(c.notAfter) - Date.parse(AT)) / 1000));
}

/** A ChainResult straight from the engine for a fixture scenario (for results the CLI cannot make yet). */
function scenarioResult(name: string, target: string): ChainResult {
  const s = loadScenario(name);
  return reportResult(checkChain({ target, service: "tabpy", presented: s.presented, anchors: anchorsOf(s.trust), host: s.host, at: s.at, partialChain: false, warnDays: 30, targetOs: "debian" }));
}

function connection(name: string, host: string, port: number): ExtensionConnection {
  return { id: `id-${name}`, name, type: "TABPY", host, port, ssl: true, authentication: false };
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describe("--format openmetrics", function () {
  this.timeout(30_000);

  describe("scenarios: the same facts as the JSON report", () => {
    it("trusted (ok): probe_success 1, trusted 1, leaf / intermediate / root with their expiry; exit 0", async () => {
      const { metrics, json, code } = await verifyBoth("ok");
      expect(code).to.equal(0);
      expectConsistentWithJson(metrics, json);
      expect(samplesOf(metrics, "chaincheck_certificate_not_after_timestamp_seconds").map((s) => s.labels.role)).to.deep.equal(["leaf", "intermediate", "root"]);
      expect(samplesOf(metrics, "chaincheck_finding")).to.deep.equal([]);
    });

    it("leaf-only: trusted 0, ISSUER_NOT_FOUND and LEAF_ONLY as findings, only the leaf on the path; exit 1", async () => {
      const { metrics, json, code } = await verifyBoth("leaf-only-missing-intermediate");
      expect(code).to.equal(1);
      expectConsistentWithJson(metrics, json);
      expect(valueOf(metrics, "chaincheck_finding", { code: "ISSUER_NOT_FOUND", severity: "error" })).to.equal(1);
      expect(samplesOf(metrics, "chaincheck_certificate_not_after_timestamp_seconds").map((s) => s.labels.role)).to.deep.equal(["leaf"]);
    });

    it("expired leaf: trusted 0, a negative expires_in for the leaf only", async () => {
      const { metrics, json } = await verifyBoth("expired-leaf");
      expectConsistentWithJson(metrics, json);
      const left = samplesOf(metrics, "chaincheck_certificate_expires_in_seconds");
      expect(left.find((s) => s.labels.role === "leaf")!.value).to.be.lessThan(0);
      expect(left.filter((s) => s.labels.role !== "leaf").every((s) => s.value > 0)).to.equal(true);
      expect(json.findings.map((f) => f.code)).to.include("EXPIRED");
    });

    it("roles: a partial-chain path ends at an anchor, a store-completed leaf-only path at the root", async () => {
      const partial = parseExposition((await runCli([...verifyArgs("partial-anchor-partial-mode", "openmetrics"), "--partial-chain"])).stdout);
      expect(samplesOf(partial, "chaincheck_certificate_not_after_timestamp_seconds").map((s) => s.labels.role)).to.deep.equal(["leaf", "anchor"]);
      const { metrics, json } = await verifyBoth("leaf-only-trusted");
      expectConsistentWithJson(metrics, json);
      expect(samplesOf(metrics, "chaincheck_certificate_not_after_timestamp_seconds").map((s) => s.labels.role)).to.deep.equal(["leaf", "intermediate", "root"]);
    });

    it("labels name the target, the name checked and the service; HELP and TYPE for every family, UNIT for the seconds", async () => {
      const out = await runCli([...verifyArgs("ok", "openmetrics"), "--service", "rserve"]);
      const metrics = parseExposition(out.stdout);
      const trusted = samplesOf(metrics, "chaincheck_trusted")[0]!;
      expect(trusted.labels).to.deep.equal({ target: join(SCENARIOS_DIR, "ok", "presented.pem"), servername: "tabpy.chaincheck.test", service: "rserve" });
      for (const [name, meta] of metrics.meta) {
        expect(meta.type, name).to.equal("gauge");
        expect(meta.help, name).to.be.a("string").with.length.greaterThan(20);
        expect(meta.unit, name).to.equal(name.endsWith("_seconds") ? "seconds" : undefined);
      }
      expect(metrics.lines.at(-1)).to.equal("# EOF");
      expect(valueOf(metrics, "chaincheck_build_info", { version: VERSION, nodejs: process.versions.node })).to.equal(1);
    });
  });

  describe("live checks", () => {
    it("a served chain: probe_success 1, the probe's duration, the service seen", async () => {
      const s = loadScenario("ok");
      const server = await tlsServer({ cert: readFileSync(join(s.dir, "presented.pem"), "utf8"), key: readFileSync(join(s.dir, "../../keys/leaf.key.pem"), "utf8") });
      try {
        const out = await runCli([`127.0.0.1:${server.port}`, "--servername", s.host!, "--ca-file", join(s.dir, "trust.pem"), "--at", AT, "--service", "tls", "--format", "openmetrics"]);
        expect(out.code, out.stderr).to.equal(0);
        const metrics = parseExposition(out.stdout);
        const id = { target: `127.0.0.1:${server.port}`, servername: s.host!, service: "tls" };
        expect(valueOf(metrics, "chaincheck_probe_success", id)).to.equal(1);
        expect(valueOf(metrics, "chaincheck_trusted", id)).to.equal(1);
        expect(valueOf(metrics, "chaincheck_check_duration_seconds", id)).to.be.within(0, 5);
        expect(samplesOf(metrics, "chaincheck_certificate_not_after_timestamp_seconds", id)).to.have.length(3);
      } finally {
        await server.close();
      }
    });

    it("unreachable: probe_success 0, the connection error as a finding, no certificate series; exit 3", async () => {
      const port = await freePort();
      const out = await runCli([`127.0.0.1:${port}`, "--format", "openmetrics", "--timeout", "2000"]);
      expect(out.code).to.equal(3);
      const metrics = parseExposition(out.stdout);
      expect(valueOf(metrics, "chaincheck_probe_success")).to.equal(0);
      expect(valueOf(metrics, "chaincheck_trusted")).to.equal(0);
      expect(valueOf(metrics, "chaincheck_finding", { code: "CONNECTION_REFUSED", severity: "error" })).to.equal(1);
      expect(samplesOf(metrics, "chaincheck_certificate_not_after_timestamp_seconds")).to.deep.equal([]);
      expect(metrics.meta.has("chaincheck_certificate_not_after_timestamp_seconds")).to.equal(false);
    });

    it("the same target twice gives each series once", async () => {
      const port = await freePort();
      const out = await runCli([`127.0.0.1:${port}`, `127.0.0.1:${port}`, "--format", "openmetrics", "--timeout", "2000"]);
      expect(samplesOf(parseExposition(out.stdout), "chaincheck_probe_success")).to.have.length(1);
    });
  });

  describe("chaincheck tableau results", () => {
    it("site and connection labels; the same server behind two connections gives two sets of series", () => {
      const base = scenarioResult("expiring-soon", "tabpy.chaincheck.test:9004");
      expect(base.findings.length).to.be.greaterThan(0);
      const results: ChainResult[] = [
        { ...base, site: { id: "s1", name: "Finance", contentUrl: "finance" }, extensionConnection: connection("TabPy prod", "tabpy.chaincheck.test", 9004) },
        { ...base, site: { id: "s0", name: "Default", contentUrl: "" }, extensionConnection: connection("TabPy \"main\"", "tabpy.chaincheck.test", 9004) },
      ];
      const metrics = parseExposition(renderOpenMetrics(results, OPTIONS));
      expect(samplesOf(metrics, "chaincheck_trusted").map((s) => [s.labels.site, s.labels.connection])).to.deep.equal([["finance", "TabPy prod"], ["Default", 'TabPy "main"']]);
      expect(samplesOf(metrics, "chaincheck_certificate_not_after_timestamp_seconds", { site: "finance" })).to.have.length(3);
      for (const name of ["chaincheck_probe_success", "chaincheck_finding", "chaincheck_certificate_expires_in_seconds"]) {
        for (const sample of samplesOf(metrics, name)) expect(Object.keys(sample.labels).slice(0, 5), name).to.deep.equal(["target", "servername", "service", "site", "connection"]);
      }
      expect(samplesOf(metrics, "chaincheck_finding", { connection: "TabPy prod" }).length).to.equal(base.findings.length);
    });
  });

  describe("labels are escaped and bounded", () => {
    it("a hostile subject (escape sequences, newline, bidi override) is made inert and read back exactly", async () => {
      const hostile = await makeHostileCertificate();
      const leaf = parseCertificate(hostile.der);
      const result = reportResult(checkChain({ target: "evil:443", service: "tls", presented: [leaf], anchors: anchorsOf([leaf]), host: null, at: new Date("2030-01-01T00:00:00Z"), partialChain: false, warnDays: 30, targetOs: "debian" }));
      const text = renderOpenMetrics([result], OPTIONS);
      expect(text).to.not.match(/[\u0000-\u0009\u000b-\u001f\u007f\u202e]/);
      const subjects = samplesOf(parseExposition(text), "chaincheck_certificate_not_after_timestamp_seconds").map((s) => s.labels.subject);
      expect(subjects).to.deep.equal([safeText(leaf.subject)]);
      expect(subjects[0]).to.include("\\u{001b}[2J").and.include("\\u{000a}forged line");
    });

    it("quotes and backslashes in a file name survive the round trip; a long subject is cut to the bound", async () => {
      const dir = mkdtempSync(join(tmpdir(), "chaincheck-om-"));
      try {
        const file = join(dir, 'we"ird\\name.pem');
        writeFileSync(file, readFileSync(join(SCENARIOS_DIR, "ok", "presented.pem")));
        const out = await runCli(["verify", file, "--ca-file", join(SCENARIOS_DIR, "ok", "trust.pem"), "--at", AT, "--format", "openmetrics"]);
        expect(samplesOf(parseExposition(out.stdout), "chaincheck_trusted").map((s) => s.labels.target)).to.deep.equal([file]);
        expect(out.stdout).to.include('target="' + file.replace(/\\/g, "\\\\").replace(/"/g, '\\"') + '"');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      const base = scenarioResult("ok", "t:1");
      const long = { ...base, builtPath: { ...base.builtPath!, certificates: base.builtPath!.certificates.map((c) => ({ ...c, subject: `CN=${"é".repeat(400)}` })) } };
      const subject = samplesOf(parseExposition(renderOpenMetrics([long], OPTIONS)), "chaincheck_certificate_expires_in_seconds")[0]!.labels.subject!;
      expect(Array.from(subject)).to.have.length(MAX_LABEL_LENGTH);
      expect(subject.endsWith("…")).to.equal(true);
    });

    it("the writer refuses what would make the exposition invalid (a bad name, a quote in HELP)", () => {
      expect(() => renderExposition([{ name: "bad-name", type: "gauge", help: "x", samples: [] }], "openmetrics")).to.throw(/invalid metric name/);
      expect(() => renderExposition([{ name: "ok_name", type: "gauge", help: 'say "hi"', samples: [] }], "openmetrics")).to.throw(/HELP/);
      expect(() => renderExposition([{ name: "x_seconds", type: "gauge", help: "x", unit: "bytes", samples: [] }], "openmetrics")).to.throw(/_bytes/);
    });
  });

  describe("--output FILE is written atomically", () => {
    let dir: string;
    beforeEach(() => { dir = mkdtempSync(join(tmpdir(), "chaincheck-out-")); });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it("the file holds the metrics, stdout the one-line summary, nothing else is left in the folder", async () => {
      const file = join(dir, "chaincheck.prom");
      const out = await runCli([...verifyArgs("ok", "openmetrics"), "--output", file]);
      const direct = await runCli(verifyArgs("ok", "openmetrics"));
      expect(readFileSync(file, "utf8")).to.equal(direct.stdout);
      expect(out.stdout).to.match(/PASS/).and.not.include("# HELP");
      expect(readdirSync(dir)).to.deep.equal(["chaincheck.prom"]);
    });

    it("an existing file is replaced by rename (new inode, same permissions); a symlink is followed and kept", async () => {
      const file = join(dir, "chaincheck.prom");
      writeFileSync(file, "old\n");
      chmodSync(file, 0o640);
      const before = statSync(file).ino;
      await runCli([...verifyArgs("ok", "openmetrics"), "--output", file]);
      expect(statSync(file).ino).to.not.equal(before);
      expect(statSync(file).mode & 0o777).to.equal(0o640);
      expect(readFileSync(file, "utf8")).to.match(/^# HELP chaincheck_probe_success/);
      const link = join(dir, "link.prom");
      symlinkSync(file, link);
      await runCli([...verifyArgs("expired-leaf", "openmetrics"), "--output", link]);
      expect(lstatSync(link).isSymbolicLink()).to.equal(true);
      expect(readFileSync(file, "utf8")).to.include('code="EXPIRED"');
      expect(readdirSync(dir).sort()).to.deep.equal(["chaincheck.prom", "link.prom"]);
    });

    it("a device (/dev/null) is written in place; a missing folder is one line and exit 2", async () => {
      expect((await runCli([...verifyArgs("ok", "openmetrics"), "--output", "/dev/null"])).code).to.equal(0);
      const missing = await runCli([...verifyArgs("ok", "openmetrics"), "--output", join(dir, "no", "such", "x.prom")]);
      expect(missing.code).to.equal(2);
      expect(missing.stderr).to.match(/^chaincheck: --output: cannot write .*x\.prom: the folder .*such does not exist\n$/);
    });
  });

  describe("promtool accepts every scenario", function () {
    let bin: string;
    before(function () { bin = promtoolOrSkip(this); });

    const scenarios: [string, () => Promise<string>][] = [
      ["trusted", async () => (await runCli(verifyArgs("ok", "openmetrics"))).stdout],
      ["leaf-only", async () => (await runCli(verifyArgs("leaf-only-missing-intermediate", "openmetrics"))).stdout],
      ["expired", async () => (await runCli(verifyArgs("expired-leaf", "openmetrics"))).stdout],
      ["unreachable", async () => (await runCli([`127.0.0.1:${await freePort()}`, "--format", "openmetrics", "--timeout", "2000"])).stdout],
      ["tableau", async () => {
        const base = scenarioResult("expiring-soon", "tabpy.chaincheck.test:9004");
        return renderOpenMetrics([
          { ...base, site: { id: "s1", name: "Finance", contentUrl: "finance" }, extensionConnection: connection("TabPy prod", "tabpy.chaincheck.test", 9004) },
          { ...scenarioResult("leaf-only-missing-intermediate", "rserve.chaincheck.test:6311"), site: { id: "s1", name: "Finance", contentUrl: "finance" }, extensionConnection: { ...connection("Rserve", "rserve.chaincheck.test", 6311), type: "RSERVE" } },
        ], OPTIONS);
      }],
      ["hostile names", async () => {
        const leaf = parseCertificate((await makeHostileCertificate()).der);
        return renderOpenMetrics([reportResult(checkChain({ target: 'a"b\\c:443', service: "tls", presented: [leaf], anchors: anchorsOf([]), host: "x", at: new Date(AT), partialChain: false, warnDays: 30, targetOs: "debian" }))], OPTIONS);
      }],
    ];
    for (const [name, make] of scenarios) {
      it(`${name}: promtool check metrics (0.0.4 text + lint) and the strict OpenMetrics parser`, async () => {
        const text = await make();
        expect(text).to.include("chaincheck_probe_success{");
        const lint = checkMetrics(bin, text);
        expect(lint, lint.output).to.deep.equal({ code: 0, output: "" });
        const strict = checkOpenMetricsStrict(bin, text);
        expect(strict.code, strict.output).to.equal(0);
      });
    }

    it("the strict check is strict: it refuses a missing # EOF and a UNIT that is not the name's suffix", async () => {
      const text = (await runCli(verifyArgs("ok", "openmetrics"))).stdout;
      expect(checkOpenMetricsStrict(bin, text.replace("# EOF\n", "")).code).to.not.equal(0);
      expect(checkOpenMetricsStrict(bin, text.replace("# UNIT chaincheck_check_timestamp_seconds seconds", "# UNIT chaincheck_check_timestamp_seconds bytes")).code).to.not.equal(0);
      expect(checkMetrics(bin, text.replace(/chaincheck_certificate_expires_in_seconds/g, "chaincheck_certificate_days_left")).code).to.not.equal(0);
    });
  });
});
