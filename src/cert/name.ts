/**
 * X.501 Name decoding: display strings (RFC 4514), and the normalised form issuer/subject chaining and
 * directoryName constraints compare (RFC 5280 §7.1, as OpenSSL's X509_NAME_cmp does it).
 */
import { ATTRIBUTE_NAMES, OID } from "./oids.js";
import { DerError, TAG, concatBytes, content, encoding, readOid, readRoot, sequence, tlv, toHex, type Tlv } from "./der.js";

export interface ParsedName {
  /** RFC 4514 string: last RDN first, e.g. "CN=leaf, O=Example". */
  readonly display: string;
  /**
   * The normalised name, hex: what issuer/subject matching compares. Every DirectoryString value is
   * case-folded (ASCII), stripped of leading and trailing white space, its inner runs of white space made one
   * space, and re-encoded as UTF8String; the RDNs' encodings are concatenated (OpenSSL's `canon_enc`, so an
   * empty Name is ""). PrintableString "Example  CA" and UTF8String "example ca" give the same key.
   */
  readonly key: string;
  /** Hex DER of the whole Name, as encoded (Go and rustls/webpki compare these bytes). */
  readonly der: string;
  /** The normalised form of each RDN (hex), in encoding order: directoryName constraints compare prefixes. */
  readonly rdns: readonly string[];
  readonly commonNames: readonly string[];
}

/** The string types whose values RFC 5280 §7.1 / OpenSSL normalise (ASN1_MASK_CANON); others compare as encoded. */
const NORMALISED_TAGS: ReadonlySet<number> = new Set([
  TAG.UTF8_STRING, TAG.PRINTABLE_STRING, TAG.TELETEX_STRING, TAG.IA5_STRING, TAG.VISIBLE_STRING, TAG.UNIVERSAL_STRING, TAG.BMP_STRING,
]);

const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true });

function isSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdfff;
}

/**
 * Decodes the string types X.509 names use; `undefined` for any other type (shown as `#hex`, RFC 4514 §2.4).
 * Throws `DerError` naming `what` for a value OpenSSL 3 (and so Node and Python) refuses to load: an invalid
 * UTF8String (bad sequence, overlong form, encoded surrogate), a BMPString of odd length or holding a
 * surrogate, a UniversalString whose length is not a multiple of 4 or that holds a value beyond U+10FFFF.
 */
export function decodeDirectoryString(value: Tlv, what = "name attribute"): string | undefined {
  const c = Buffer.from(content(value));
  switch (value.tag) {
    case TAG.UTF8_STRING:
      try {
        return STRICT_UTF8.decode(c);
      } catch {
        throw new DerError(`${what}: invalid UTF8String (OpenSSL 3 and Node cannot load the certificate)`);
      }
    case TAG.PRINTABLE_STRING:
    case TAG.IA5_STRING:
    case TAG.VISIBLE_STRING:
    case TAG.TELETEX_STRING:
    case 0x12: // NumericString
      // Single-byte strings: OpenSSL reads them as Latin-1 and does not check the character set.
      return c.toString("latin1");
    case TAG.BMP_STRING: {
      if (c.length % 2 !== 0) throw new DerError(`${what}: BMPString of odd length ${c.length} (OpenSSL 3 and Node cannot load the certificate)`);
      let s = "";
      for (let i = 0; i < c.length; i += 2) {
        const code = c.readUInt16BE(i);
        if (isSurrogate(code)) throw new DerError(`${what}: BMPString holds a surrogate code unit (OpenSSL 3 and Node cannot load the certificate)`);
        s += String.fromCharCode(code);
      }
      return s;
    }
    case TAG.UNIVERSAL_STRING: {
      if (c.length % 4 !== 0) throw new DerError(`${what}: UniversalString of length ${c.length}, not a multiple of 4 (OpenSSL 3 and Node cannot load the certificate)`);
      let s = "";
      for (let i = 0; i < c.length; i += 4) {
        const code = c.readUInt32BE(i);
        if (code > 0x10ffff || isSurrogate(code)) throw new DerError(`${what}: UniversalString holds an invalid character (OpenSSL 3 and Node cannot load the certificate)`);
        s += String.fromCodePoint(code);
      }
      return s;
    }
    default:
      return undefined;
  }
}

