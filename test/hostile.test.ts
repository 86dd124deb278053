/**
 * Hostile certificate fields (issue 8): a certificate whose subject holds ANSI escape sequences, a
 * BEL, a newline, a right-to-left override and `<script>` (and whose SANs hold ESC and HTML) must not
 * be able to clear or rewrite the terminal, and the JSON and HTML outputs must parse and show the
 * escaped value. Offline (verify) and live (a loopback TLS server presenting it).
 */
import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseCertificate } from "../src/cert/parse.js";
import { startTabpyLikeServer } from "../src/demo/servers.js";
import type { ChainResult } from "../src/result/verdict.js";
import { escapeJsonInvisibles } from "../src/report/safe-text.js";
import { supportReportText } from "../src/cli/support-report.js";
import { HOSTILE_CN, makeHostileCertificate, type HostileCertificate } from "./support/hostile-cert.js";
import { dumpDom, chromiumOrSkip } from "./support/chromium.js";
import { runCli } from "./support/cli.js";

/** picocolors' SGR codes (bold, dim, red, green, yellow, cyan and their resets): the only escapes chaincheck writes. */
const PALETTE_SGR = /\u001b\[(?:1|2|22|31|32|33|36|39)m/g;
/** C0 (except the report's own newlines), DEL, C1, bidi overrides/isolates/marks. */
const RAW_UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
/** Every element the HTML renderer emits; anything else would be injected markup. */
const HTML_TAGS = new Set("html head meta title style body main h1 h2 h3 p table thead tbody tr th td a span div ol ul li dl dt dd b code pre br footer section".split(" "));
const FACTS = { generatedAt: "2030-01-01T00:00:00.000Z", node: "v20", platform: "linux x64" };

function expectInertText(out: string, what: string): void {
  const text = out.replace(PALETTE_SGR, "");
  expect(RAW_UNSAFE.test(text), `${what}: raw control/bidi character in ${JSON.stringify(text.slice(0, 300))}`).to.equal(false);
  expect(text, what).to.not.include("<script>");
  expect(text, what).to.not.match(/^forged line/m); // the certificate's newline did not start a line
}

describe("hostile certificate fields", () => {
  let cert: HostileCertificate;
  let dir: string;
  let pemFile: string;
  let otherCa: string;

  before(async () => {
    cert = await makeHostileCertificate();
    dir = mkdtempSync(join(tmpdir(), "chaincheck-hostile-"));
    pemFile = join(dir, "hostile.pem");
    writeFileSync(pemFile, cert.pem);
    otherCa = join(dir, "other.pem");
    writeFileSync(otherCa, (await makeHostileCertificate()).pem);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const verify = (...extra: string[]) => runCli(["verify", pemFile, "--at", "2030-01-01T00:00:00Z", "--target-os", "debian", ...extra]);

  it("the test certificate really carries ESC, BEL, a newline, an RLO and <script> in its subject (and verifies)", () => {
    const parsed = parseCertificate(cert.der);
    expect(parsed.commonNames[0]).to.equal(HOSTILE_CN);
    for (const raw of ["\u001b[2J", "\u0007", "\n", "\u202e", "<script>"]) expect(parsed.commonNames[0]).to.include(raw);
    expect(parsed.selfSigned).to.equal(true);
  });

  const textRuns: [string, string[], Parameters<typeof runCli>[1]][] = [
    ["untrusted, default view", ["--ca-file", "OTHER", "--host", "tabpy.example"], {}],
    ["trusted (self-signed anchor)", ["--ca-file", "SELF"], {}],
    ["--verbose", ["--ca-file", "OTHER", "--host", "tabpy.example", "--verbose"], {}],
    ["--quiet", ["--ca-file", "OTHER", "--quiet"], {}],
    ["colour forced", ["--ca-file", "OTHER", "--host", "tabpy.example"], { env: { FORCE_COLOR: "1" } }],
  ];
  for (const [what, args, io] of textRuns) {
    it(`text (${what}): no raw escape, control, newline or bidi character from the certificate`, async () => {
      const out = await verify(...args.map((a) => (a === "OTHER" ? otherCa : a === "SELF" ? pemFile : a)), ...(io?.env ? [] : ["--no-color"]));
      expect(out.code).to.be.oneOf([0, 1]);
      expectInertText(out.stdout, what);
      expectInertText(out.stderr, `${what} (stderr)`);
      if (what !== "--quiet") {
        expect(out.stdout).to.include("\\u{001b}[2J").and.to.include("\\u{202e}RLO").and.to.include("\\u{000a}forged line");
        expect(out.stdout).to.include("control characters in its names (shown escaped)");
      }
    });
  }

  it("JSON parses, keeps the exact value, and writes the controls as \\u escapes", async () => {
    const out = await verify("--ca-file", otherCa, "--host", "tabpy.example", "--format", "json");
    const doc = JSON.parse(out.stdout) as { results: ChainResult[] };
    expect(doc.results[0]!.presented[0]!.subject).to.equal(parseCertificate(cert.der).subject);
    expect(doc.results[0]!.presented[0]!.subjectAltNames).to.include("DNS:<img src=x onerror=alert(2)>.example");
    expect(/[\u0000-\u0009\u000b-\u001f]/.test(out.stdout)).to.equal(false);
    expect(out.stdout).to.include("\\u001b[2J").and.to.include("\\u0007\\nforged line");
    // U+202E is legal raw in JSON; escapeJsonInvisibles (for json.ts and the support file) writes it as \u202e.
    const escaped = escapeJsonInvisibles(out.stdout);
    expect(RAW_UNSAFE.test(escaped)).to.equal(false);
    expect(escaped).to.include("\\u202eRLO");
    expect(JSON.parse(escaped)).to.deep.equal(doc);
  });

  it("JUnit XML is well-formed: no raw control character, no raw <script>, the value escaped", async () => {
    const out = await verify("--ca-file", otherCa, "--host", "tabpy.example", "--format", "junit");
    expect(out.stdout.startsWith("<?xml")).to.equal(true);
    expect(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(out.stdout)).to.equal(false);
    expect(out.stdout).to.not.include("<script>").and.not.include("<img");
    expect(out.stdout).to.include("\\&lt;script\\&gt;").and.include("&lt;img src=x onerror=alert(2)&gt;").and.include("\\u{001b}[2J");
  });

  it("SARIF parses and keeps the value, with controls and bidi characters escaped", async () => {
    const out = await verify("--ca-file", otherCa, "--host", "tabpy.example", "--format", "sarif");
    expect(RAW_UNSAFE.test(out.stdout)).to.equal(false);
    const log = JSON.parse(out.stdout) as { runs: { results: { message: { text: string } }[] }[] };
    const messages = log.runs[0]!.results.map((r) => r.message.text).join("\n");
    expect(messages).to.include("\\<script\\>alert(1)").and.include("<img src=x onerror=alert(2)>.example").and.include("\u001b[2J");
  });

  describe("HTML page", () => {
    let html: string;
    before(async () => {
      const out = await verify("--ca-file", otherCa, "--host", "tabpy.example", "--format", "json");
      html = supportReportText("report.html", (JSON.parse(out.stdout) as { results: ChainResult[] }).results, "test store", FACTS);
    });

    it("holds no injected element and no raw control or bidi character", () => {
      const tags = [...html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9]*)/g)].map((m) => m[1]!.toLowerCase());
      expect(tags.filter((t) => !HTML_TAGS.has(t))).to.deep.equal([]);
      expect(html).to.not.match(/<script|<img|onerror=alert\(2\)>/i);
      expect(RAW_UNSAFE.test(html)).to.equal(false);
    });

    it("shows the escaped value", () => {
      expect(html).to.include("\\&lt;script\\&gt;alert(1)\\&lt;/script\\&gt;");
      expect(html).to.include("DNS:&lt;img src=x onerror=alert(2)&gt;.example");
      expect(html).to.include("\\u{001b}[2J").and.to.include("\\u{202e}RLO");
    });

    it("Chromium parses it into the expected DOM: no script or img element, the text escaped", function () {
      const chromium = chromiumOrSkip(this);
      this.timeout(90_000);
      const file = join(dir, "hostile.html");
      writeFileSync(file, html);
      const dom = dumpDom(chromium, file);
      expect(dom).to.include("</html>");
      expect(dom).to.not.match(/<script|<img/i);
      expect(dom).to.include("\\&lt;script\\&gt;alert(1)");
      expect((dom.match(/<section class="target/g) ?? []).length).to.equal(1);
    });
  });

  it("live: a TLS server presenting the certificate cannot rewrite the terminal either", async () => {
    const server = await startTabpyLikeServer({ certPem: cert.pem, keyPem: cert.keyPem });
    try {
      const out = await runCli([`127.0.0.1:${server.port}`, "--ca-file", otherCa, "--timeout", "5000", "--no-color"]);
      expect(out.code, out.stderr).to.equal(1);
      expectInertText(out.stdout, "live");
      expect(out.stdout).to.include("(TabPy)").and.to.include("\\u{001b}[2J");
    } finally {
      await server.close();
    }
  });
});
