/** Summary statistics and formatting for the benchmark (pure). */

export interface Summary {
  readonly n: number;
  readonly min: number;
  readonly median: number;
  readonly max: number;
}

export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) return { n: 0, min: Number.NaN, median: Number.NaN, max: Number.NaN };
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { n: sorted.length, min: sorted[0]!, median, max: sorted[sorted.length - 1]! };
}

const fixed = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : "n/a");

/** "label  median 123.4 ms  (min 100.0, max 150.2, n=21)" */
export function line(label: string, s: Summary, unit: string, digits = 1): string {
  return `${label.padEnd(64)} median ${fixed(s.median, digits).padStart(8)} ${unit}  (min ${fixed(s.min, digits)}, max ${fixed(s.max, digits)}, n=${s.n})`;
}

/** "  ratio: a / b = 1.23x (goal <= 1.3x: met)" */
export function ratio(label: string, value: number, goal?: { op: "<=" | ">="; target: number; unit?: string }): string {
  const verdict = goal ? ` (goal ${goal.op} ${goal.target}${goal.unit ?? "x"}: ${(goal.op === "<=" ? value <= goal.target : value >= goal.target) ? "met" : "MISSED"})` : "";
  return `  ${label} = ${fixed(value, 2)}${goal?.unit ?? "x"}${verdict}`;
}
