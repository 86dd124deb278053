/**
 * JUnit XML (the Jenkins / GitLab / GitHub test-report dialect): one `<testcase>` per target, classname
 * "chaincheck", name = the target (`chaincheck tableau`: the connection's name and the target, one testsuite per site). A failed target carries `<failure>` (the headline finding and the advice), a
 * target that could not be checked `<error>`, and `<system-out>` lists every finding. Certificate text is hostile:
 * every value is escaped, and characters XML 1.0 forbids are made visible. Pure.
 */
import type { ReportedFinding } from "../types.js";
import type { ChainResult } from "../result/verdict.js";
import { safeText } from "./safe-text.js";
import type { ReportWriter } from "./stream.js";

export interface JunitOptions {
  readonly version: string;
  /** `--fail-on warning`: a target with warnings is a failed test case, as it fails the exit code. */
  readonly failOn: "error" | "warning";
  /** ISO 8601 time stamp of the run (the suite's `timestamp`). */
  readonly timestamp: string;
}

// XML 1.0 §2.2 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]. Anything else (C0
// controls, lone surrogates, U+FFFE/U+FFFF) makes the document ill-formed, escaped or not.
const FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const visible = (ch: string): string => `\\u{${ch.charCodeAt(0).toString(16).padStart(4, "0")}}`;

