/**
 * The little DER the issuer writes by hand: the NameConstraints extension value, which @peculiar/x509 has no
 * builder for. https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.10
 */
import { TAG, concatBytes, tlv } from "../asn1/der.js";
import { ipBytes } from "../cert/ip.js";

/** Name constraints to encode; IP entries are CIDR strings ("10.0.0.0/8", "fd00::/8"). */
export interface NameConstraintsSpec {
  readonly permittedDns?: readonly string[];
  readonly excludedDns?: readonly string[];
  readonly permittedIp?: readonly string[];
  readonly excludedIp?: readonly string[];
}

const DNS_NAME = 0x82; // [2] IMPLICIT IA5String
const IP_ADDRESS = 0x87; // [7] IMPLICIT OCTET STRING

/** DER of the NameConstraints value (the extnValue contents). Throws when both lists are empty. */
export function nameConstraintsDer(spec: NameConstraintsSpec): Uint8Array {
  const subtrees = (dns: readonly string[] = [], ip: readonly string[] = []): Uint8Array[] => [
    ...dns.map((name) => tlv(DNS_NAME, new TextEncoder().encode(name))),
    ...ip.map((cidr) => tlv(IP_ADDRESS, cidrBytes(cidr))),
  ].map((base) => tlv(TAG.SEQUENCE, base)); // GeneralSubtree ::= SEQUENCE { base, minimum DEFAULT 0 }
  const permitted = subtrees(spec.permittedDns, spec.permittedIp);
  const excluded = subtrees(spec.excludedDns, spec.excludedIp);
  if (permitted.length + excluded.length === 0) throw new Error("nameConstraints needs at least one subtree");
  const fields: Uint8Array[] = [];
  if (permitted.length) fields.push(tlv(0xa0, concatBytes(permitted))); // permittedSubtrees [0]
  if (excluded.length) fields.push(tlv(0xa1, concatBytes(excluded))); // excludedSubtrees [1]
  return tlv(TAG.SEQUENCE, concatBytes(fields));
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
  return concatBytes([addr.map((b, i) => b & mask[i]!), mask]);
}
