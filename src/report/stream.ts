/**
 * A report written one result at a time (a fleet's `--output`): results go in, in input order, and are not kept
 * once rendered; what comes out, concatenated, is byte for byte the document the format's whole-report renderer
 * gives for the same results. Pure.
 */
import type { ChainResult } from "../result/verdict.js";

export interface ReportWriter {
  /** The text that can be written now for `result` ("" while the format waits for the run's totals). */
  add(result: ChainResult): string;
  /** The rest of the document, after the last result. */
  end(): string;
}

/** A format that lays out every result at once (OpenMetrics, PEM, a command's own text layout): held, rendered at the end. */
export function wholeDocument(render: (results: readonly ChainResult[]) => string): ReportWriter {
  const results: ChainResult[] = [];
  return {
    add(result) {
      results.push(result);
      return "";
    },
    end: () => render(results),
  };
}

/** Each line of `json` (JSON.stringify output: no raw line break inside a string) indented by `spaces`. */
export function indentJson(json: string, spaces: number): string {
  const pad = " ".repeat(spaces);
  return pad + json.replace(/\n/g, `\n${pad}`);
}
