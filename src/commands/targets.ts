/** Targets from the command line and `--targets-file` (pure parsing; the CLI reads the file). */
import { UsageError } from "../cli/options.js";

export interface TargetSpec {
  readonly input: string;
  readonly servername?: string;
  readonly service?: "auto" | "tabpy" | "rserve" | "tls";
}

const SERVICES = ["auto", "tabpy", "rserve", "tls"] as const;

/** One target per line; `#` starts a comment; optional `servername=NAME` and `service=NAME` after it. */
export function parseTargetsFile(text: string, fileName: string): TargetSpec[] {
  const out: TargetSpec[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/#.*$/, "").trim();
    if (!line) return;
    const [input, ...options] = line.split(/\s+/);
    let spec: { input: string; servername?: string; service?: TargetSpec["service"] } = { input: input! };
    for (const option of options) {
      const m = /^(servername|service)=(.+)$/.exec(option);
      if (!m) throw new UsageError(`${fileName}:${i + 1}: unknown setting "${option}" (expected servername=NAME or service=NAME)`);
      if (m[1] === "service") {
        if (!(SERVICES as readonly string[]).includes(m[2]!)) throw new UsageError(`${fileName}:${i + 1}: service must be one of ${SERVICES.join(", ")}`);
        spec = { ...spec, service: m[2] as TargetSpec["service"] };
      } else spec = { ...spec, servername: m[2]! };
    }
    out.push(spec);
  });
  return out;
}

/** Runs `task` over `items` with at most `limit` at once; results in input order. */
export async function mapConcurrent<T, R>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
