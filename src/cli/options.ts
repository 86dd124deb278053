/** Pure parsers for option values: each returns the value or throws `UsageError` with one line. */
import { TARGET_OSES, type TargetOs } from "../advise/platforms.js";

/** Bad command line: exit code 2, message printed as `chaincheck: <message>`. */
export class UsageError extends Error {
  override name = "UsageError";
}

export function parseAt(value: string | undefined, now: () => Date): Date {
  if (value === undefined) return now();
  // ISO 8601 date or date-time; a date alone means midnight UTC.
  if (!/^\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?)?$/.test(value)) {
    throw new UsageError(`--at: "${value}" is not an ISO 8601 time (e.g. 2030-01-01T00:00:00Z)`);
  }
  const withZone = /[Zz]|[+-]\d{2}:?\d{2}$/.test(value) || value.length === 10 ? value : `${value}Z`;
  const date = new Date(withZone);
  if (Number.isNaN(date.getTime())) throw new UsageError(`--at: "${value}" is not a valid time`);
  return date;
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
