/**
 * The JSON report: a stable document for scripts and CI (README "JSON report", docs/report.schema.json).
 * schemaVersion 2 keeps every field of version 1 and adds each finding's typed `evidence`,
 * `remediation.cannotFixFindings`, `remediation.install[].kind`, `builtPath.loop` and `connection.orderReason`.
 */
import type { ChainResult } from "../result/verdict.js";
import { escapeJsonInvisibles } from "./safe-text.js";

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