/** Character data: `&`, `<`, `>` escaped, characters XML forbids shown as `\u{hhhh}`. Line breaks are kept. */
export function xmlText(value: string): string {
  return value.replace(FORBIDDEN, visible).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Attribute value (double-quoted), one line made inert by `safeText`, then escaped (`"` included). */
export function xmlAttr(value: string): string {
  return xmlText(safeText(value)).replace(/"/g, "&quot;").replace(/\t/g, "&#9;").replace(/\n/g, "&#10;").replace(/\r/g, "&#13;");
}

/**
 * One line of certificate-derived text, inert for terminals and viewers (controls, bidi overrides, line breaks made
 * visible by `safeText`), then escaped for XML character data.
 */
export function xmlLine(value: string): string {
  return xmlText(safeText(value));
}

type Outcome = "passed" | "failed" | "error";

function outcomeOf(result: ChainResult, failOn: JunitOptions["failOn"]): Outcome {
  if (result.status === "error") return "error";
  if (result.status === "fail" || (failOn === "warning" && result.status === "warn")) return "failed";
  return "passed";
}

/** The finding a failure is about: the headline error, else (warnings failing) the first warning. */
function leadFinding(result: ChainResult): ReportedFinding | undefined {
  return result.findings.find((f) => f.code === result.headline) ?? result.findings.find((f) => f.severity !== "info");
}

/** The advice: the finding's fix, then the install steps and server-side alternatives of the remediation. */
function adviceLines(result: ChainResult, lead: ReportedFinding): string[] {
  const r = result.remediation;
  const lines = [`${lead.code}: ${lead.message}`, `Fix: ${lead.remediation}`];
  if (r.install.length > 0) {
    lines.push("", `Install on the Tableau machine (${r.targetOs}):`);
    lines.push(...r.install.map((item, i) => `  ${i + 1}. ${item.role} "${item.subject}"${item.sha256 ? ` (SHA-256 ${item.sha256})` : ""}`));
  }
  if (r.steps.length > 0) lines.push("", ...r.steps);
  if (r.serverSide.length > 0) lines.push("", ...r.serverSide);
  if (r.cannotFix.length > 0) lines.push("", "No installed certificate fixes these:", ...r.cannotFix.map((s) => `  - ${s}`));
  if (r.proof) lines.push("", r.proof);
  return lines;
}

function findingLines(result: ChainResult): string[] {
  const head = [`${result.target}: ${result.status.toUpperCase()}`, `Trust store: ${result.trustStore}`, `Checked at: ${result.checkedAt}`];
  if (result.host) head.push(`Host name: ${result.host}`);
  if (result.connection) head.push(`Endpoint: ${result.connection.endpoint}${result.connection.protocol ? ` (${result.connection.protocol})` : ""}`);
  const findings = result.findings.map((f) => `${f.severity.toUpperCase()} ${f.code}: ${f.message}`);
  return [...head, ...(findings.length > 0 ? ["Findings:", ...findings] : ["No findings."])];
}

/** Joins lines each made safe for XML character data. */
const block = (lines: readonly string[]): string => lines.map(xmlLine).join("\n");

function testcase(result: ChainResult, options: JunitOptions): string {
  const seconds = ((result.connection?.elapsedMs ?? 0) / 1000).toFixed(3);
  const name = result.extensionConnection ? `${result.extensionConnection.name} (${result.target})` : result.target;
  const open = `    <testcase classname="chaincheck" name="${xmlAttr(name)}" time="${seconds}">`;
  const outcome = outcomeOf(result, options.failOn);
  const lead = leadFinding(result);
  const parts = [open];
  if (outcome !== "passed" && lead) {
    const tag = outcome === "error" ? "error" : "failure";
    parts.push(`      <${tag} type="${xmlAttr(lead.code)}" message="${xmlAttr(`${lead.code}: ${lead.message}`)}">${block(adviceLines(result, lead))}</${tag}>`);
  } else if (outcome !== "passed") {
    parts.push(`      <failure type="NOT_TRUSTED" message="not trusted">${block(["The chain is not trusted."])}</failure>`);
  }
  parts.push(`      <system-out>${block(findingLines(result))}</system-out>`, "    </testcase>");
  return parts.join("\n");
}

/** A suite's (or the run's) counts, added up in input order. */
interface Tally {
  tests: number;
  failures: number;
  errors: number;
  elapsedMs: number;
}

const emptyTally = (): Tally => ({ tests: 0, failures: 0, errors: 0, elapsedMs: 0 });

function count(tally: Tally, result: ChainResult, options: JunitOptions): void {
  const outcome = outcomeOf(result, options.failOn);
  tally.tests++;
  if (outcome === "failed") tally.failures++;
  if (outcome === "error") tally.errors++;
  tally.elapsedMs += result.connection?.elapsedMs ?? 0;
}

const countsText = (t: Tally): string =>
  `tests="${t.tests}" failures="${t.failures}" errors="${t.errors}" skipped="0" time="${(t.elapsedMs / 1000).toFixed(3)}"`;

/** One `<testsuite>`: its results' test cases (rendered as they came) and counts. */
interface Suite {
  readonly name: string;
  /** `chaincheck tableau`: the site's content URL. */
  readonly contentUrl?: string;
  readonly cases: string[];
  readonly tally: Tally;
}

/**
 * The JUnit document, one result at a time: each test case is rendered when its result comes and only its text is
 * kept, since the counts at the top need every result. One suite for every result; `chaincheck tableau` results:
 * one suite per Tableau site, in order of appearance.
 */
export function junitWriter(options: JunitOptions): ReportWriter {
  const total = emptyTally();
  const suites = new Map<string, Suite>();
  return {
    add(result) {
      const key = result.site?.id ?? "";
      let suite = suites.get(key);
      if (!suite) {
        const name = result.site ? `chaincheck tableau site "${result.site.name}"` : "chaincheck";
        suite = { name, ...(result.site ? { contentUrl: result.site.contentUrl } : {}), cases: [], tally: emptyTally() };
        suites.set(key, suite);
      }
      suite.cases.push(testcase(result, options));
      count(suite.tally, result, options);
      count(total, result, options);
      return "";
    },
    end: () => [
      `<?xml version="1.0" encoding="UTF-8"?>`,
      `<testsuites name="chaincheck" ${countsText(total)}>`,
      ...(suites.size > 0 ? [...suites.values()] : [{ name: "chaincheck", cases: [], tally: emptyTally() } as Suite]).flatMap((suite) => [
        `  <testsuite name="${xmlAttr(suite.name)}" ${countsText(suite.tally)} timestamp="${xmlAttr(options.timestamp)}">`,
        `    <properties>`,
        `      <property name="chaincheck.version" value="${xmlAttr(options.version)}"/>`,
        `      <property name="chaincheck.failOn" value="${xmlAttr(options.failOn)}"/>`,
        ...(suite.contentUrl !== undefined ? [`      <property name="tableau.site.contentUrl" value="${xmlAttr(suite.contentUrl)}"/>`] : []),
        `    </properties>`,
        ...suite.cases,
        `  </testsuite>`,
      ]),
      `</testsuites>`,
      "",
    ].join("\n"),
  };
}

/** The JUnit XML document for `results` (UTF-8, well-formed whatever the certificates contain). */
export function renderJunit(results: readonly ChainResult[], options: JunitOptions): string {
  const writer = junitWriter(options);
  for (const result of results) writer.add(result);
  return writer.end();
}
