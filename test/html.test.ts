/**
 * `--report FILE.html` (issue 8): one self-contained page (no external asset, no script) with the
 * chain as boxes and arrows, the findings, the advice, tool version, trust store and verifier model;
 * written by the CLI next to the JSON support file; rendered by headless Chromium to a screenshot.
 */
import { expect } from "chai";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkChain } from "../src/result/chain-result.js";
import type { ChainResult } from "../src/result/verdict.js";
import { renderHtmlReport } from "../src/report/html.js";
import { startRserveLikeServer } from "../src/demo/servers.js";
import { anchorsOf, FIXTURES, loadScenario } from "./support/scenarios.js";
import { dumpDom, screenshot, chromiumOrSkip } from "./support/chromium.js";
import { runCli } from "./support/cli.js";
import { reportResult } from "../src/report/document.js";
import { sentBy } from "../src/result/presentation.js";

const META = { version: "9.9.9-test", generatedAt: "2030-01-01T00:00:00.000Z", node: "v20.0.0", platform: "linux x64" };

function resultOf(name: string, service: "rserve" | "tabpy" | null = null): ChainResult {
  const s = loadScenario(name);
  const { presented } = sentBy(service, s.presented);
  return reportResult(checkChain({
    target: `${name}.pem`, service, presented, anchors: anchorsOf(s.trust, `--ca-file ${name}/trust.pem (1 certificate)`), host: s.host,
    at: s.at, partialChain: s.partialChain, warnDays: 30, heldIntermediates: [], targetOs: "debian",
  }));
}

const count = (text: string, needle: string | RegExp) => text.split(needle).length - 1;

