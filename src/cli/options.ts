/** Pure parsers for option values: each returns the value or throws `UsageError` with one line. */
import { TARGET_OSES, type TargetOs } from "../advise/platforms.js";

/** Bad command line: exit code 2, message printed as `chaincheck: <message>`. */
export class UsageError extends Error {
  override name = "UsageError";
}

// ISO 8601 / RFC 3339: a date, or a date and time (seconds and fraction optional) with an optional zone.
const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))?)?$/;

/**
 * `--at`: strict ISO 8601. A date alone means midnight UTC, a time without a zone is UTC. Every
 * field is range-checked (2030-02-30, hour 24, minute 60 and a leap second are usage errors),
 * and the instant is computed from the fields, not by Date's lenient parser.
 */
export function parseAt(value: string | undefined, now: () => Date): Date {
  if (value === undefined) return now();
  const m = ISO_TIME.exec(value);
  if (!m) throw new UsageError(`--at: "${value}" is not an ISO 8601 time (e.g. 2030-01-01 or 2030-01-01T00:00:00Z)`);
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as [number, number, number, number, number, number];
  const offsetSign = m[9] === "-" ? -1 : 1;
  const [offsetHours, offsetMinutes] = [Number(m[10] ?? 0), Number(m[11] ?? 0)];
  const invalid = (why: string) => new UsageError(`--at: "${value}" is not a valid time (${why})`);
  // X.509 validity starts in 1950 (RFC 5280 section 4.1.2.5.1); it also keeps Date.UTC off its 0-99 = 19xx rule.
  if (year < 1950) throw invalid("years before 1950 are not supported: X.509 validity dates start in 1950");
  if (month < 1 || month > 12) throw invalid(`there is no month ${m[2]}`);
  const days = new Date(Date.UTC(2000, month, 0)).getUTCDate() - (month === 2 && !isLeapYear(year) ? 1 : 0);
  if (day < 1 || day > days) throw invalid(`${m[1]}-${m[2]} has ${days} days`);
  if (hour > 23) throw invalid(`hour ${m[4]} does not exist; hours run from 00 to 23`);
  if (minute > 59) throw invalid(`minute ${m[5]} does not exist`);
  if (second > 59) throw invalid(`second ${m[6]} does not exist (leap seconds are not supported)`);
  if (offsetHours > 23 || offsetMinutes > 59) throw invalid(`the zone offset ${m[9]}${m[10]}:${m[11]} does not exist`);
  const millis = Number((m[7] ?? "").padEnd(3, "0").slice(0, 3));
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetSign * (offsetHours * 60 + offsetMinutes) * 60_000);
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function parseCount(option: string, value: string, min: number, max: number): number {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`${option}: expected a whole number from ${min} to ${max}, got "${value}"`);
  }
  return Number(value);
}


export type TargetOsChoice = TargetOs | "auto";
export const TARGET_OS_CHOICES: readonly TargetOsChoice[] = ["auto", ...TARGET_OSES];

/** SHA-256 fingerprint: hex with or without colons, any case -> lowercase hex. */
export function parseFingerprint(value: string): string {
  const hex = value.replace(/:/g, "").toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new UsageError(`--expect-fingerprint: "${value}" is not a SHA-256 fingerprint (64 hex digits)`);
  return hex;
}
