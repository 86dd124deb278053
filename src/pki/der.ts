/**
 * The little DER the issuer writes by hand: the NameConstraints extension value, which @peculiar/x509 has no
 * builder for. https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.10
 */
import { isIPv4, isIPv6 } from "node:net";

/** Name constraints to encode; IP entries are CIDR strings ("10.0.0.0/8", "fd00::/8"). */
export interface NameConstraintsSpec {
  readonly permittedDns?: readonly string[];
  readonly excludedDns?: readonly string[];
  readonly permittedIp?: readonly string[];
  readonly excludedIp?: readonly string[];
}

// The DER writer lives with the reader (src/cert/der.ts): chaincheck's name canonicalisation writes DER too.
export { tlv } from "../cert/der.js";
import { concatBytes as concat, tlv } from "../cert/der.js";

const SEQUENCE = 0x30;
const DNS_NAME = 0x82; // [2] IMPLICIT IA5String
const IP_ADDRESS = 0x87; // [7] IMPLICIT OCTET STRING

/** DER of the NameConstraints value (the extnValue contents). Throws when both lists are empty. */
export function nameConstraintsDer(spec: NameConstraintsSpec): Uint8Array {
  const subtrees = (dns: readonly string[] = [], ip: readonly string[] = []): Uint8Array[] => [
    ...dns.map((name) => tlv(DNS_NAME, new TextEncoder().encode(name))),
    ...ip.map((cidr) => tlv(IP_ADDRESS, cidrBytes(cidr))),
  ].map((base) => tlv(SEQUENCE, base)); // GeneralSubtree ::= SEQUENCE { base, minimum DEFAULT 0 }
  const permitted = subtrees(spec.permittedDns, spec.permittedIp);
  const excluded = subtrees(spec.excludedDns, spec.excludedIp);
  if (permitted.length + excluded.length === 0) throw new Error("nameConstraints needs at least one subtree");
  const fields: Uint8Array[] = [];
  if (permitted.length) fields.push(tlv(0xa0, concat(permitted))); // permittedSubtrees [0]
  if (excluded.length) fields.push(tlv(0xa1, concat(excluded))); // excludedSubtrees [1]
  return tlv(SEQUENCE, concat(fields));
}

/** Address followed by mask: 8 octets for IPv4, 32 for IPv6 (RFC 5280 section 4.2.1.10). */
export function cidrBytes(cidr: string): Uint8Array {
  const [address = "", prefixText] = cidr.split("/");
  const addr = ipBytes(address);
  const bits = addr.length * 8;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > bits) throw new Error(`bad CIDR prefix: ${cidr}`);
  const mask = new Uint8Array(addr.length);
  for (let i = 0; i < prefix; i++) mask[i >> 3] |= 0x80 >> (i & 7);
  return concat([addr.map((b, i) => b & mask[i]), mask]);
}

/** Network-order bytes of a textual IPv4 or IPv6 address. */
export function ipBytes(ip: string): Uint8Array {
  if (isIPv4(ip)) return Uint8Array.from(ip.split(".").map(Number));
  if (!isIPv6(ip)) throw new Error(`not an IP address: ${ip}`);
  // An embedded dotted quad ("::ffff:10.0.0.1") becomes its two hex groups.
  const text = ip.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_m, a, b, c, d) =>
    `${((Number(a) << 8) | Number(b)).toString(16)}:${((Number(c) << 8) | Number(d)).toString(16)}`);
  const [head = "", rest] = text.split("::");
  const groups = (s: string): number[] => (s === "" ? [] : s.split(":").map((g) => parseInt(g, 16)));
  const left = groups(head);
  const right = rest === undefined ? [] : groups(rest);
  const zeros = new Array<number>(8 - left.length - right.length).fill(0);
  return Uint8Array.from([...left, ...zeros, ...right].flatMap((g) => [g >> 8, g & 0xff]));
}
