/**
 * JUnit XML: one test case per target, failures with the headline finding and the advice, errors for targets that
 * could not be checked, and a document that stays well-formed whatever the certificates say. Well-formedness is
 * checked by a small XML 1.0 parser written here (no regular expressions, no package).
 */
import { expect } from "chai";
import { join } from "node:path";
import { renderJunit } from "../src/report/junit.js";
import type { ChainResult } from "../src/result.js";
import type { JsonReport } from "../src/report/json.js";
import { hostile } from "./support/hostile-servers.js";
import { runCli } from "./support/cli.js";

interface XmlElement {
  readonly name: string;
  readonly attrs: Record<string, string>;
  readonly children: XmlElement[];
  text: string;
}

/** XML 1.0 §2.2 Char. */
function isXmlChar(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}
const isNameChar = (ch: string) => (ch >= "a" && ch <= "z") || (ch >= "A" && ch <= "Z") || (ch >= "0" && ch <= "9") || ch === "-" || ch === "_" || ch === "." || ch === ":";
const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: "\"", apos: "'" };

/** Parses a document; throws with the offset on anything not well-formed (the subset JUnit reports use: no DTD). */
function parseXml(xml: string): XmlElement {
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`not well-formed at ${i}: ${why} (${JSON.stringify(xml.slice(i, i + 40))})`);
  };
  for (const ch of xml) if (!isXmlChar(ch.codePointAt(0)!)) fail(`forbidden character U+${ch.codePointAt(0)!.toString(16)}`);
  for (let k = 0; k < xml.length; k++) {
    const c = xml.charCodeAt(k);
    if (c >= 0xd800 && c <= 0xdbff && !(xml.charCodeAt(k + 1) >= 0xdc00 && xml.charCodeAt(k + 1) <= 0xdfff)) fail("lone surrogate");
  }
  const name = (): string => {
    const start = i;
    while (i < xml.length && isNameChar(xml[i]!)) i++;
    if (i === start) fail("expected a name");
    return xml.slice(start, i);
  };
  const spaces = () => { while (xml[i] === " " || xml[i] === "\n" || xml[i] === "\t" || xml[i] === "\r") i++; };
  const reference = (): string => {
    const end = xml.indexOf(";", i);
    if (end < 0 || end - i > 12) fail("unterminated reference");
    const body = xml.slice(i + 1, end);
    i = end + 1;
    if (body.startsWith("#")) {
      const cp = body[1] === "x" ? Number.parseInt(body.slice(2), 16) : Number.parseInt(body.slice(1), 10);
      if (!Number.isInteger(cp) || !isXmlChar(cp)) fail(`bad character reference &${body};`);
      return String.fromCodePoint(cp);
    }
    return ENTITIES[body] ?? fail(`unknown entity &${body};`);
  };
  const chars = (stop: string, inAttr: boolean): string => {
    let out = "";
    while (i < xml.length && xml[i] !== stop) {
      if (xml[i] === "<") fail("'<' in character data or attribute");
      if (!inAttr && xml.startsWith("]]>", i)) fail("']]>' in character data");
      if (xml[i] === "&") out += reference();
      else out += xml[i++];
    }
    return out;
  };
  const element = (): XmlElement => {
    i++; // "<"
    const el: XmlElement = { name: name(), attrs: {}, children: [], text: "" };
    for (;;) {
      spaces();
      if (xml.startsWith("/>", i)) { i += 2; return el; }
      if (xml[i] === ">") { i++; break; }
      const attr = name();
      spaces();
      if (xml[i] !== "=") fail("expected '='");
      i++;
      spaces();
      const quote = xml[i];
      if (quote !== "\"" && quote !== "'") fail("expected a quoted value");
      i++;
      if (attr in el.attrs) fail(`duplicate attribute ${attr}`);
      el.attrs[attr] = chars(quote!, true);
      i++;
    }
    for (;;) {
      if (i >= xml.length) fail(`unclosed <${el.name}>`);
      if (xml.startsWith("</", i)) {
        i += 2;
        if (name() !== el.name) fail(`mismatched end tag for <${el.name}>`);
        spaces();
        if (xml[i] !== ">") fail("expected '>'");
        i++;
        return el;
      }
      if (xml[i] === "<") el.children.push(element());
      else el.text += chars("<", false);
    }
  };
  if (xml.startsWith("<?xml")) {
    i = xml.indexOf("?>") + 2;
    if (i < 2) fail("unterminated declaration");
  }
  spaces();
  if (xml[i] !== "<") fail("expected the root element");
  const root = element();
  spaces();
  if (i !== xml.length) fail("content after the root element");
  return root;
}

const children = (el: XmlElement, name: string) => el.children.filter((c) => c.name === name);

