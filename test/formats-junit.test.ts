/**
 * JUnit XML: one test case per target, failures with the headline finding and the advice, errors for targets that
 * could not be checked, and a document that stays well-formed whatever the certificates say. Well-formedness is
 * checked by a small XML 1.0 parser (test/support/xml.ts; no regular expressions, no package).
 */
import { expect } from "chai";
import { join } from "node:path";
import { renderJunit } from "../src/report/junit.js";
import type { ChainResult } from "../src/result/verdict.js";
import type { JsonReport } from "../src/report/json.js";
import { hostile } from "./support/hostile-servers.js";
import { runCli } from "./support/cli.js";
import { children, parseXml } from "./support/xml.js";

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
