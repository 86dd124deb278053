/**
 * The Prometheus exposition writer: metric families -> OpenMetrics 1.0.0 text or the Prometheus text format 0.0.4.
 * The two differ only where the formats do: OpenMetrics adds `# UNIT` lines and the closing `# EOF`, and names a
 * counter family without its `_total` suffix. HELP texts never hold a double quote or a backslash, because the two
 * formats escape them differently there; label values are escaped the same way in both (`\\`, `\"`, `\n`). Pure.
 */

export type ExpositionDialect = "openmetrics" | "prometheus";

/** The Content-Type of each dialect (what Prometheus asks for with its Accept header). */
export const CONTENT_TYPE: Readonly<Record<ExpositionDialect, string>> = {
  openmetrics: "application/openmetrics-text; version=1.0.0; charset=utf-8",
  prometheus: "text/plain; version=0.0.4; charset=utf-8",
};

/** One time series: its labels (written in insertion order) and its value. */
export interface Sample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface MetricFamily {
  /** The family name; for a counter without `_total` (the writer appends it to the samples). */
  readonly name: string;
  readonly type: "gauge" | "counter";
  readonly help: string;
  /** OpenMetrics unit; the name must end in `_<unit>`. */
  readonly unit?: string;
  readonly samples: readonly Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** A label value as both formats escape it inside double quotes. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

/** Numbers as both formats write them: NaN, +Inf, -Inf, else the shortest exact decimal. */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return String(value);
}

/** Programming errors (a bad name or HELP text) throw: every family is defined in code. */
function checkFamily(family: MetricFamily): void {
  if (!METRIC_NAME.test(family.name)) throw new Error(`invalid metric name ${family.name}`);
  if (/["\\\n]/.test(family.help)) throw new Error(`${family.name}: HELP must not hold a double quote, backslash or newline`);
  if (family.unit !== undefined && !family.name.endsWith(`_${family.unit}`)) throw new Error(`${family.name}: name must end in _${family.unit}`);
  if (family.type === "counter" && family.name.endsWith("_total")) throw new Error(`${family.name}: name a counter family without _total`);
  for (const s of family.samples) for (const name of Object.keys(s.labels)) if (!LABEL_NAME.test(name)) throw new Error(`${family.name}: invalid label name ${name}`);
}

function sampleLine(name: string, sample: Sample): string {
  const labels = Object.entries(sample.labels).map(([k, v]) => `${k}="${escapeLabelValue(v)}"`);
  return `${name}${labels.length > 0 ? `{${labels.join(",")}}` : ""} ${formatValue(sample.value)}`;
}

/** The exposition of `families` in `dialect`; families without samples are left out. Ends with a newline. */
export function renderExposition(families: readonly MetricFamily[], dialect: ExpositionDialect): string {
  const lines: string[] = [];
  for (const family of families) {
    checkFamily(family);
    if (family.samples.length === 0) continue;
    const sampleName = family.type === "counter" ? `${family.name}_total` : family.name;
    const metadataName = dialect === "openmetrics" ? family.name : sampleName;
    lines.push(`# HELP ${metadataName} ${family.help}`, `# TYPE ${metadataName} ${family.type}`);
    if (dialect === "openmetrics" && family.unit !== undefined) lines.push(`# UNIT ${metadataName} ${family.unit}`);
    for (const sample of family.samples) lines.push(sampleLine(sampleName, sample));
  }
  if (dialect === "openmetrics") lines.push("# EOF");
  return lines.length > 0 ? `${lines.join("\n")}\n` : "";
}

/**
 * The dialect a scraper asked for: OpenMetrics when its Accept header names application/openmetrics-text (as
 * Prometheus does), else the 0.0.4 text format, which every Prometheus version reads.
 */
export function negotiateDialect(accept: string | undefined): ExpositionDialect {
  return /application\/openmetrics-text/i.test(accept ?? "") ? "openmetrics" : "prometheus";
}
