/**
 * Colour for the text report, as a parameter: the CLI passes picocolors' functions when colour is on
 * (TTY, FORCE_COLOR; never with NO_COLOR or --no-color) and `PLAIN` otherwise. Colour is only ever a
 * second channel: every coloured word (PASS, ERROR, EXPIRED, …) is also there in plain text.
 */
import type { Tone } from "../words/report.js";

export interface Palette {
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
  cyan(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

const same = (s: string): string => s;

export const PLAIN: Palette = { red: same, yellow: same, green: same, cyan: same, dim: same, bold: same };

/** The colour that goes with a marker's tone. */
export function toneColour(p: Palette, tone: Tone): (s: string) => string {
  return { bad: p.red, warn: p.yellow, good: p.green, info: p.cyan }[tone];
}
