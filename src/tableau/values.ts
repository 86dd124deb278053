/**
 * Lenient readers for Tableau's JSON. The classic endpoints (`/api/{x.y}/...`) project their XML to JSON: attributes
 * become strings (`"pageNumber": "1"`, `"port": "9004"`), an empty collection can arrive as `{}` and a one-element list
 * as a bare object. The `/api/-/` endpoints use real numbers and booleans. Each reader accepts both. Pure.
 */

export type JsonObject = Readonly<Record<string, unknown>>;

/** A JSON object (not an array, not null), else undefined. */
export function object(value: unknown): JsonObject | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as JsonObject) : undefined;
}

/** A string, or a number written as one; undefined for anything else. */
export function text(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return undefined;
}

/** A non-negative integer, also from its decimal string; undefined for anything else. */
export function integer(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (typeof value === "string" && /^\s*\d{1,15}\s*$/.test(value)) return Number(value);
  return undefined;
}

/** A boolean, also from "true"/"false" (any case); undefined for anything else. */
export function flag(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (typeof value === "string" && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === "true";
  return undefined;
}

/** A collection: an array as is, a bare object as a list of one, `{}`, null or absent as empty. */
export function items(value: unknown): readonly unknown[] {
  if (Array.isArray(value)) return value;
  const single = object(value);
  return single && Object.keys(single).length > 0 ? [single] : [];
}
