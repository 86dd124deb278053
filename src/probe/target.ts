/**
 * Parses what a user types as an endpoint into a {@link ProbeTarget}. Pure.
 *
 * Accepted forms: `host`, `host:port`, `[v6]`, `[v6]:port`, a bare IPv6 literal (never with a port: `::1:6311` is an
 * address), and URLs `https://host[:port][/path]`, `http://...`, `tls://...`.
 */
import { ipVersion } from "../cert/ip.js";
import { domainToASCII } from "node:url";
import type { ProbeTarget } from "./types.js";

/** "host:port", with IPv6 literals in brackets: how reports and messages name a target. */
export function endpoint(target: Pick<ProbeTarget, "host" | "port">): string {
  return target.host.includes(":") ? `[${target.host}]:${target.port}` : `${target.host}:${target.port}`;
}

/** Thrown by {@link parseTarget}: `message` is one line that names the input and what is wrong with it. */
export class TargetError extends Error {
  readonly code = "BAD_TARGET";
  constructor(readonly input: string, reason: string) {
    super(`invalid target "${printable(input)}": ${reason}`);
    this.name = "TargetError";
  }
}

/** Default ports of the URL schemes we accept; `tls://` keeps the caller's default. */
const SCHEME_PORTS: Record<string, number | undefined> = { "https:": 443, "http:": 80, "tls:": undefined };

/**
 * Parses `input` into host, port and address family.
 * @param defaultPort port used when the input names none (TabPy's 9004 by default).
 * @throws TargetError on anything that is not a usable host and port.
 */
export function parseTarget(input: string, defaultPort = 9004): ProbeTarget {
  const text = input.trim();
  if (text === "") throw new TargetError(input, "empty");
  if (/[\s\u0000-\u001f\u007f]/.test(text)) throw new TargetError(input, "contains spaces or control characters");

  let port = defaultPort;
  let rest = text;
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text);
  if (scheme) {
    const name = `${scheme[1]!.toLowerCase()}:`;
    if (!(name in SCHEME_PORTS)) throw new TargetError(input, `unsupported scheme "${scheme[1]}" (use https://, tls:// or host:port)`);
    port = SCHEME_PORTS[name] ?? defaultPort;
    rest = text.slice(scheme[0].length);
    rest = rest.replace(/[/?#].*$/s, "");
    if (rest.includes("@")) throw new TargetError(input, "credentials in the URL are not supported");
  }

  const { host, portText } = splitHostPort(input, rest);
  if (portText !== undefined) port = parsePort(input, portText);
  return makeTarget(input, host, port);
}

function splitHostPort(input: string, rest: string): { host: string; portText?: string } {
  if (rest.startsWith("[")) {
    const m = /^\[([^\]]+)\](?::(.*))?$/.exec(rest);
    if (!m) throw new TargetError(input, "unbalanced [ ] around an IPv6 address");
    if (ipVersion(m[1]!) !== 6) throw new TargetError(input, `"${m[1]}" is not an IPv6 address`);
    return m[2] === undefined ? { host: m[1]! } : { host: m[1]!, portText: m[2] };
  }
  const colons = rest.split(":").length - 1;
  if (colons > 1) {
    // Bare IPv6: never carries a port (RFC 3986 §3.2.2 needs brackets for that).
    if (ipVersion(rest) !== 6) throw new TargetError(input, "looks like an IPv6 address but is not one (use [addr]:port)");
    return { host: rest };
  }
  if (colons === 1) {
    const i = rest.indexOf(":");
    return { host: rest.slice(0, i), portText: rest.slice(i + 1) };
  }
  return { host: rest };
}

function parsePort(input: string, text: string): number {
  if (!/^\d{1,5}$/.test(text)) throw new TargetError(input, `port "${printable(text)}" is not a number`);
  const port = Number(text);
  if (port < 1 || port > 65535) throw new TargetError(input, `port ${port} is outside 1-65535`);
  return port;
}

function makeTarget(input: string, rawHost: string, port: number): ProbeTarget {
  if (rawHost === "") throw new TargetError(input, "no host name");
  const version = ipVersion(rawHost);
  if (version === 4 || version === 6) return { input, host: rawHost.toLowerCase(), port, isIp: true, family: version };
  if (/^[\d.]+$/.test(rawHost)) throw new TargetError(input, `"${rawHost}" is not a valid IPv4 address`);
  // IDNA: Unicode names become their punycode form, the form DNS and SNI use.
  const ascii = domainToASCII(rawHost);
  if (ascii === "" || !isHostName(ascii)) throw new TargetError(input, `"${printable(rawHost)}" is not a valid host name`);
  return { input, host: ascii, port, isIp: false };
}

/** RFC 1123 host name (underscores tolerated: they occur in internal names), optional trailing dot. */
function isHostName(host: string): boolean {
  const name = host.endsWith(".") ? host.slice(0, -1) : host;
  if (name.length === 0 || name.length > 253) return false;
  return name.split(".").every((l) => /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/i.test(l));
}

function printable(text: string): string {
  const clean = text.replace(/[^\x20-\x7e]/g, "?");
  return clean.length > 80 ? `${clean.slice(0, 77)}...` : clean;
}
