/**
 * Tell the binary certificate containers apart by their first elements, not by file name:
 * Certificate ::= SEQUENCE { SEQUENCE, ... } (RFC 5280), ContentInfo ::= SEQUENCE { OID, [0] }
 * (RFC 5652), PFX ::= SEQUENCE { INTEGER 3, ContentInfo, MacData } (RFC 7292 section 4).
 * Pure; reads headers only.
 */
import { DerError, TAG, children, readHeader, readOid, readTlv, type DerMode } from "../asn1/der.js";
import { OID } from "../asn1/oids.js";

export type DerKind =
  | { readonly kind: "certificate" }
  | { readonly kind: "pkcs7" }
  | { readonly kind: "pkcs12" }
  /** Anything else, with words for "is ..." (e.g. "a private key, not a certificate"). */
  | { readonly kind: "other"; readonly what: string };

/** Headers only, as the containers are written (BER). */
const BER: DerMode = { ber: true, indefinite: true };

/** The PKCS#7 content types that carry no certificate list, by the words messages use. */
const OTHER_PKCS7: Readonly<Record<string, string>> = {
  [OID.data]: "data", [OID.envelopedData]: "envelopedData", [OID.signedAndEnvelopedData]: "signedAndEnvelopedData",
  [OID.digestedData]: "digestedData", [OID.encryptedData]: "encryptedData",
};
const PKCS7_ARC = "1.2.840.113549.1.7.";

/** Classify DER/BER that starts with a SEQUENCE. */
export function detectDerKind(bytes: Uint8Array): DerKind {
  let start: number;
  try {
    start = readHeader(bytes, 0, bytes.length, BER).contentStart;
  } catch (e) {
    if (!(e instanceof DerError)) throw e;
    // A broken outer length: the certificate check names the defect.
    if (e.reason !== "header") return { kind: "certificate" };
    start = bytes.length;
  }
  const tag = bytes[start];
  if (tag === undefined) return { kind: "other", what: "too short to be a certificate" };
  if (tag === TAG.SEQUENCE) return { kind: "certificate" };
  if (tag === TAG.OID) return detectContentInfo(bytes, start);
  if (tag === TAG.INTEGER) return detectIntegerFirst(bytes, start);
  return { kind: "other", what: "not a certificate, PKCS#7 or PKCS#12 file" };
}

function detectContentInfo(bytes: Uint8Array, start: number): DerKind {
  try {
    const oid = readOid(readTlv(bytes, start, bytes.length, BER), "contentType");
    if (oid === OID.signedData) return { kind: "pkcs7" };
    // One more arc below pkcs-7, of one octet: a content type this reader does not use.
    if (oid.startsWith(PKCS7_ARC) && /^\d+$/.test(oid.slice(PKCS7_ARC.length)) && Number(oid.slice(PKCS7_ARC.length)) < 128) {
      return { kind: "other", what: `a PKCS#7 ${OTHER_PKCS7[oid] ?? "other"} message, not a certificate bundle (signedData)` };
    }
  } catch (e) {
    if (!(e instanceof DerError)) throw e;
  }
  return { kind: "other", what: "not a certificate, PKCS#7 or PKCS#12 file" };
}

function detectIntegerFirst(bytes: Uint8Array, start: number): DerKind {
  let version: number | undefined;
  try {
    const int = readTlv(bytes, start, bytes.length, BER);
    if (int.end - int.contentStart === 1) version = bytes[int.contentStart];
  } catch (e) {
    if (!(e instanceof DerError)) throw e;
  }
  if (version === 3) return { kind: "pkcs12" };
  return { kind: "other", what: describeKeyLike(bytes) };
}

/** Words for DER that starts SEQUENCE { INTEGER ...: private keys, most often. Never shows contents. */
function describeKeyLike(bytes: Uint8Array): string {
  let tags: number[] = [];
  try {
    tags = children(readTlv(bytes, 0, bytes.length, { ber: true }), { ber: true }).map((t) => t.tag);
  } catch {
    return "not a certificate, PKCS#7 or PKCS#12 file";
  }
  // PrivateKeyInfo (RFC 5208): version, AlgorithmIdentifier, OCTET STRING.
  if (tags[1] === TAG.SEQUENCE && tags[2] === TAG.OCTET_STRING) return "a private key (PKCS#8), not a certificate";
  // RSAPrivateKey (RFC 8017) / DSA: a run of INTEGERs.
  if (tags.length >= 6 && tags.every((t) => t === TAG.INTEGER)) return "a private key (RSA or DSA), not a certificate";
  // ECPrivateKey (RFC 5915): version 1, OCTET STRING, ...
  if (tags[1] === TAG.OCTET_STRING) return "a private key (EC), not a certificate";
  return "not a certificate, PKCS#7 or PKCS#12 file";
}
