/**
 * X.501 Name decoding: display strings (RFC 4514), and the normalised form issuer/subject chaining and
 * directoryName constraints compare (RFC 5280 §7.1, as OpenSSL's X509_NAME_cmp does it).
 */
import { ATTRIBUTE_NAMES, OID } from "../asn1/oids.js";
import { DerError, TAG, content, encoding, readOid, readRoot, sequence, tlvHex, toHex, type Tlv } from "../asn1/der.js";

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
    case TAG.NUMERIC_STRING:
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

const SINGLE_BYTE_TAGS: ReadonlySet<number> = new Set([TAG.PRINTABLE_STRING, TAG.TELETEX_STRING, TAG.IA5_STRING, TAG.VISIBLE_STRING]);

/**
 * {@link normaliseValue} on the bytes of a plain-ASCII value (the common case), as hex; undefined when a byte is
 * not ASCII, so the caller decodes the string instead.
 */
function normaliseAsciiHex(bytes: Uint8Array): string | undefined {
  const out = new Uint8Array(bytes.length);
  let n = 0;
  let space = false;
  for (const b of bytes) {
    if (b >= 0x80) return undefined;
    if (b === 0x20 || (b >= 0x09 && b <= 0x0d)) {
      space = n > 0;
      continue;
    }
    if (space) out[n++] = 0x20;
    space = false;
    out[n++] = b >= 0x41 && b <= 0x5a ? b + 0x20 : b;
  }
  return toHex(out, 0, n);
}

/**
 * The normalised DER of one attribute, hex: SEQUENCE { type, UTF8String normalised value } (other types, and a
 * value `strict: false` could not decode, as encoded). `text` is the decoded value when the caller has it;
 * otherwise it is decoded here (and validated, naming `what`).
 */
function normalisedAttribute(typeTlv: Tlv, valueTlv: Tlv, text: string | undefined, what: string, strict = true): string {
  let value: string | undefined;
  if (NORMALISED_TAGS.has(valueTlv.tag)) {
    const ascii = SINGLE_BYTE_TAGS.has(valueTlv.tag) || valueTlv.tag === TAG.UTF8_STRING ? normaliseAsciiHex(content(valueTlv)) : undefined;
    const decoded = ascii === undefined && (strict || text !== undefined) ? (text ?? decodeDirectoryString(valueTlv, what)) : undefined;
    if (ascii !== undefined) value = tlvHex(TAG.UTF8_STRING, ascii);
    else if (decoded !== undefined) value = tlvHex(TAG.UTF8_STRING, toHex(new TextEncoder().encode(normaliseValue(decoded))));
  }
  value ??= toHex(valueTlv.buf, valueTlv.start, valueTlv.end);
  return tlvHex(TAG.SEQUENCE, toHex(typeTlv.buf, typeTlv.start, typeTlv.end) + value);
}

/** An RDN's normalised form, hex: a SET OF compares as a set, so its attributes in DER order (X.690 §11.6), as OpenSSL re-encodes them. */
function normalisedRdn(attributes: string[]): string {
  if (attributes.length > 1) attributes.sort();
  return tlvHex(TAG.SET, attributes.join(""));
}

/** The attributes of one RDN as (type, value) pairs, checked for shape. */
function rdnAttributes(rdn: Tlv, what: string): [Tlv, Tlv][] {
  const attributes = sequence(rdn, `${what} RDN`, TAG.SET);
  if (attributes.length === 0) throw new DerError(`${what}: empty RDN`);
  return attributes.map((attribute) => {
    const [typeTlv, valueTlv, ...rest] = sequence(attribute, `${what} attribute`);
    if (!typeTlv || !valueTlv || rest.length > 0) throw new DerError(`${what}: malformed attribute`);
    return [typeTlv, valueTlv];
  });
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
    const parts: string[] = [];
    const normalised: string[] = [];
    for (const [typeTlv, valueTlv] of rdnAttributes(rdn, what)) {
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
      normalised.push(normalisedAttribute(typeTlv, valueTlv, text, `${what} ${label}`, strict));
    }
    rdnDisplays.push(parts.join("+"));
    rdns.push(normalisedRdn(normalised));
  }
  return {
    display: rdnDisplays.reverse().join(", "),
    key: rdns.join(""),
    der: toHex(encoding(nameTlv)),
    rdns,
    commonNames,
  };
}

/**
 * The normalised key ({@link ParsedName.key}) of a Name given as DER, without the display work (the trust store
 * indexes every certificate by it); throws `DerError` as `parseName` does.
 */
export function nameKey(nameDer: Uint8Array, what = "name"): string {
  return sequence(readRoot(nameDer), what)
    .map((rdn) => normalisedRdn(rdnAttributes(rdn, what).map(([typeTlv, valueTlv]) => normalisedAttribute(typeTlv, valueTlv, undefined, `${what} attribute`))))
    .join("");
}
