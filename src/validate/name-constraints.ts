/**
 * Name constraints (RFC 5280 §4.2.1.10) for DNS names, IP addresses and directory names.
 * Forms chaincheck cannot evaluate (email, URI, otherName) fail closed when the certificate carries
 * a name of that form: a verifier must never accept what it could not check.
 */
import type { Certificate, GeneralSubtrees, NameConstraints } from "../types.js";
import type { NameViolation } from "../findings/codes.js";
import { parseIp } from "../cert/ip.js";
import { normalizeDnsName } from "./hostname.js";

export interface ConstraintViolation {
  /** The name outside the constraints (for a form chaincheck cannot evaluate: the form). */
  readonly name: string;
  readonly violation: NameViolation;
}

/**
 * DNS constraint match: "example.com" covers itself and its subdomains. ".example.com" is not a DNS
 * name (RFC 5280 §4.2.1.10 gives the leading period to URI and e-mail constraints only); this
 * function reads it as OpenSSL and Go do, subdomains only, which is how an *excluded* subtree is
 * applied (fail closed). A *permitted* one permits nothing: see `permittedBy`.
 */
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

/**
 * Name/constraint comparisons a check would need, summed over the certificates below the CA. Like
 * rustls/webpki (250,000 comparisons) and pyca/cryptography, chaincheck refuses quadratic blow-ups
 * (x509-limbo pathological::nc-dos-*: 2,048 names against 4,097 subtrees) instead of doing the work.
 */
export const MAX_NAME_CONSTRAINT_COMPARISONS = 250_000;

export function comparisonCount(certs: readonly Certificate[], constraints: NameConstraints): number {
  const size = (t: GeneralSubtrees | undefined) =>
    t ? t.dns.length + t.ip.length + t.email.length + t.uri.length + t.directoryNames.length + t.unsupported : 0;
  const subtrees = size(constraints.permitted) + size(constraints.excluded);
  let names = 0;
  for (const cert of certs) {
    const san = cert.san;
    names += 1 + (san ? san.dns.length + san.ip.length + san.email.length + san.uri.length + san.directoryNames.length + san.other : 0);
  }
  return names * subtrees;
}

function notPermitted(kind: "dns" | "ip" | "dir", value: string, permitted: GeneralSubtrees): NameViolation {
  const dotted = kind === "dns" ? permitted.dns.find((c) => c.startsWith(".") && dnsWithinConstraint(value, c)) : undefined;
  return dotted ? { kind: "leading-period", constraint: dotted } : { kind: "not-permitted", form: kind };
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
    if (kind === "dns") {
      // A permitted ".example.com" is malformed and permits nothing (pyca/cryptography; x509-limbo
      // rfc5280::nc::invalid-dnsname-leading-period); an excluded one still excludes its subdomains.
      const usable = set === permitted ? set.dns.filter((c) => !c.startsWith(".")) : set.dns;
      return { has: set.dns.length > 0, hit: usable.some((c) => dnsWithinConstraint(value, c)) };
    }
    if (kind === "ip") {
      const bytes = parseIp(value);
      return { has: set.ip.length > 0, hit: bytes !== null && set.ip.some((s) => ipWithin(bytes, s)) };
    }
    return { has: set.directoryNames.length > 0, hit: set.directoryNames.some((c) => directoryWithin(rdns!, c)) };
  };

  const judge = (kind: "dns" | "ip" | "dir", value: string, rdns?: readonly string[]) => {
    const p = inSet(permitted, kind, value, rdns);
    if (p.has && !p.hit) out.push({ name: value, violation: notPermitted(kind, value, permitted!) });
    const e = inSet(excluded, kind, value, rdns);
    const overlap = kind === "dns" && (excluded?.dns ?? []).some((c) => wildcardOverlaps(value, c));
    if (e.hit || overlap) out.push({ name: value, violation: { kind: "excluded", form: kind } });
  };

  for (const name of dns) judge("dns", name);
  for (const ip of ips) judge("ip", ip);
  for (const rdns of subjects) judge("dir", cert.subject, rdns);
  for (const dir of cert.san?.directoryNames ?? []) {
    // A directoryName SAN is checked like the subject; its RDN hex is already concatenated.
    judge("dir", "directoryName SAN", [dir]);
  }

  const unsupportedForms: ["email" | "URI" | "other", number, boolean][] = [
    ["email", cert.san?.email.length ?? 0, (permitted?.email.length ?? 0) + (excluded?.email.length ?? 0) > 0],
    ["URI", cert.san?.uri.length ?? 0, (permitted?.uri.length ?? 0) + (excluded?.uri.length ?? 0) > 0],
    ["other", cert.san?.other ?? 0, (permitted?.unsupported ?? 0) + (excluded?.unsupported ?? 0) > 0],
  ];
  for (const [form, count, constrained] of unsupportedForms) {
    if (count > 0 && constrained) out.push({ name: form, violation: { kind: "unsupported", form } });
  }
  return out;
}
