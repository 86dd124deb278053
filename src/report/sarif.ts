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

function rulesFor(results: readonly ChainResult[]): { rules: object[]; index: Map<string, number>; help: Map<string, string> } {
  const first = new Map<string, ReportedFinding>();
  for (const f of results.flatMap((r) => r.findings)) if (!first.has(f.code)) first.set(f.code, f);
  const codes = [...first.keys()].sort();
  const help = new Map(codes.map((code) => [code, first.get(code)!.remediation]));
  const rules = codes.map((code) => {
    const entry = catalogEntry(code);
    const severity = entry?.severity ?? first.get(code)!.severity;
    return {
      id: code,
      name: pascal(code),
      shortDescription: { text: entry?.title ?? code },
      help: { text: help.get(code)! },
      defaultConfiguration: { level: LEVEL[severity] },
      properties: { severity, rank: entry?.rank ?? 0, tags: ["tls", "certificate-chain"] },
    };
  });
  return { rules, index: new Map(codes.map((code, i) => [code, i])), help };
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

/**
 * The SARIF log for `results`, as a JSON document (2-space indented, trailing newline). JSON.stringify escapes
 * control characters; bidi and invisible characters from certificates are escaped too.
 */
export function renderSarif(results: readonly ChainResult[], options: SarifOptions): string {
  const { rules, index, help } = rulesFor(results);
  const sarifResults = results.flatMap((result, i) =>
    result.findings.map((f) => ({
      ruleId: f.code,
      ruleIndex: index.get(f.code)!,
      level: LEVEL[f.severity],
      // The rule's help is the first occurrence's fix; a result whose fix differs carries its own.
      message: { text: f.remediation === help.get(f.code) ? f.message : `${f.message} Fix: ${f.remediation}` },
      locations: [location(result, options.origins?.[i])],
      partialFingerprints: { "chaincheckFinding/v1": fingerprint(result, f) },
      properties: {
        target: result.target, status: result.status, host: result.host, certificate: f.certificate, remediation: f.remediation,
        ...(result.site && result.extensionConnection ? { tableauSite: result.site.name, tableauConnection: result.extensionConnection.name } : {}),
      },
    })),
  );
  const log = {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [{
      tool: { driver: { name: "chaincheck", version: options.version, semanticVersion: options.version, rules } },
      invocations: [{ executionSuccessful: true }],
      results: sarifResults,
      properties: {
        targets: results.length,
        statuses: Object.fromEntries((["pass", "warn", "fail", "error"] as const).map((s) => [s, results.filter((r) => r.status === s).length])),
      },
    }],
  };
  return `${escapeJsonInvisibles(JSON.stringify(log, null, 2))}\n`;
}
