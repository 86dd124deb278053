/**
 * Certificate fields are chosen by whoever made the certificate. Before any of them reaches a
 * terminal, control characters, escape sequences and bidirectional overrides are made visible as
 * `\u{…}` so a certificate cannot clear, recolour or visually reorder the report.
 */

// C0 controls (tab and newline included: a field must stay on its line), DEL, C1 controls,
// bidi embeddings/overrides/isolates and marks, line/paragraph separators, BOM.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;

export function safeText(value: string): string {
  return value.replace(UNSAFE, (ch) => `\\u{${ch.codePointAt(0)!.toString(16).padStart(4, "0")}}`);
}
