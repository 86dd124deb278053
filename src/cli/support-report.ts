/**
 * I/O for `--report FILE`: a self-contained support file. FILE ending in .html (or .htm) gets the
 * single-page HTML report (inline CSS, no script, opens offline); any other name gets JSON (the
 * JSON report document plus a `support` block). Results hold no secret, and nothing else that
 * could (environment, credentials, private keys) is ever added here.
 */
import type { ChainResult } from "../result/verdict.js";
import { jsonReport } from "../report/json.js";
import { renderHtmlReport } from "../report/html.js";
import { escapeJsonInvisibles } from "../report/safe-text.js";
import type { CliIo } from "./io.js";
import { VERSION } from "./version.js";
import { writeReportFile } from "./write-target.js";

/** True when `path` names an HTML page. */
export function isHtmlReportPath(path: string): boolean {
  return /\.html?$/i.test(path);
}

/** The support file's content for `path` (pure apart from the facts passed in). */
export function supportReportText(path: string, results: readonly ChainResult[], trustStore: string, facts: { generatedAt: string; node: string; platform: string }): string {
  if (isHtmlReportPath(path)) return renderHtmlReport(results, { version: VERSION, ...facts });
  const document = { ...jsonReport(results, VERSION), support: { ...facts, trustStore } };
  return `${escapeJsonInvisibles(JSON.stringify(document, null, 2))}\n`;
}

export async function writeSupportReport(path: string, results: readonly ChainResult[], trustStore: string, io: CliIo): Promise<void> {
  const facts = { generatedAt: io.now().toISOString(), node: process.version, platform: `${process.platform} ${process.arch}` };
  await writeReportFile("--report", path, supportReportText(path, results, trustStore, facts));
  io.stderr(`chaincheck: ${isHtmlReportPath(path) ? "support page" : "support file"} written to ${path}\n`);
}
