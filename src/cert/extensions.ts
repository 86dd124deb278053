/** Decoders for the X.509 v3 extensions path validation needs (RFC 5280 §4.2). */
import type { GeneralSubtrees, KeyUsageName, NameConstraints, SubjectAltNames } from "../types.js";
import {
  DerError, TAG, children, content, contextTag, encoding, readBitString, readBoolean, readOid, readRoot,
  readSmallInteger, sequence, toHex, type Tlv,
} from "../asn1/der.js";
import { formatIp } from "./ip.js";
import { parseName } from "./name.js";
import { OID } from "../asn1/oids.js";

/** GeneralName choice tags (RFC 5280 §4.2.1.6). */
const GN = { otherName: 0, rfc822: 1, dns: 2, x400: 3, directory: 4, ediParty: 5, uri: 6, ip: 7, registeredId: 8 };

function ia5(tlv: Tlv, what: string): string {
  const bytes = content(tlv);
  for (const b of bytes) if (b > 0x7f) throw new DerError(`${what}: non-ASCII character in IA5String`);
  return Buffer.from(bytes).toString("latin1");
}

function generalNameNumber(tlv: Tlv): number {
  if ((tlv.tag & 0xc0) !== 0x80) throw new DerError(`GeneralName: expected a context-specific tag`);
  return tlv.tag & 0x1f;
}

export function decodeSubjectAltName(value: Uint8Array): SubjectAltNames {
  const names = sequence(readRoot(value), "subjectAltName");
  if (names.length === 0) throw new DerError("subjectAltName: empty (RFC 5280 requires at least one name)");
  const dns: string[] = [];
  const ip: string[] = [];
  const email: string[] = [];
  const uri: string[] = [];
  const directoryNames: string[] = [];
  let other = 0;
  for (const name of names) {
    const n = generalNameNumber(name);
    if (n === GN.dns) dns.push(ia5(name, "dNSName"));
    else if (n === GN.rfc822) email.push(ia5(name, "rfc822Name"));
    else if (n === GN.uri) uri.push(ia5(name, "uniformResourceIdentifier"));
    else if (n === GN.ip) {
      const bytes = content(name);
      if (bytes.length !== 4 && bytes.length !== 16) throw new DerError("iPAddress: must be 4 or 16 bytes");
      ip.push(formatIp(bytes));
    } else if (n === GN.directory) {
      const [inner] = children(name);
      if (!inner) throw new DerError("directoryName: empty");
      directoryNames.push(parseName(inner, "directoryName").key);
    } else other++;
  }
  return { dns, ip, email, uri, directoryNames, other };
}

export function decodeBasicConstraints(value: Uint8Array): { cA: boolean; pathLen?: number } {
  const items = sequence(readRoot(value), "basicConstraints");
  let i = 0;
  let cA = false;
  if (items[i]?.tag === TAG.BOOLEAN) {
    cA = readBoolean(items[i]!, "basicConstraints.cA");
    // DER: a DEFAULT value must be omitted, so an explicit FALSE is invalid.
    if (!cA) throw new DerError("basicConstraints: cA FALSE must be omitted in DER");
    i++;
  }
  let pathLen: number | undefined;
  if (items[i]?.tag === TAG.INTEGER) pathLen = readSmallInteger(items[i++]!, "basicConstraints.pathLenConstraint");
  if (i !== items.length) throw new DerError("basicConstraints: unexpected content");
  return pathLen === undefined ? { cA } : { cA, pathLen };
}

const KEY_USAGE_BITS: readonly KeyUsageName[] = [
  "digitalSignature", "nonRepudiation", "keyEncipherment", "dataEncipherment", "keyAgreement",
  "keyCertSign", "cRLSign", "encipherOnly", "decipherOnly",
];

export function decodeKeyUsage(value: Uint8Array): KeyUsageName[] {
  const { bytes } = readBitString(readRoot(value), "keyUsage");
  const out: KeyUsageName[] = [];
  KEY_USAGE_BITS.forEach((name, bit) => {
    const byte = bytes[bit >> 3];
    if (byte !== undefined && (byte & (0x80 >> (bit & 7))) !== 0) out.push(name);
  });
  if (out.length === 0) throw new DerError("keyUsage: no bit set (RFC 5280 §4.2.1.3)");
  return out;
}

/** Netscape certificate type bits, most significant first (Netscape's cert extension spec; OpenSSL `NS_*`). */
const NETSCAPE_CERT_TYPE_BITS = ["sslClient", "sslServer", "smime", "objectSigning", "reserved", "sslCA", "smimeCA", "objectSigningCA"] as const;

/** nsCertType (2.16.840.1.113730.1.1): the names of the bits set in its first byte, as OpenSSL reads it. */
export function decodeNetscapeCertType(value: Uint8Array): string[] {
  const { bytes } = readBitString(readRoot(value), "nsCertType");
  const first = bytes[0] ?? 0;
  return NETSCAPE_CERT_TYPE_BITS.filter((_, bit) => (first & (0x80 >> bit)) !== 0);
}

export function decodeExtKeyUsage(value: Uint8Array): string[] {
  const items = sequence(readRoot(value), "extKeyUsage");
  if (items.length === 0) throw new DerError("extKeyUsage: empty");
  return items.map((t) => readOid(t, "extKeyUsage"));
}

export function decodeSubjectKeyId(value: Uint8Array): string {
  const tlv = readRoot(value);
  if (tlv.tag !== TAG.OCTET_STRING) throw new DerError("subjectKeyIdentifier: expected OCTET STRING");
  return toHex(content(tlv));
}

