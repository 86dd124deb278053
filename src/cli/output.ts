/**
 * Renders results in the chosen format to stdout, or to `--output FILE` with a short summary on stdout (one line
 * per target, then the totals when there are several).
 */
import pc from "picocolors";
import { resolve } from "node:path";
import type { ChainResult } from "../result/verdict.js";
import type { TargetOrigin } from "../report/sarif.js";
import { jsonWriter } from "../report/json.js";
import { wholeDocument, type ReportWriter } from "../report/stream.js";
import type { Palette } from "../report/text.js";
import type { FailOn } from "./exit-code.js";
import type { OutputFormat } from "./flags.js";
import { UsageError } from "./options.js";
import { colourEnabled, type CliIo } from "./io.js";
import { checkAnchorFolder, checkReportFile, openReportFile } from "./write-target.js";

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

/** The report in `flags.format`, one result at a time. JUnit, SARIF and OpenMetrics renderers load only when asked for. */
async function reportWriter(flags: OutputFlags, palette: Palette | undefined, version: string, now: () => Date, context: OutputContext): Promise<ReportWriter> {
  switch (flags.format) {
    case "json":
      return jsonWriter(version);
    case "junit": {
      // The suite's time stamp is read when the document is finished, as when it was rendered in one go.
      const options = { version, failOn: flags.failOn ?? "error", get timestamp() { return now().toISOString().slice(0, 19); } } as const;
      return (await import("../report/junit.js")).junitWriter(options);
    }
    case "sarif":
      return (await import("../report/sarif.js")).sarifWriter({ version, ...(context.origins ? { origins: context.origins } : {}) });
    case "pem": {
      const { renderPem } = await import("../report/pem.js");
      return wholeDocument(renderPem);
    }
    case "openmetrics": {
      const { renderOpenMetrics } = await import("../report/openmetrics.js");
      return wholeDocument((results) => renderOpenMetrics(results, { version, nodeVersion: process.versions.node }));
    }
    case "text": {
      const { PLAIN, renderQuietLine, renderResultText } = await textReport();
      const options = { palette: palette ?? PLAIN, verbose: flags.verbose ?? false, quiet: flags.quiet ?? false };
      if (context.renderText) return wholeDocument((results) => context.renderText!(results, options));
      if (flags.quiet) return { add: renderQuietLine, end: () => "" };
      let count = 0;
      return { add: (r) => `${count++ === 0 ? "" : "\n"}${renderResultText(r, options)}`, end: () => "" };
    }
  }
}

/** "3 targets: 1 PASS, 1 WARN, 1 FAIL, 0 ERROR" */
export function totalsLine(results: readonly Pick<ChainResult, "status">[]): string {
  const count = (status: ChainResult["status"]) => results.filter((r) => r.status === status).length;
  return `${results.length} targets: ${count("pass")} PASS, ${count("warn")} WARN, ${count("fail")} FAIL, ${count("error")} ERROR\n`;
}

/** Where a run's results go as they come (`openResultOutput`). */
export interface ResultOutput {
  /** The next result, in input order: rendered, written when the format allows, then let go. */
  add(result: ChainResult): Promise<void>;
  /** After the last result: the rest of the report, and the summary on stdout when the report went to a file. */
  finish(): Promise<void>;
  /** The run failed: `--output` FILE is left as it was. */
  abort(): Promise<void>;
}

/**
 * The report of a run, written one result at a time: to `--output FILE` (through the one report writer,
 * write-target.ts) with a short summary on stdout at the end (one line per target, then the totals when there are
 * several), else to stdout. On a terminal the progress spinner may be drawing, so stdout gets the report at the end.
 */
export async function openResultOutput(flags: OutputFlags, io: CliIo, version: string, context: OutputContext = {}): Promise<ResultOutput> {
  if (flags.output) {
    const writer = await reportWriter({ ...flags, quiet: false }, undefined, version, () => io.now(), context);
    const { renderQuietLine } = await textReport();
    const file = openReportFile("--output", flags.output);
    const summary: string[] = [];
    const statuses: Pick<ChainResult, "status">[] = [];
    return {
      async add(result) {
        summary.push(renderQuietLine(result));
        statuses.push({ status: result.status });
        const text = writer.add(result);
        if (text) await file.write(text);
      },
      async finish() {
        await file.write(writer.end());
        await file.close();
        io.stdout(summary.join("") + (statuses.length > 1 && !flags.quiet ? totalsLine(statuses) : ""));
      },
      abort: () => file.abort(),
    };
  }
  const writer = await reportWriter(flags, paletteFor(io, flags.color), version, () => io.now(), context);
  // The text report's spinner (cli/check.ts) draws on a terminal's stderr while targets are checked.
  const spinning = flags.format === "text" && !flags.quiet && io.stderrIsTTY && io.progressStream !== undefined;
  const held = spinning ? [] as string[] : undefined;
  return {
    async add(result) {
      const text = writer.add(result);
      if (!text) return;
      if (held) held.push(text);
      else io.stdout(text);
    },
    async finish() {
      const text = (held ?? []).join("") + writer.end();
      if (text) io.stdout(text);
    },
    abort: async () => undefined,
  };
}

/** Every result of a run at once (`openResultOutput` fed in order). */
export async function emitResults(results: readonly ChainResult[], flags: OutputFlags, io: CliIo, version: string, context: OutputContext = {}): Promise<void> {
  const output = await openResultOutput(flags, io, version, context);
  try {
    for (const result of results) await output.add(result);
    await output.finish();
  } catch (err) {
    await output.abort();
    throw err;
  }
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
