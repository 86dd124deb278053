/** Renders results in the chosen format to stdout or `--output FILE`. */
import { writeFile } from "node:fs/promises";
import pc from "picocolors";
import type { ChainResult } from "../result.js";
import { renderJson } from "../report/json.js";
import { PLAIN, renderQuietLine, renderResultText, type Palette } from "../report/text.js";
import { colourEnabled, type CliIo } from "./io.js";

export interface OutputFlags {
  format: "text" | "json";
  output?: string;
  quiet?: boolean;
  verbose?: boolean;
  color: boolean;
}

export function paletteFor(io: CliIo, color: boolean): Palette {
  return colourEnabled(io, !color) ? pc.createColors(true) : PLAIN;
}

export function renderResults(results: readonly ChainResult[], flags: OutputFlags, palette: Palette, version: string): string {
  if (flags.format === "json") return renderJson(results, version);
  if (flags.quiet) return results.map(renderQuietLine).join("");
  return results.map((r) => renderResultText(r, { palette, verbose: flags.verbose ?? false })).join("\n");
}

export async function emitResults(results: readonly ChainResult[], flags: OutputFlags, io: CliIo, version: string): Promise<void> {
  if (flags.output) {
    await writeFile(flags.output, renderResults(results, { ...flags, quiet: false }, PLAIN, version));
    io.stdout(results.map(renderQuietLine).join(""));
    return;
  }
  io.stdout(renderResults(results, flags, paletteFor(io, flags.color), version));
}
