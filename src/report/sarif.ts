/**
 * SARIF 2.1.0 (OASIS; GitHub code scanning, GitLab, Azure DevOps): one result per finding, ruleId = the finding
 * code, rules from the catalog (title; help = the remediation), level error / warning / note. The location is the
 * target: the file for `verify`, the endpoint (a logical location) for a live check, plus the line of
 * `--targets-file` it came from when it came from one (code scanning accepts only file locations). Pure.
 */
import { createHash } from "node:crypto";
import { isAbsolute } from "node:path";
import { pathToFileURL } from "node:url";
import type { ReportedFinding, Severity } from "../types.js";
import type { ChainResult } from "../result/verdict.js";
import { FINDINGS } from "../words/findings.js";
import { escapeJsonInvisibles } from "./safe-text.js";
import { indentJson, type ReportWriter } from "./stream.js";

export const SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/** Where a target was written: a line of `--targets-file`. */
export interface TargetOrigin {
  readonly file: string;
  readonly line: number;
}

export interface SarifOptions {
  readonly version: string;
  /** Per result (same index), where the target came from, when it came from a targets file. */
  readonly origins?: readonly (TargetOrigin | undefined)[];
}

const LEVEL: Readonly<Record<Severity, "error" | "warning" | "note">> = { error: "error", warning: "warning", info: "note" };

interface CatalogEntry { readonly title: string; readonly rank: number; readonly severity: Severity }
const catalogEntry = (code: string): CatalogEntry | undefined => (FINDINGS as Record<string, CatalogEntry | undefined>)[code];

/** A path as a URI reference (SARIF §3.10): relative paths stay relative, segments percent-encoded. */
export function artifactUri(path: string): string {
  if (isAbsolute(path)) return pathToFileURL(path).href;
  return path.split(/[\\/]/).map((segment) => (segment === "." || segment === ".." ? segment : encodeURIComponent(segment))).join("/");
}

/** "ISSUER_NOT_FOUND" -> "IssuerNotFound" (reportingDescriptor.name). */
const pascal = (code: string): string => code.toLowerCase().split("_").map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join("");

/** What a rule takes from the first finding of its code (in result order). */
interface FirstFinding {
  readonly remediation: string;
  readonly severity: Severity;
}

/** The first finding of each code, in result order (the rule's help is its remediation). */
function noteFirst(first: Map<string, FirstFinding>, findings: readonly ReportedFinding[]): void {
  for (const f of findings) if (!first.has(f.code)) first.set(f.code, { remediation: f.remediation, severity: f.severity });
}

/** The rules, one per code found, sorted by code (a result's ruleIndex points into them). */
function rulesOf(first: ReadonlyMap<string, FirstFinding>): { rules: object[]; index: Map<string, number> } {
  const codes = [...first.keys()].sort();
  const rules = codes.map((code) => {
    const entry = catalogEntry(code);
    const severity = entry?.severity ?? first.get(code)!.severity;
    return {
      id: code,
      name: pascal(code),
      shortDescription: { text: entry?.title ?? code },
      help: { text: first.get(code)!.remediation },
      defaultConfiguration: { level: LEVEL[severity] },
      properties: { severity, rank: entry?.rank ?? 0, tags: ["tls", "certificate-chain"] },
    };
  });
  return { rules, index: new Map(codes.map((code, i) => [code, i])) };
}

function location(result: ChainResult, origin: TargetOrigin | undefined): object {
  if (!result.connection) return { physicalLocation: { artifactLocation: { uri: artifactUri(result.target) } } };
  const logical = { logicalLocations: [{ name: result.target, fullyQualifiedName: `tls://${result.connection.endpoint}`, kind: "resource" }] };
  if (!origin) return logical;
  return { physicalLocation: { artifactLocation: { uri: artifactUri(origin.file) }, region: { startLine: origin.line } }, ...logical };
}

// `chaincheck tableau`: the same endpoint may be configured on several sites; each connection is its own place.
const fingerprint = (result: ChainResult, f: ReportedFinding): string =>
  createHash("sha256").update(`${f.code}\u0000${result.target}\u0000${f.certificate ?? ""}${result.extensionConnection ? `\u0000${result.site?.id ?? ""}/${result.extensionConnection.id}` : ""}`).digest("hex");

