/** X.501 Name decoding: display strings (RFC 4514) and the RDN list name constraints compare. */
import { ATTRIBUTE_NAMES, OID } from "./oids.js";
import { DerError, TAG, content, encoding, readOid, sequence, toHex, type Tlv } from "./der.js";

export interface ParsedName {
  /** RFC 4514 string: last RDN first, e.g. "CN=leaf, O=Example". */
  readonly display: string;
  /** Hex DER of the whole Name: issuer/subject matching compares these bytes (as Go and webpki do). */
  readonly key: string;
  /** Hex DER of each RDN (SET), in encoding order: directoryName constraints compare prefixes. */
  readonly rdns: readonly string[];
  readonly commonNames: readonly string[];
}

/** Decodes the string types X.509 names use; anything else is shown as `#hex` (RFC 4514 §2.4). */
export function decodeDirectoryString(tlv: Tlv): string | undefined {
  const c = Buffer.from(content(tlv));
  switch (tlv.tag) {
    case TAG.UTF8_STRING:
      return c.toString("utf8");
    case TAG.PRINTABLE_STRING:
    case TAG.IA5_STRING:
    case TAG.VISIBLE_STRING:
    case 0x12: // NumericString
      return c.toString("latin1");
    case TAG.TELETEX_STRING:
      return c.toString("latin1");
    case TAG.BMP_STRING: {
      if (c.length % 2 !== 0) throw new DerError("odd-length BMPString");
      return Buffer.from(c).swap16().toString("utf16le");
    }
    case TAG.UNIVERSAL_STRING: {
      if (c.length % 4 !== 0) throw new DerError("bad UniversalString length");
      let s = "";
      for (let i = 0; i < c.length; i += 4) s += String.fromCodePoint(c.readUInt32BE(i) & 0x10ffff);
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

export function parseName(tlv: Tlv, what: string): ParsedName {
  const rdnTlvs = sequence(tlv, what);
  const rdnDisplays: string[] = [];
  const rdns: string[] = [];
  const commonNames: string[] = [];
  for (const rdn of rdnTlvs) {
    const attributes = sequence(rdn, `${what} RDN`, TAG.SET);
    if (attributes.length === 0) throw new DerError(`${what}: empty RDN`);
    const parts: string[] = [];
    for (const attribute of attributes) {
      const [typeTlv, valueTlv, ...rest] = sequence(attribute, `${what} attribute`);
      if (!typeTlv || !valueTlv || rest.length > 0) throw new DerError(`${what}: malformed attribute`);
      const oid = readOid(typeTlv, `${what} attribute type`);
      const text = decodeDirectoryString(valueTlv);
      const shown = text === undefined ? `#${toHex(encoding(valueTlv))}` : escapeValue(text);
      parts.push(`${ATTRIBUTE_NAMES[oid] ?? oid}=${shown}`);
      if (oid === OID.commonName && text !== undefined) commonNames.push(text);
    }
    rdnDisplays.push(parts.join("+"));
    rdns.push(toHex(encoding(rdn)));
  }
  return {
    display: rdnDisplays.reverse().join(", "),
    key: toHex(encoding(tlv)),
    rdns,
    commonNames,
  };
}
