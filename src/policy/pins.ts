/**
 * Rollout pins: `--expect-issuer SUBJECT` (the leaf's issuer) and `--expect-fingerprint SHA256` (the leaf or any
 * certificate of the built path). A mismatch is PIN_MISMATCH, an error. Pure.
 */
import { makeFinding } from "../findings/finding.js";
import type { Finding } from "../findings/finding.js";
import type { ChainVerdict } from "../result/verdict.js";
import { withPolicyFindings } from "./apply.js";

export interface Pins {
  /** RFC 4514 string as chaincheck prints it (most specific RDN first); compared case- and whitespace-insensitively. */
  readonly issuer?: string | null;
  /** Lowercase hex SHA-256 fingerprints (see `parseFingerprint`); any one of them must match. */
  readonly fingerprints?: readonly string[];
}

/** Splits on `separators` outside backslash escapes (RFC 4514 §2.4). */
function splitUnescaped(text: string, separators: string): string[] {
  const parts: string[] = [];
  let current = "";
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === "\\" && i + 1 < text.length) {
      current += ch + text[++i]!;
    } else if (separators.includes(ch)) {
      parts.push(current);
      current = "";
    } else current += ch;
  }
  parts.push(current);
  return parts;
}

function canonicalAttribute(attribute: string): string {
  const [type = "", ...value] = splitUnescaped(attribute, "=");
  const clean = (s: string) => s.trim().replace(/\s+/g, " ").toLowerCase();
  return `${clean(type)}=${clean(value.join("="))}`;
}

/** The RDNs of `dn`, most specific first as written, each canonical: lowercase, whitespace collapsed and trimmed. */
export function canonicalRdns(dn: string): string[] {
  return splitUnescaped(dn, ",;")
    .map((rdn) => splitUnescaped(rdn, "+").map(canonicalAttribute).join("+"))
    .filter((rdn) => rdn !== "=");
}

/** `a` and `b` name the same RFC 4514 string, ignoring case and whitespace around separators. */
export function sameDistinguishedName(a: string, b: string): boolean {
  return canonicalRdns(a).join(",") === canonicalRdns(b).join(",");
}

function issuerPin(result: ChainVerdict, expected: string): Finding[] {
  const leaf = result.presented[0];
  if (!leaf || sameDistinguishedName(leaf.issuer, expected)) return [];
  const reversedOrder = canonicalRdns(leaf.issuer).join(",") === canonicalRdns(expected).reverse().join(",");
  return [makeFinding("PIN_MISMATCH", leaf, { pin: "issuer", expected, actual: leaf.issuer, reversedOrder })];
}

function fingerprintPin(result: ChainVerdict, expected: readonly string[]): Finding[] {
  const leaf = result.presented[0];
  if (!leaf || expected.length === 0) return [];
  const candidates = new Set([leaf.sha256, ...(result.builtPath?.certificates.map((c) => c.sha256) ?? [])]);
  if (expected.some((fp) => candidates.has(fp))) return [];
  // About the path as a whole, so it names no single certificate (and stays distinct from an issuer mismatch).
  return [makeFinding("PIN_MISMATCH", null, { pin: "fingerprint", expected, checked: candidates.size, leaf: leaf.subject })];
}

/** Adds a PIN_MISMATCH per pin that does not hold; results without a chain (status "error") are left as they are. */
export function checkPins(result: ChainVerdict, pins: Pins): ChainVerdict {
  const added = [
    ...(pins.issuer ? issuerPin(result, pins.issuer) : []),
    ...fingerprintPin(result, pins.fingerprints ?? []),
  ];
  return withPolicyFindings(result, added);
}
