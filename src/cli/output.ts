/**
 * Renders results in the chosen format to stdout, or to `--output FILE` with a short summary on stdout (one line
 * per target, then the totals when there are several).
 */
import pc from "picocolors";
import type { ChainResult } from "../result.js";
import type { TargetOrigin } from "../report/sarif.js";
import { renderJson } from "../report/json.js";
import type { Palette } from "../report/text.js";
import type { FailOn } from "./exit-code.js";
import type { OutputFormat } from "./flags.js";
import { colourEnabled, type CliIo } from "./io.js";
import { writeFileAtomic } from "./atomic-write.js";

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
    case "openmetrics": {
      const { renderOpenMetrics } = await import("../report/openmetrics.js");
      return renderOpenMetrics(results, { version, nodeVersion: process.versions.node });
    }
    case "text": {
      const { PLAIN, renderQuietLine, renderResultText } = await textReport();
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
    await writeFileAtomic(flags.output, await renderResults(results, { ...flags, quiet: false }, undefined, version, io.now(), context));
    const { renderQuietLine } = await textReport();
    io.stdout(results.map(renderQuietLine).join("") + (results.length > 1 && !flags.quiet ? totalsLine(results) : ""));
    return;
  }
  io.stdout(await renderResults(results, flags, paletteFor(io, flags.color), version, io.now(), context));
}
