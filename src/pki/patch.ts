/**
 * Certificates @peculiar/x509 cannot write: an issued certificate's issuer or subject Name is replaced by
 * hand-made DER (a string type of choice, odd spacing or case, an invalid UTF8String) and the TBSCertificate is
 * signed again with the issuer's key. For fixtures and tests that compare names the way RFC 5280 §7.1 and
 * OpenSSL do, and for malformed-string cases. RSA PKCS#1 v1.5 and Ed25519 signatures stay deterministic.
 */
import { createPrivateKey, sign } from "node:crypto";
import { children, concatBytes, encoding, readRoot, tlv } from "../asn1/der.js";
import { encodePem } from "../cert/pem.js";
import type { HashName, KeyPairPem } from "./keys.js";
import type { IssuedCertificate } from "./issue.js";

/** ASN.1 string tags a Name attribute value may use. */
export const STRING_TAG = { utf8: 0x0c, printable: 0x13, teletex: 0x14, ia5: 0x16, universal: 0x1c, bmp: 0x1e } as const;

/** One attribute: its dotted OID, the string tag, and the content bytes (a JS string is written as UTF-8). */
export interface NameAttribute {
  readonly oid: string;
  readonly tag: number;
  readonly value: string | Uint8Array;
}

function oidDer(oid: string): Uint8Array {
  const arcs = oid.split(".").map(Number);
  const bytes: number[] = [arcs[0]! * 40 + arcs[1]!];
  for (const arc of arcs.slice(2)) {
    const digits: number[] = [];
    for (let n = arc; ; n = Math.floor(n / 128)) {
      digits.unshift((n % 128) | (digits.length ? 0x80 : 0));
      if (n < 128) break;
    }
    bytes.push(...digits);
  }
  return tlv(0x06, Uint8Array.from(bytes));
}

/** DER of a Name: RDNs in encoding order (least specific first), each a list of attributes (a SET, kept in the order given). */
export function nameDer(rdns: readonly (readonly NameAttribute[])[]): Uint8Array {
  const value = (a: NameAttribute) => (typeof a.value === "string" ? new TextEncoder().encode(a.value) : a.value);
  const rdn = (attributes: readonly NameAttribute[]) =>
    tlv(0x31, concatBytes(attributes.map((a) => tlv(0x30, concatBytes([oidDer(a.oid), tlv(a.tag, value(a))])))));
  return tlv(0x30, concatBytes(rdns.map(rdn)));
}

export interface NamePatch {
  readonly issuer?: Uint8Array;
  readonly subject?: Uint8Array;
}

const DIGEST: Record<HashName, string> = { "SHA-1": "sha1", "SHA-256": "sha256", "SHA-384": "sha384", "SHA-512": "sha512" };

/**
 * `der` with its issuer and/or subject Name replaced, signed again by `signer` (the issuer's key) with the
 * signature algorithm the certificate already names (`hash` must be the digest of that algorithm).
 * The result is not checked by node:crypto: some patches are meant to be unloadable.
 */
export function patchNames(der: Uint8Array, patch: NamePatch, signer: KeyPairPem, hash: HashName = "SHA-256"): IssuedCertificate {
  const [tbs, algorithm] = children(readRoot(der));
  const fields = children(tbs).map((f) => encoding(f));
  const offset = fields[0]![0] === 0xa0 ? 1 : 0; // [0] version
  if (patch.issuer) fields[offset + 2] = patch.issuer;
  if (patch.subject) fields[offset + 4] = patch.subject;
  const tbsDer = tlv(0x30, concatBytes(fields));
  const key = createPrivateKey(signer.privateKeyPem);
  const signature = sign(key.asymmetricKeyType === "ed25519" ? null : DIGEST[hash], tbsDer, key);
  const out = tlv(0x30, concatBytes([tbsDer, encoding(algorithm!), tlv(0x03, concatBytes([Uint8Array.of(0), signature]))]));
  return { der: out, pem: encodePem(out) };
}
