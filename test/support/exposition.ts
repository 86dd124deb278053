/**
 * A reader of the Prometheus text exposition for the tests (independent of src/report/exposition.ts): metadata
 * lines and samples, label values unescaped. Throws on a line it cannot read, so a malformed exposition fails.
 */

export interface ParsedSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface ParsedExposition {
  readonly samples: readonly ParsedSample[];
  /** Per family name (as written on its metadata lines): HELP, TYPE and UNIT. */
  readonly meta: ReadonlyMap<string, { help?: string; type?: string; unit?: string }>;
  readonly lines: readonly string[];
}

function parseLabels(text: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let i = 0;
  while (i < text.length) {
    const name = /^[a-zA-Z_][a-zA-Z0-9_]*="/.exec(text.slice(i));
    if (!name) throw new Error(`bad label at ${i} in: ${line}`);
    i += name[0].length;
    let value = "";
    for (;;) {
      const ch = text[i];
      if (ch === undefined) throw new Error(`unterminated label value in: ${line}`);
      if (ch === '"') break;
      if (ch === "\\") {
        const next = text[i + 1];
        if (next === "\\") value += "\\";
        else if (next === '"') value += '"';
        else if (next === "n") value += "\n";
        else throw new Error(`bad escape \\${next} in: ${line}`);
        i += 2;
        continue;
      }
      if (ch === "\n") throw new Error(`raw newline in a label value: ${line}`);
      value += ch;
      i++;
    }
    const key = name[0].slice(0, -2);
    if (key in labels) throw new Error(`label ${key} twice in: ${line}`);
    labels[key] = value;
    i++;
    if (text[i] === ",") i++;
  }
  return labels;
}

function parseValue(text: string): number {
  if (text === "+Inf") return Infinity;
  if (text === "-Inf") return -Infinity;
  if (text === "NaN") return NaN;
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(text)) throw new Error(`bad value ${text}`);
  return Number(text);
}

export function parseExposition(text: string): ParsedExposition {
  const samples: ParsedSample[] = [];
  const meta = new Map<string, { help?: string; type?: string; unit?: string }>();
  const lines = text.split("\n");
  if (lines.pop() !== "") throw new Error("the exposition must end with a newline");
  for (const line of lines) {
    const m = /^# (HELP|TYPE|UNIT) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (m) {
      const entry = meta.get(m[2]!) ?? {};
      entry[m[1]!.toLowerCase() as "help" | "type" | "unit"] = m[3]!;
      meta.set(m[2]!, entry);
      continue;
    }
    if (line === "# EOF") continue;
    const s = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!s) throw new Error(`not a metadata or sample line: ${JSON.stringify(line)}`);
    samples.push({ name: s[1]!, labels: s[2] ? parseLabels(s[2], line) : {}, value: parseValue(s[3]!) });
  }
  return { samples, meta, lines };
}

/** The samples of one metric, optionally only those whose labels include `where`. */
export function samplesOf(parsed: ParsedExposition, name: string, where: Record<string, string> = {}): ParsedSample[] {
  return parsed.samples.filter((s) => s.name === name && Object.entries(where).every(([k, v]) => s.labels[k] === v));
}

/** The value of the single sample matching; throws when there is not exactly one. */
export function valueOf(parsed: ParsedExposition, name: string, where: Record<string, string> = {}): number {
  const found = samplesOf(parsed, name, where);
  if (found.length !== 1) throw new Error(`${name} ${JSON.stringify(where)}: ${found.length} samples`);
  return found[0]!.value;
}
