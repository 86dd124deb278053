/**
 * Host name verification (RFC 6125 §6.4, as modern TLS clients apply it): DNS and IP subjectAltNames
 * only; the subject CN is never used (browsers, Go, Python and Node ignore it when names are checked).
 */
import type { Certificate } from "../types.js";
import { bytesEqual, parseIp } from "../cert/ip.js";

/** Lowercases and drops one trailing dot: "Host.Example." and "host.example" are the same name. */
export function normalizeDnsName(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith(".") ? lower.slice(0, -1) : lower;
}

/**
 * Does a SAN dNSName `pattern` match `host`? A wildcard is allowed only as the whole left-most label
 * (`*.example.com`), matches exactly one label, never a partial label (`f*.example.com`) and never
 * the bare parent (`example.com`); the rest must have at least two labels (no `*.com`).
 */
export function dnsNameMatches(pattern: string, host: string): boolean {
  const p = normalizeDnsName(pattern);
  const h = normalizeDnsName(host);
  if (!isValidHostName(h)) return false;
  if (!p.includes("*")) return p === h;
  const [first, ...rest] = p.split(".");
  if (first !== "*" || rest.length < 2 || rest.some((label) => label.includes("*") || label === "")) return false;
  const hostLabels = h.split(".");
  if (hostLabels.length !== rest.length + 1 || hostLabels[0] === "") return false;
  return hostLabels.slice(1).join(".") === rest.join(".");
}

/** LDH labels separated by dots (underscores tolerated, as in real internal names). */
export function isValidHostName(host: string): boolean {
  if (host.length === 0 || host.length > 253) return false;
  return host.split(".").every((label) => /^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/i.test(label));
}

/** The names a certificate is valid for, as reports list them. */
export function namesOf(cert: Certificate): string[] {
  return [...(cert.san?.dns ?? []), ...(cert.san?.ip ?? [])];
}

export interface HostnameCheck {
  readonly matches: boolean;
  /** The host appears only in the subject CN (a common mistake worth naming). */
  readonly cnOnly: boolean;
}

export function checkHostname(cert: Certificate, host: string): HostnameCheck {
  const wanted = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  const ip = parseIp(wanted);
  let matches: boolean;
  if (ip) {
    matches = (cert.san?.ip ?? []).some((text) => {
      const bytes = parseIp(text);
      return bytes !== null && bytesEqual(bytes, ip);
    });
  } else {
    matches = (cert.san?.dns ?? []).some((pattern) => dnsNameMatches(pattern, wanted));
  }
  const cnOnly = !matches && cert.commonNames.some((cn) => (ip ? cn === wanted : dnsNameMatches(cn, wanted)));
  return { matches, cnOnly };
}