describe("HTML report", () => {
  const results = [resultOf("leaf-only-missing-intermediate", "rserve"), resultOf("root-presented-untrusted", "tabpy"), resultOf("ok"), resultOf("expired-intermediate")];
  const html = renderHtmlReport(results, META);

  it("is one self-contained document: no script, no external asset, a CSP that forbids fetching", () => {
    expect(html.startsWith("<!DOCTYPE html>\n<html lang=\"en\">")).to.equal(true);
    expect(html.trimEnd().endsWith("</html>")).to.equal(true);
    expect(html).to.match(/<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline';/);
    expect(html).to.not.match(/<script|<link|<img|<iframe|\ssrc=|url\(|@import|href="(?!#)/i);
    expect(count(html, "<style>")).to.equal(1);
  });

  it("states tool version, generation time, trust store and verifier model", () => {
    for (const s of ["chaincheck 9.9.9-test", "2030-01-01T00:00:00.000Z", "--ca-file leaf-only-missing-intermediate/trust.pem (1 certificate)", "strict: the path must end at a trusted root"]) {
      expect(html).to.include(s);
    }
  });

  it("has a summary row and a section per target, with the verdict as a word", () => {
    expect(count(html, /<section class="target /)).to.equal(results.length);
    expect(count(html, "<tr><td><a href=\"#target-")).to.equal(results.length);
    expect(html).to.include('<span class="badge fail">FAIL</span>').and.to.include('<span class="badge pass">PASS</span>');
  });

  it("draws the presented chain and the path as boxes joined by arrows, with the missing issuer dashed", () => {
    const presented = results.reduce((n, r) => n + r.presented.length, 0);
    const pathCerts = results.reduce((n, r) => n + (r.builtPath?.certificates.length ?? 0), 0);
    expect(count(html, "next on the wire")).to.equal(presented - results.length);
    expect(count(html, '<div class="role">#')).to.equal(presented);
    expect(count(html, "issued by</div>")).to.equal(pathCerts - results.length + 1); // + the missing issuer's box
    expect(html).to.include('<div class="card missing"><div class="role">missing</div><div class="subject">CN=Chaincheck Test Intermediate, O=chaincheck</div>');
    expect(html).to.include('<span class="mark good">trust anchor</span>').and.to.include('<span class="mark bad">EXPIRED</span>');
  });

  it("lists findings by rank with severity words, then the advice with roles, commands, server side and proof", () => {
    const first = results[0]!;
    expect(html.indexOf(">ERROR</span>")).to.be.lessThan(html.indexOf(">INFO</span>"));
    expect(html).to.include("<b>intermediate</b> CN=Chaincheck Test Intermediate, O=chaincheck");
    expect(html).to.include("<pre>sudo cp chaincheck-test-intermediate.crt /usr/local/share/ca-certificates/\nsudo update-ca-certificates</pre>");
    expect(html).to.include("<b>Or fix it on the server</b>").and.to.include("tls.ca FILE");
    expect(html).to.include(`<p class="proof no">Proof (not verified): `);
    expect(html).to.include(`<p class="proof ok">Proof (verified): After installing`);
    expect(html).to.include("No certificate you install fixes these");
    expect(html).to.include(first.presented[0]!.pem.split("\n")[1]!); // PEM of every presented certificate
    expect(html).to.include("<th>basic constraints</th>").and.to.include("<th>extended key usage</th>");
  });

  describe("through the CLI: check --report", () => {
    let dir: string;
    before(() => { dir = mkdtempSync(join(tmpdir(), "chaincheck-html-")); });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it("FILE.html gets the page, any other name JSON; both from a live Rserve-like probe", async () => {
      const server = await startRserveLikeServer({
        certPem: readFileSync(join(FIXTURES, "ca/leaf.pem"), "utf8"), keyPem: readFileSync(join(FIXTURES, "ca/leaf.key.pem"), "utf8"),
      });
      try {
        for (const name of ["support.html", "support.json"]) {
          const file = join(dir, name);
          const out = await runCli([`127.0.0.1:${server.port}`, "--ca-file", join(FIXTURES, "ca/root.pem"), "--timeout", "5000", "--report", file, "--quiet"]);
          expect(out.code, out.stderr).to.equal(1);
          expect(out.stderr).to.match(/^chaincheck: support (page|file) written to /);
          const text = readFileSync(file, "utf8");
          if (name.endsWith(".html")) {
            expect(text).to.match(/^<!DOCTYPE html>/);
            expect(text).to.include("(Rserve)").and.to.include("Rserve 0103 QAP1 (TLS)").and.to.include("The server sent the leaf only");
          } else {
            const doc = JSON.parse(text) as { schemaVersion: number; support: { trustStore: string }; results: ChainResult[] };
            expect(doc.schemaVersion).to.equal(2);
            expect(doc.support.trustStore).to.include("root.pem");
            expect(doc.results[0]!.chainKind).to.equal("leaf-only");
          }
        }
      } finally {
        await server.close();
      }
    });

    it("an unwritable --report path is a one-line usage error (exit 2)", async () => {
      const server = await startRserveLikeServer({
        certPem: readFileSync(join(FIXTURES, "ca/leaf.pem"), "utf8"), keyPem: readFileSync(join(FIXTURES, "ca/leaf.key.pem"), "utf8"),
      });
      try {
        const out = await runCli([`127.0.0.1:${server.port}`, "--timeout", "5000", "--report", join(dir, "missing-dir", "r.html")]);
        expect(out.code).to.equal(2);
        expect(out.stderr).to.match(/^chaincheck: --report: cannot write .*r\.html: the folder .*missing-dir does not exist\n$/);
      } finally {
        await server.close();
      }
    });
  });

  it("headless Chromium renders it to a screenshot", function () {
    const chromium = chromiumOrSkip(this);
    this.timeout(120_000);
    const dir = join(tmpdir(), `chaincheck-html-screenshot-${process.pid}`);
    rmSync(dir, { recursive: true, force: true });
    const page = join(dir, "report.html");
    const png = join(dir, "report.png");
    mkdirSync(dir, { recursive: true });
    writeFileSync(page, html);
    screenshot(chromium, page, png, 2000);
    expect(existsSync(png), "no screenshot written").to.equal(true);
    const bytes = readFileSync(png);
    expect(bytes.subarray(0, 8).toString("hex")).to.equal("89504e470d0a1a0a");
    expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).to.deep.equal([1280, 2000]); // IHDR width, height
    expect(statSync(png).size, "a blank page compresses to a few KB").to.be.greaterThan(40_000);
    const dom = dumpDom(chromium, page);
    expect(count(dom, /<section class="target /)).to.equal(results.length);
    console.log(`      screenshot: ${png}`);
  });
});

