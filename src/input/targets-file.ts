/**
 * `--targets-file`: one target per line, with its own servername and service. Pure: the file is read by the caller
 * (src/app/check.ts, within TARGETS_FILE_MAX_BYTES).
 */
import type { ProbeOptions } from "../probe/types.js";

export type TargetService = ProbeOptions["service"];

/** A line of a targets file that is not one chaincheck reads; `message` names `file:line`. */
export class TargetsFileError extends Error {
  override name = "TargetsFileError";
}

export interface TargetSpec {
  readonly input: string;
  readonly servername?: string;
  readonly service?: TargetService;
  /** The `--targets-file` line the target was read from (for error messages and SARIF locations). */
  readonly origin?: { readonly file: string; readonly line: number };
}

const SERVICES: readonly TargetService[] = ["auto", "tabpy", "rserve", "tls"];

/**
 * One target per line; `#` starts a comment (whole line or after the target); optional `servername=NAME` and
 * `service=auto|tabpy|rserve|tls` after the target, separated by blanks. CRLF and a UTF-8 BOM are accepted.
 * @throws TargetsFileError naming `fileName:line` for an unknown setting or service.
 */
export function parseTargetsFile(text: string, fileName: string): TargetSpec[] {
  const out: TargetSpec[] = [];
  text.replace(/^\ufeff/, "").split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/(^|\s)#.*$/, "").trim();
    if (!line) return;
    const where = `${fileName}:${i + 1}`;
    const [input, ...options] = line.split(/\s+/);
    let spec: { -readonly [K in keyof TargetSpec]: TargetSpec[K] } = { input: input!, origin: { file: fileName, line: i + 1 } };
    for (const option of options) {
      const m = /^(servername|service)=(.+)$/.exec(option);
      if (!m) throw new TargetsFileError(`${where}: unknown setting "${option}" (expected servername=NAME or service=NAME)`);
      if (m[1] === "service") {
        if (!(SERVICES as readonly string[]).includes(m[2]!)) throw new TargetsFileError(`${where}: service must be one of ${SERVICES.join(", ")}, got "${m[2]}"`);
        spec = { ...spec, service: m[2] as TargetService };
      } else spec = { ...spec, servername: m[2]! };
    }
    out.push(spec);
  });
  return out;
}