/** authorityKeyIdentifier (RFC 5280 §4.2.1.1): the key id, and the issuer's issuer names and serial when given. */
export interface AuthorityKeyId {
  readonly keyId?: string;
  /** Hex DER of each directoryName in authorityCertIssuer (the Name, tag included). */
  readonly certIssuers: readonly string[];
  /** authorityCertSerialNumber content, hex (compares with `Certificate.serialNumber`). */
  readonly certSerial?: string;
}

export function decodeAuthorityKeyId(value: Uint8Array): AuthorityKeyId {
  const items = sequence(readRoot(value), "authorityKeyIdentifier");
  const keyId = items.find((t) => t.tag === contextTag(0, false));
  const issuer = items.find((t) => t.tag === contextTag(1, true));
  const serial = items.find((t) => t.tag === contextTag(2, false));
  const certIssuers: string[] = [];
  for (const name of issuer ? children(issuer) : []) {
    if (generalNameNumber(name) !== GN.directory) continue;
    const [inner] = children(name);
    if (inner) certIssuers.push(toHex(encoding(inner)));
  }
  return {
    ...(keyId ? { keyId: toHex(content(keyId)) } : {}),
    certIssuers,
    ...(serial ? { certSerial: toHex(content(serial)) } : {}),
  };
}

export function decodeAuthorityInfoAccess(value: Uint8Array): { caIssuers: string[]; ocsp: string[] } {
  const caIssuers: string[] = [];
  const ocsp: string[] = [];
  for (const desc of sequence(readRoot(value), "authorityInfoAccess")) {
    const [methodTlv, locationTlv] = sequence(desc, "AccessDescription");
    if (!methodTlv || !locationTlv) throw new DerError("AccessDescription: malformed");
    const method = readOid(methodTlv, "accessMethod");
    if (generalNameNumber(locationTlv) !== GN.uri) continue;
    const url = ia5(locationTlv, "accessLocation");
    if (method === OID.caIssuers) caIssuers.push(url);
    else if (method === OID.ocsp) ocsp.push(url);
  }
  return { caIssuers, ocsp };
}

function decodeSubtrees(tlv: Tlv): GeneralSubtrees {
  const dns: string[] = [];
  const ip: { address: Uint8Array; prefix: number }[] = [];
  const email: string[] = [];
  const uri: string[] = [];
  const directoryNames: string[] = [];
  let unsupported = 0;
  const subtrees = children(tlv);
  if (subtrees.length === 0) throw new DerError("nameConstraints: empty GeneralSubtrees");
  for (const subtree of subtrees) {
    const [base, ...rest] = sequence(subtree, "GeneralSubtree");
    if (!base) throw new DerError("GeneralSubtree: missing base");
    // minimum must be 0 (and so absent in DER) and maximum absent (RFC 5280 §4.2.1.10).
    if (rest.length > 0) throw new DerError("GeneralSubtree: minimum/maximum must be absent");
    const n = generalNameNumber(base);
    if (n === GN.dns) dns.push(dnsConstraint(ia5(base, "dNSName constraint")));
    else if (n === GN.rfc822) email.push(ia5(base, "rfc822Name constraint"));
    else if (n === GN.uri) uri.push(ia5(base, "URI constraint"));
    else if (n === GN.ip) ip.push(decodeIpSubnet(content(base)));
    else if (n === GN.directory) {
      const [inner] = children(base);
      if (!inner) throw new DerError("directoryName constraint: empty");
      directoryNames.push(parseName(inner, "directoryName constraint").key);
    } else unsupported++;
  }
  return { dns, ip, email, uri, directoryNames, unsupported };
}

/**
 * A dNSName constraint is a DNS name: any name built by adding labels on its left is within it, and
 * the empty name allows everything (RFC 5280 §4.2.1.10). A leading period (the URI / e-mail form) is
 * kept: src/validate/name-constraints.ts judges it. Anything else that is not a DNS name is malformed.
 */
function dnsConstraint(name: string): string {
  let bare = name.startsWith(".") ? name.slice(1) : name;
  if (bare.endsWith(".") && bare.length > 1) bare = bare.slice(0, -1);
  if (name !== "" && !/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i.test(bare)) {
    throw new DerError(`dNSName constraint "${name}" is not a DNS name (RFC 5280 §4.2.1.10)`);
  }
  return name;
}

/** address||mask (8 or 32 bytes); the mask must be a contiguous prefix. */
function decodeIpSubnet(bytes: Uint8Array): { address: Uint8Array; prefix: number } {
  if (bytes.length !== 8 && bytes.length !== 32) throw new DerError("iPAddress constraint: must be 8 or 32 bytes");
  const half = bytes.length / 2;
  const address = bytes.slice(0, half);
  const mask = bytes.subarray(half);
  let prefix = 0;
  let ended = false;
  for (const byte of mask) {
    for (let bit = 7; bit >= 0; bit--) {
      const set = (byte >> bit) & 1;
      if (set && ended) throw new DerError("iPAddress constraint: non-contiguous mask");
      if (set) prefix++;
      else ended = true;
    }
  }
  return { address, prefix };
}

export function decodeNameConstraints(value: Uint8Array): NameConstraints {
  const items = sequence(readRoot(value), "nameConstraints");
  if (items.length === 0) throw new DerError("nameConstraints: empty (RFC 5280 §4.2.1.10)");
  let permitted: GeneralSubtrees | undefined;
  let excluded: GeneralSubtrees | undefined;
  for (const item of items) {
    if (item.tag === contextTag(0, true) && !permitted && !excluded) permitted = decodeSubtrees(item);
    else if (item.tag === contextTag(1, true) && !excluded) excluded = decodeSubtrees(item);
    else throw new DerError(`nameConstraints: unexpected element ${toHex(encoding(item)).slice(0, 8)}`);
  }
  return { ...(permitted ? { permitted } : {}), ...(excluded ? { excluded } : {}) };
}
