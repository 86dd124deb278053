/**
 * The JSON report: a stable document for scripts and CI (README "JSON report", docs/report.schema.json).
 * schemaVersion 2 keeps every field of version 1 and adds each finding's typed `evidence`,
 * `remediation.cannotFixFindings`, `remediation.install[].kind`, `builtPath.loop` and `connection.orderReason`.
 */
import type { ChainResult } from "../result/verdict.js";
import { escapeJsonInvisibles } from "./safe-text.js";
import { indentJson, type ReportWriter } from "./stream.js";

export const SCHEMA_VERSION = 2;

export interface JsonReport {
  readonly schemaVersion: typeof SCHEMA_VERSION;
  readonly tool: { readonly name: "chaincheck"; readonly version: string };
  readonly results: readonly ChainResult[];
}

export function jsonReport(results: readonly ChainResult[], version: string): JsonReport {
  return { schemaVersion: SCHEMA_VERSION, tool: { name: "chaincheck", version }, results };
}

/** JSON.stringify escapes control characters, so hostile certificate fields stay well-formed. */
export function renderJson(results: readonly ChainResult[], version: string): string {
  return `${escapeJsonInvisibles(JSON.stringify(jsonReport(results, version), null, 2))}\n`;
}

/**
 * `renderJson`, one result at a time: the document's head, each result as JSON.stringify would nest it (2 levels
 * deep), the tail. Nothing but the count is kept.
 */
export function jsonWriter(version: string): ReportWriter {
  const empty = escapeJsonInvisibles(JSON.stringify(jsonReport([], version), null, 2));
  const open = empty.lastIndexOf("[]") + 1;
  let count = 0;
  return {
    add(result) {
      const item = indentJson(escapeJsonInvisibles(JSON.stringify(result, null, 2)), 4);
      return `${count++ === 0 ? `${empty.slice(0, open)}\n` : ",\n"}${item}`;
    },
    end: () => (count === 0 ? `${empty}\n` : `\n  ]\n}\n`),
  };
}