describe("JUnit XML", function () {
  this.timeout(20_000);
  let results: ChainResult[];
  const scenario = (name: string, ...extra: string[]) => {
    const dir = join("fixtures/scenarios", name);
    return ["verify", join(dir, "presented.pem"), "--ca-file", join(dir, "trust.pem"), "--host", "tabpy.chaincheck.test", "--at", "2030-01-01T00:00:00Z", "--target-os", "debian", "--format", "json", ...extra];
  };
  const json = async (args: string[]) => (JSON.parse((await runCli(args)).stdout) as JsonReport).results[0]!;

  before(async () => {
    const closed = await hostile.silent();
    await closed.close();
    results = [
      await json(scenario("ok")),
      await json(scenario("expiring-soon")),
      await json(scenario("leaf-only-missing-intermediate")),
      await json([`127.0.0.1:${closed.port}`, "--ca-file", "fixtures/ca/root.pem", "--format", "json", "--timeout", "1000"]),
    ];
    expect(results.map((r) => r.status)).to.deep.equal(["pass", "warn", "fail", "error"]);
  });

  const rows: { failOn: "error" | "warning"; outcome: ("pass" | "failure" | "error")[] }[] = [
    { failOn: "error", outcome: ["pass", "pass", "failure", "error"] },
    { failOn: "warning", outcome: ["pass", "failure", "failure", "error"] },
  ];
  for (const row of rows) {
    it(`one test case per target, in order; --fail-on ${row.failOn}: ${row.outcome.join(", ")}`, () => {
      const root = parseXml(renderJunit(results, { version: "9.9.9", failOn: row.failOn, timestamp: "2030-01-01T00:00:00" }));
      expect(root.name).to.equal("testsuites");
      const [suite] = children(root, "testsuite");
      const cases = children(suite!, "testcase");
      expect(cases.map((c) => [c.attrs.classname, c.attrs.name])).to.deep.equal(results.map((r) => ["chaincheck", r.target]));
      const got = cases.map((c) => (children(c, "failure").length ? "failure" : children(c, "error").length ? "error" : "pass"));
      expect(got).to.deep.equal(row.outcome);
      const failures = row.outcome.filter((o) => o === "failure").length;
      for (const el of [root, suite!]) {
        expect(el.attrs).to.include({ tests: "4", failures: String(failures), errors: "1", skipped: "0" });
      }
      for (const [k, c] of cases.entries()) {
        const out = children(c, "system-out")[0]!;
        for (const f of results[k]!.findings) expect(out.text).to.include(f.code);
      }
    });
  }

  it("a failure carries the headline finding and the advice; an error carries the probe's reason", () => {
    const root = parseXml(renderJunit(results, { version: "1", failOn: "error", timestamp: "2030-01-01T00:00:00" }));
    const cases = children(children(root, "testsuite")[0]!, "testcase");
    const failure = children(cases[2]!, "failure")[0]!;
    const failed = results[2]!;
    const head = failed.findings.find((f) => f.code === failed.headline)!;
    expect(failure.attrs.type).to.equal("ISSUER_NOT_FOUND");
    expect(failure.attrs.message).to.equal(`${head.code}: ${head.message}`);
    expect(failure.text).to.include(`Fix: ${head.remediation}`);
    expect(failure.text).to.include("sudo update-ca-certificates");
    for (const step of failed.remediation.steps) expect(failure.text).to.include(step.split("\n")[0]!);
    const error = children(cases[3]!, "error")[0]!;
    expect(error.attrs.type).to.equal("CONNECTION_REFUSED");
    expect(error.attrs.message).to.include("CONNECTION_REFUSED");
  });

  it("stays well-formed with hostile certificate text, and shows what it neutralised", () => {
    const nasty = "CN=<script>alert(\"x\")</script> & 'co' ]]> \u0000\u0007\u001b[31m\u202eevil\ud800 \uffff \u{1F600}\r\nNEXT";
    const base = results[2]!;
    const hostileResult: ChainResult = {
      ...base,
      target: `${nasty}.pem`,
      findings: base.findings.map((f) => ({ ...f, message: `${f.message} ${nasty}`, remediation: `${f.remediation} ${nasty}` })),
      remediation: { ...base.remediation, steps: [nasty, ...base.remediation.steps], install: base.remediation.install.map((x) => ({ ...x, subject: nasty })) },
    };
    const xml = renderJunit([hostileResult], { version: nasty, failOn: "error", timestamp: "2030-01-01T00:00:00" });
    const root = parseXml(xml);
    const testcase = children(children(root, "testsuite")[0]!, "testcase")[0]!;
    expect(testcase.attrs.name).to.include("<script>alert(\"x\")</script> & 'co' ]]>").and.include("\\u{0000}").and.include("\\u{001b}").and.include("\\u{202e}");
    expect(testcase.attrs.name).to.include("\u{1F600}", "astral characters are kept");
    expect(testcase.attrs.name).to.not.include("\n");
    const failure = children(testcase, "failure")[0]!;
    expect(failure.text).to.include("\\u{d800}").and.include("\\u{ffff}");
    expect(xml).to.not.include("\u202e");
  });

  it("`--format junit` from the CLI is well-formed (verify)", async () => {
    const out = await runCli(scenario("missing-root").map((a) => (a === "json" ? "junit" : a)));
    expect(out.code).to.equal(1);
    const root = parseXml(out.stdout);
    expect(children(children(root, "testsuite")[0]!, "testcase")[0]!.attrs.name).to.equal("fixtures/scenarios/missing-root/presented.pem");
  });

  it("the test parser rejects what it must", () => {
    for (const bad of ["<a>", "<a></b>", "<a x='1' x='2'/>", "<a>&nope;</a>", "<a>x]]>y</a>", "<a>\u0001</a>", "<a/><b/>", "<a>&#0;</a>", "<a b=\"<\"/>"]) {
      expect(() => parseXml(bad), bad).to.throw(/not well-formed/);
    }
    expect(parseXml("<?xml version=\"1.0\"?>\n<a k=\"&quot;&#10;\">x &amp; y<b/></a>\n").attrs.k).to.equal("\"\n");
  });
});