/** RFC 4514 §2.4 escaping of an attribute value. */
function escapeValue(value: string): string {
  let out = value.replace(/[\\,+"<>;=]/g, (ch) => `\\${ch}`);
  if (out.startsWith("#") || out.startsWith(" ")) out = `\\${out}`;
  if (out.endsWith(" ") && out.length > 0) out = `${out.slice(0, -1)}\\ `;
  return out;
}

/** OpenSSL's `asn1_string_canon`: ASCII white space trimmed and collapsed to one space, ASCII letters lower-cased. */
export function normaliseValue(text: string): string {
  return text
    .replace(/^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g, "")
    .replace(/[ \t\n\v\f\r]+/g, " ")
    .replace(/[A-Z]/g, (ch) => ch.toLowerCase());
}

/** The normalised DER of one attribute: SEQUENCE { type, UTF8String normalised value } (other types as encoded). */
function normalisedAttribute(typeTlv: Tlv, valueTlv: Tlv, text: string | undefined): Uint8Array {
  const value = text !== undefined && NORMALISED_TAGS.has(valueTlv.tag)
    ? tlv(TAG.UTF8_STRING, new TextEncoder().encode(normaliseValue(text)))
    : encoding(valueTlv);
  return tlv(TAG.SEQUENCE, concatBytes([encoding(typeTlv), value]));
}

/**
 * Decodes a Name. `strict` (the default): a string OpenSSL cannot load is a `DerError` naming the attribute.
 * `strict: false` (describing a certificate that is already known to be malformed) shows such a value as `#hex`.
 */
export function parseName(nameTlv: Tlv, what: string, strict = true): ParsedName {
  const rdnTlvs = sequence(nameTlv, what);
  const rdnDisplays: string[] = [];
  const rdns: string[] = [];
  const commonNames: string[] = [];
  for (const rdn of rdnTlvs) {
    const attributes = sequence(rdn, `${what} RDN`, TAG.SET);
    if (attributes.length === 0) throw new DerError(`${what}: empty RDN`);
    const parts: string[] = [];
    const normalised: Uint8Array[] = [];
    for (const attribute of attributes) {
      const [typeTlv, valueTlv, ...rest] = sequence(attribute, `${what} attribute`);
      if (!typeTlv || !valueTlv || rest.length > 0) throw new DerError(`${what}: malformed attribute`);
      const oid = readOid(typeTlv, `${what} attribute type`);
      const label = ATTRIBUTE_NAMES[oid] ?? oid;
      let text: string | undefined;
      try {
        text = decodeDirectoryString(valueTlv, `${what} ${label}`);
      } catch (err) {
        if (strict) throw err;
      }
      const shown = text === undefined ? `#${toHex(encoding(valueTlv))}` : escapeValue(text);
      parts.push(`${label}=${shown}`);
      if (oid === OID.commonName && text !== undefined) commonNames.push(text);
      normalised.push(normalisedAttribute(typeTlv, valueTlv, text));
    }
    rdnDisplays.push(parts.join("+"));
    // A SET OF is compared as a set: the attributes in DER order (X.690 §11.6), as OpenSSL re-encodes them.
    rdns.push(toHex(tlv(TAG.SET, concatBytes(normalised.sort((a, b) => Buffer.compare(a, b))))));
  }
  return {
    display: rdnDisplays.reverse().join(", "),
    key: rdns.join(""),
    der: toHex(encoding(nameTlv)),
    rdns,
    commonNames,
  };
}

/** The normalised key ({@link ParsedName.key}) of a Name given as DER; throws `DerError` as `parseName` does. */
export function nameKey(nameDer: Uint8Array, what = "name"): string {
  return parseName(readRoot(nameDer), what).key;
}
