/**
 * Renders results in the chosen format to stdout, or to `--output FILE` with a short summary on stdout (one line
 * per target, then the totals when there are several).
 */
import pc from "picocolors";
import { resolve } from "node:path";
import type { ChainResult } from "../result/verdict.js";
import type { TargetOrigin } from "../report/sarif.js";
import { renderJson } from "../report/json.js";
import type { Palette } from "../report/text.js";
import type { FailOn } from "./exit-code.js";
import type { OutputFormat } from "./flags.js";
import { UsageError } from "./options.js";
import { colourEnabled, type CliIo } from "./io.js";
import { checkAnchorFolder, checkReportFile, writeReportFile } from "./write-target.js";

/** The text renderer (about 8 modules) is loaded only when a text report or summary is printed. */
const textReport = () => import("../report/text.js");

export interface OutputFlags {
  format: OutputFormat;
  output?: string;
  quiet?: boolean;
  verbose?: boolean;
  color: boolean;
  /** JUnit marks warned targets failed under `--fail-on warning`, like the exit code. */
  failOn?: FailOn;
}

/** What a renderer may need besides the results. */
export interface OutputContext {
  /** Per result: the `--targets-file` line it came from (SARIF locations). */
  readonly origins?: readonly (TargetOrigin | undefined)[];
  /** A command's own text layout (`chaincheck tableau` groups by site), in place of one report after another. */
  readonly renderText?: (results: readonly ChainResult[], options: { palette: Palette; verbose: boolean; quiet: boolean }) => string;
}

/** Colours for a terminal, else none (`undefined`: the renderer's plain palette). */
export function paletteFor(io: CliIo, color: boolean): Palette | undefined {
  return colourEnabled(io, !color) ? pc.createColors(true) : undefined;
}

/** The report in `flags.format`. JUnit, SARIF and OpenMetrics renderers load only when asked for. */
export async function renderResults(
  results: readonly ChainResult[], flags: OutputFlags, palette: Palette | undefined, version: string, now: Date = new Date(), context: OutputContext = {},
): Promise<string> {
  switch (flags.format) {
    case "json":
      return renderJson(results, version);
    case "junit": {
      const { renderJunit } = await import("../report/junit.js");
      return renderJunit(results, { version, failOn: flags.failOn ?? "error", timestamp: now.toISOString().slice(0, 19) });
    }
    case "sarif": {
      const { renderSarif } = await import("../report/sarif.js");
      return renderSarif(results, { version, ...(context.origins ? { origins: context.origins } : {}) });
    }
    case "pem":
      return (await import("../report/pem.js")).renderPem(results);
    case "openmetrics": {
      const { renderOpenMetrics } = await import("../report/openmetrics.js");
      return renderOpenMetrics(results, { version, nodeVersion: process.versions.node });
    }
    case "text": {
      const { PLAIN, renderQuietLine, renderResultText } = await textReport();
      if (context.renderText) return context.renderText(results, { palette: palette ?? PLAIN, verbose: flags.verbose ?? false, quiet: flags.quiet ?? false });
      if (flags.quiet) return results.map(renderQuietLine).join("");
      return results.map((r) => renderResultText(r, { palette: palette ?? PLAIN, verbose: flags.verbose ?? false })).join("\n");
    }
  }
}

/** "3 targets: 1 PASS, 1 WARN, 1 FAIL, 0 ERROR" */
export function totalsLine(results: readonly ChainResult[]): string {
  const count = (status: ChainResult["status"]) => results.filter((r) => r.status === status).length;
  return `${results.length} targets: ${count("pass")} PASS, ${count("warn")} WARN, ${count("fail")} FAIL, ${count("error")} ERROR\n`;
}

export async function emitResults(results: readonly ChainResult[], flags: OutputFlags, io: CliIo, version: string, context: OutputContext = {}): Promise<void> {
  if (flags.output) {
    await writeReportFile("--output", flags.output, await renderResults(results, { ...flags, quiet: false }, undefined, version, io.now(), context));
    const { renderQuietLine } = await textReport();
    io.stdout(results.map(renderQuietLine).join("") + (results.length > 1 && !flags.quiet ? totalsLine(results) : ""));
    return;
  }
  io.stdout(await renderResults(results, flags, paletteFor(io, flags.color), version, io.now(), context));
}

/** Where a run writes, as the flags name it. */
export interface WriteFlags {
  output?: string;
  report?: string;
  saveAnchors?: string;
  force?: boolean;
}

/**
 * Every path the run will write, checked before any file is read or server probed: a missing
 * folder, a file where a folder is expected, a kernel pseudo file system or an input of the run
 * is exit 2 at once (write-target.ts).
 */
export async function checkOutputTargets(flags: WriteFlags, inputs: readonly string[]): Promise<void> {
  if (flags.output !== undefined && flags.report !== undefined && resolve(flags.output) === resolve(flags.report)) {
    throw new UsageError(`--output and --report name the same file (${flags.output})`);
  }
  if (flags.output !== undefined) await checkReportFile("--output", flags.output, { inputs });
  if (flags.report !== undefined) await checkReportFile("--report", flags.report, { inputs });
  if (flags.saveAnchors !== undefined) await checkAnchorFolder("--save-anchors", flags.saveAnchors);
}

/** `--save-anchors` and `--report` after the check (modules loaded only when asked for: start-up time is a goal). */
export async function writeArtifacts(results: readonly ChainResult[], flags: WriteFlags, io: CliIo, trustStore: string): Promise<void> {
  if (flags.saveAnchors) await (await import("./save-anchors.js")).saveAnchors(flags.saveAnchors, results, io, flags.force === true);
  if (flags.report) await (await import("./support-report.js")).writeSupportReport(flags.report, results, trustStore, io);
}
