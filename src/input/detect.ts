/**
 * Tell the binary certificate containers apart by their first elements, not by file name:
 * Certificate ::= SEQUENCE { SEQUENCE, ... } (RFC 5280), ContentInfo ::= SEQUENCE { OID, [0] }
 * (RFC 5652), PFX ::= SEQUENCE { INTEGER 3, ContentInfo, MacData } (RFC 7292 section 4).
 * Pure; reads headers only.
 */
import { DerError, TAG_INTEGER, TAG_OCTET_STRING, TAG_OID, TAG_SEQUENCE, children, readTlv } from "./der.js";

export type DerKind =
  | { readonly kind: "certificate" }
  | { readonly kind: "pkcs7" }
  | { readonly kind: "pkcs12" }
  /** Anything else, with words for "is ..." (e.g. "a private key, not a certificate"). */
  | { readonly kind: "other"; readonly what: string };

// DER contents of the OIDs 1.2.840.113549.1.7 (PKCS#7 content types) and .2 (signedData).
const PKCS7_ARC = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07];
const SIGNED_DATA = 2;
const PKCS7_TYPES: Record<number, string> = { 1: "data", 3: "envelopedData", 4: "signedAndEnvelopedData", 5: "digestedData", 6: "encryptedData" };

/** Offset of the first content byte of the element at 0, reading only its header. */
function contentStart(bytes: Uint8Array): number | undefined {
  const first = bytes[1];
  if (first === undefined) return undefined;
  return first <= 0x80 ? 2 : 2 + (first & 0x7f);
}

/** Classify DER/BER that starts with a SEQUENCE. */
export function detectDerKind(bytes: Uint8Array): DerKind {
  const start = contentStart(bytes);
  const tag = start === undefined ? undefined : bytes[start];
  if (start === undefined || tag === undefined) return { kind: "other", what: "too short to be a certificate" };
  if (tag === TAG_SEQUENCE) return { kind: "certificate" };
  if (tag === TAG_OID) return detectContentInfo(bytes, start);
  if (tag === TAG_INTEGER) return detectIntegerFirst(bytes, start);
  return { kind: "other", what: "not a certificate, PKCS#7 or PKCS#12 file" };
}

function detectContentInfo(bytes: Uint8Array, start: number): DerKind {
  try {
    const oid = readTlv(bytes, start);
    const value = bytes.subarray(oid.contentStart, oid.end);
    if (value.length === PKCS7_ARC.length + 1 && PKCS7_ARC.every((b, i) => value[i] === b)) {
      const type = value[PKCS7_ARC.length]!;
      if (type === SIGNED_DATA) return { kind: "pkcs7" };
      return { kind: "other", what: `a PKCS#7 ${PKCS7_TYPES[type] ?? "other"} message, not a certificate bundle (signedData)` };
    }
  } catch (e) {
    if (!(e instanceof DerError)) throw e;
  }
  return { kind: "other", what: "not a certificate, PKCS#7 or PKCS#12 file" };
}

function detectIntegerFirst(bytes: Uint8Array, start: number): DerKind {
  let version: number | undefined;
  try {
    const int = readTlv(bytes, start);
    if (int.end! - int.contentStart === 1) version = bytes[int.contentStart];
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
    tags = children(bytes, readTlv(bytes, 0)).map((t) => t.tag);
  } catch {
    return "not a certificate, PKCS#7 or PKCS#12 file";
  }
  // PrivateKeyInfo (RFC 5208): version, AlgorithmIdentifier, OCTET STRING.
  if (tags[1] === TAG_SEQUENCE && tags[2] === TAG_OCTET_STRING) return "a private key (PKCS#8), not a certificate";
  // RSAPrivateKey (RFC 8017) / DSA: a run of INTEGERs.
  if (tags.length >= 6 && tags.every((t) => t === TAG_INTEGER)) return "a private key (RSA or DSA), not a certificate";
  // ECPrivateKey (RFC 5915): version 1, OCTET STRING, ...
  if (tags[1] === TAG_OCTET_STRING) return "a private key (EC), not a certificate";
  return "not a certificate, PKCS#7 or PKCS#12 file";
}