/** A SARIF result for finding `f` of `result`, but its ruleId and ruleIndex. `help`: the rule's help text. */
function resultFields(result: ChainResult, f: ReportedFinding, origin: TargetOrigin | undefined, help: string): object {
  return {
    level: LEVEL[f.severity],
    // The rule's help is the first occurrence's fix; a result whose fix differs carries its own.
    message: { text: f.remediation === help ? f.message : `${f.message} Fix: ${f.remediation}` },
    locations: [location(result, origin)],
    partialFingerprints: { "chaincheckFinding/v1": fingerprint(result, f) },
    properties: {
      target: result.target, status: result.status, host: result.host, certificate: f.certificate, remediation: f.remediation,
      ...(result.site && result.extensionConnection ? { tableauSite: result.site.name, tableauConnection: result.extensionConnection.name } : {}),
    },
  };
}

const STATUSES = ["pass", "warn", "fail", "error"] as const;

/** The log around the results: the run's tool (with `rules`), invocation and totals. */
function sarifLog(version: string, rules: readonly object[], results: readonly object[], statuses: Readonly<Record<ChainResult["status"], number>>): object {
  return {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [{
      tool: { driver: { name: "chaincheck", version, semanticVersion: version, rules } },
      invocations: [{ executionSuccessful: true }],
      results,
      properties: {
        targets: STATUSES.reduce((sum, s) => sum + statuses[s], 0),
        statuses: Object.fromEntries(STATUSES.map((s) => [s, statuses[s]])),
      },
    }],
  };
}

const tallyStatuses = (results: readonly ChainResult[]): Record<ChainResult["status"], number> =>
  Object.fromEntries(STATUSES.map((s) => [s, results.filter((r) => r.status === s).length])) as Record<ChainResult["status"], number>;

/**
 * The SARIF log for `results`, as a JSON document (2-space indented, trailing newline). JSON.stringify escapes
 * control characters; bidi and invisible characters from certificates are escaped too.
 */
export function renderSarif(results: readonly ChainResult[], options: SarifOptions): string {
  const first = new Map<string, FirstFinding>();
  for (const result of results) noteFirst(first, result.findings);
  const { rules, index } = rulesOf(first);
  const sarifResults = results.flatMap((result, i) =>
    result.findings.map((f) => ({ ruleId: f.code, ruleIndex: index.get(f.code)!, ...resultFields(result, f, options.origins?.[i], first.get(f.code)!.remediation) })),
  );
  return `${escapeJsonInvisibles(JSON.stringify(sarifLog(options.version, rules, sarifResults, tallyStatuses(results)), null, 2))}\n`;
}

/**
 * `renderSarif`, one result at a time. The rules (and each result's ruleIndex into them) come before the results and
 * depend on every finding of the run, so each SARIF result is rendered when its target's result comes and only its
 * text is kept; the end puts the log together around them.
 */
export function sarifWriter(options: SarifOptions): ReportWriter {
  const first = new Map<string, FirstFinding>();
  const rendered: { code: string; rest: string }[] = [];
  const statuses: Record<ChainResult["status"], number> = { pass: 0, warn: 0, fail: 0, error: 0 };
  let count = 0;
  return {
    add(result) {
      noteFirst(first, result.findings);
      const origin = options.origins?.[count++];
      for (const f of result.findings) {
        // The fields after ruleId and ruleIndex, as JSON.stringify lays them out ("{\n  ..."), without the brace.
        rendered.push({ code: f.code, rest: JSON.stringify(resultFields(result, f, origin, first.get(f.code)!.remediation), null, 2).slice(1) });
      }
      statuses[result.status]++;
      return "";
    },
    end() {
      const { rules, index } = rulesOf(first);
      const log = JSON.stringify(sarifLog(options.version, rules, [], statuses), null, 2);
      // The one `"results": []` outside a string (inside one its quotes would be escaped): the run's results.
      const at = log.indexOf(`"results": []`) + `"results": [`.length;
      const items = rendered.map(({ code, rest }) => indentJson(`{\n  "ruleId": ${JSON.stringify(code)},\n  "ruleIndex": ${index.get(code)!},${rest}`, 8));
      const body = items.length === 0 ? log : `${log.slice(0, at)}\n${items.join(",\n")}\n      ${log.slice(at)}`;
      return `${escapeJsonInvisibles(body)}\n`;
    },
  };
}
