/**
 * Escaping for the HTML page. Certificate fields first lose their control, escape and bidi characters
 * (`safeText`: shown as `\u{…}`, so an RLO cannot reorder the page either), then the five HTML
 * metacharacters become entities, which is safe in element content and in quoted attribute values
 * (OWASP XSS Prevention Cheat Sheet, rules 1 and 2).
 */
import { safeText } from "./safe-text.js";

const ENTITIES: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text that is inert in HTML content and in quoted attributes. */
export function esc(value: string): string {
  return safeText(value).replace(/[&<>"']/g, (ch) => ENTITIES[ch]!);
}

/** Multi-line text (PEM blocks, commands) for a `<pre>`: each line escaped, line breaks kept. */
export function escLines(value: string): string {
  return value.split("\n").map(esc).join("\n");
}
