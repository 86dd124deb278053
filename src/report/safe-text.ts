/**
 * Certificate fields are chosen by whoever made the certificate. Before any of them reaches a
 * terminal, control characters, escape sequences and invisible or bidirectional formatting
 * characters are made visible as `\u{…}`, so a certificate cannot clear, recolour, retitle or
 * visually reorder the report (Trojan Source, CVE-2021-42574; ECMA-48 ESC/CSI/OSC sequences).
 */

// C0 controls (tab and newline included: a field must stay on its line), DEL, C1 controls (0x9b is
// an 8-bit CSI), Arabic letter mark, zero-width and directional marks, line/paragraph separators,
// bidi embeddings/overrides/isolates, invisible operators, deprecated format characters, BOM,
// interlinear annotation controls.
const UNSAFE =
  /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]/g;

const UNSAFE_ONE = new RegExp(UNSAFE.source);

/** `value` with every unsafe character replaced by its visible `\u{hhhh}` form; one line, inert in a terminal. */
export function safeText(value: string): string {
  return value.replace(UNSAFE, (ch) => `\\u{${ch.codePointAt(0)!.toString(16).padStart(4, "0")}}`);
}

/** True when `value` holds a character `safeText` would neutralise (reports flag such names). */
export function hasUnsafeText(value: string): boolean {
  return UNSAFE_ONE.test(value);
}

// Characters JSON.stringify leaves raw that still reorder or break lines when the JSON is shown in a
// terminal, an editor or embedded in HTML/JavaScript (U+2028/2029 end a line in JavaScript before ES2019).
const JSON_INVISIBLE = /[\u007f-\u009f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]/g;

/**
 * Serialised JSON with the invisible and bidi characters JSON.stringify leaves raw written as `\uXXXX`
 * escapes: the document parses to the same value (RFC 8259 §7) and cannot reorder a terminal line.
 */
export function escapeJsonInvisibles(json: string): string {
  return json.replace(JSON_INVISIBLE, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
