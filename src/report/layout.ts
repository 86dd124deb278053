/** Plain-text layout helpers for the terminal report: word wrapping with hanging indents. Pure. */

/** Prose is wrapped to this many columns (a ticket or an 80-100 column terminal stays readable). */
export const WRAP_WIDTH = 100;

/**
 * Wraps `text` at spaces so that no line exceeds `width` (a single longer word, such as a URL or a
 * fingerprint, stays whole). The first line starts with `first`, the following ones with `rest`.
 */
export function wrap(text: string, first: string, rest: string = " ".repeat(first.length), width = WRAP_WIDTH): string[] {
  const words = text.split(" ").filter((w) => w !== "");
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const word of words) {
    if (!empty && line.length + 1 + word.length > width) {
      lines.push(line);
      line = rest + word;
    } else {
      line += (empty ? "" : " ") + word;
    }
    empty = false;
  }
  lines.push(line);
  return lines;
}
