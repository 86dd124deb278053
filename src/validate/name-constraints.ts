/**
 * Name constraints (RFC 5280 §4.2.1.10) for DNS names, IP addresses and directory names.
 * Forms chaincheck cannot evaluate (email, URI, otherName) fail closed when the certificate carries
 * a name of that form: a verifier must never accept what it could not check.
 */
import type { Certificate, GeneralSubtrees, NameConstraints } from "../types.js";
import { parseIp } from "../cert/ip.js";
import { normalizeDnsName } from "./hostname.js";

export interface ConstraintViolation {
  readonly name: string;
  readonly reason: string;
}

/** DNS constraint match: "example.com" covers itself and its subdomains; ".example.com" only subdomains. */
export function dnsWithinConstraint(name: string, constraint: string): boolean {
  const n = normalizeDnsName(name);
  const c = normalizeDnsName(constraint);
  if (c === "") return true;
  if (c.startsWith(".")) return n.endsWith(c) && n.length > c.length;
  return n === c || n.endsWith(`.${c}`);
}

/** Could a wildcard name (`*.a.b`) stand for a name inside `constraint`? Used for exclusions. */
function wildcardOverlaps(name: string, constraint: string): boolean {
  const n = normalizeDnsName(name);
  if (!n.startsWith("*.")) return false;
  const c = normalizeDnsName(constraint).replace(/^\./, "");
  const parent = n.slice(2);
  // "*" is one label: it can be "x" in an excluded "x.a.b" (and everything below "x.a.b" is out of reach).
  return c.endsWith(`.${parent}`) && !c.slice(0, -parent.length - 1).includes(".");
}

function ipWithin(ip: Uint8Array, subnet: { address: Uint8Array; prefix: number }): boolean {
  if (ip.length !== subnet.address.length) return false;
  for (let bit = 0; bit < subnet.prefix; bit++) {
    const mask = 0x80 >> (bit & 7);
    if ((ip[bit >> 3]! & mask) !== (subnet.address[bit >> 3]! & mask)) return false;
  }
  return true;
}

function directoryWithin(rdns: readonly string[], constraint: string): boolean {
  return rdns.join("").startsWith(constraint);
}

/** Every violation of `constraints` by `cert` (its SANs, and its subject for directoryName). */
export function checkNameConstraints(cert: Certificate, constraints: NameConstraints): ConstraintViolation[] {
  const out: ConstraintViolation[] = [];
  const { permitted, excluded } = constraints;
  const dns = cert.san?.dns ?? [];
  const ips = cert.san?.ip ?? [];
  const subjects = cert.subjectRdns.length > 0 ? [cert.subjectRdns] : [];

  const inSet = (set: GeneralSubtrees | undefined, kind: "dns" | "ip" | "dir", value: string, rdns?: readonly string[]) => {
    if (!set) return { has: false, hit: false };
    if (kind === "dns") return { has: set.dns.length > 0, hit: set.dns.some((c) => dnsWithinConstraint(value, c)) };
    if (kind === "ip") {
      const bytes = parseIp(value);
      return { has: set.ip.length > 0, hit: bytes !== null && set.ip.some((s) => ipWithin(bytes, s)) };
    }
    return { has: set.directoryNames.length > 0, hit: set.directoryNames.some((c) => directoryWithin(rdns!, c)) };
  };

  const judge = (kind: "dns" | "ip" | "dir", value: string, rdns?: readonly string[]) => {
    const p = inSet(permitted, kind, value, rdns);
    if (p.has && !p.hit) out.push({ name: value, reason: `not within the permitted ${kind === "dir" ? "directory names" : kind.toUpperCase() + " subtrees"}` });
    const e = inSet(excluded, kind, value, rdns);
    const overlap = kind === "dns" && (excluded?.dns ?? []).some((c) => wildcardOverlaps(value, c));
    if (e.hit || overlap) out.push({ name: value, reason: `within an excluded ${kind === "dir" ? "directory name" : kind.toUpperCase() + " subtree"}` });
  };

  for (const name of dns) judge("dns", name);
  for (const ip of ips) judge("ip", ip);
  for (const rdns of subjects) judge("dir", cert.subject, rdns);
  for (const dir of cert.san?.directoryNames ?? []) {
    // A directoryName SAN is checked like the subject; its RDN hex is already concatenated.
    judge("dir", "directoryName SAN", [dir]);
  }

  const unsupportedForms: [string, number, boolean][] = [
    ["email", cert.san?.email.length ?? 0, (permitted?.email.length ?? 0) + (excluded?.email.length ?? 0) > 0],
    ["URI", cert.san?.uri.length ?? 0, (permitted?.uri.length ?? 0) + (excluded?.uri.length ?? 0) > 0],
    ["other", cert.san?.other ?? 0, (permitted?.unsupported ?? 0) + (excluded?.unsupported ?? 0) > 0],
  ];
  for (const [form, count, constrained] of unsupportedForms) {
    if (count > 0 && constrained) out.push({ name: `${form} name`, reason: `chaincheck cannot evaluate ${form} name constraints, so it does not accept them` });
  }
  return out;
}
