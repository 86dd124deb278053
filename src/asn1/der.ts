/**
 * The one DER reader and writer (ITU-T X.690): just enough to walk X.509, PKCS#7 and PKCS#12 structures.
 *
 * DER by default, strictly: minimal lengths, low tag numbers, definite lengths only. A verifier that accepts BER
 * oddities in a certificate accepts certificates other clients reject. The containers around certificates are
 * BER in the wild (Windows and Java write indefinite lengths in PKCS#7 and PKCS#12), so `{ ber: true }` accepts
 * BER's length and tag forms, and `{ ber: true, indefinite: true }` also indefinite lengths, resolved by walking to
 * their end-of-contents octets (linear in the bytes walked, a bounded nesting depth).
 *
 * Why our own reader and not asn1js/pkijs: importing pkijs costs ~95 ms and asn1js ~28 ms on this machine
 * (measured), more than a whole offline check, and a tree of asn1js objects costs about 1 KB per node (70 nodes
 * per certificate). Pure; no dependencies.
 */

/** Why an element cannot be read: the parser's words (`message`) and a reason a caller can word its own way. */
export type DerReason =
  /** No element where one must start (`offset` at or past the end of its container). */
  | "missing"
  /** The identifier or length octets are cut short. */
  | "header"
  /** An indefinite length where DER (or a primitive element) forbids one. */
  | "indefinite"
  /** A length of more than four octets. */
  | "length-size"
  /** A length encoded in more octets than needed (DER only). */
  | "non-minimal"
  /** The high-tag-number form (DER only: X.509 never needs it). */
  | "high-tag"
  /** The element runs past the end of its container (`present` of `needed` bytes). */
  | "overrun"
  /** Indefinite lengths nested deeper than {@link MAX_BER_DEPTH}. */
  | "depth"
  /** Anything else: a value that breaks its type's rules (the message names it). */
  | "value";

/** Thrown for any malformed encoding; `message` says what and where. */
export class DerError extends Error {
  override name = "DerError";
  constructor(
    message: string,
    readonly reason: DerReason = "value",
    /** For `overrun`: the bytes the element's container holds from its start, and the bytes it needs. */
    readonly sizes?: { readonly present: number; readonly needed: number },
  ) {
    super(message);
  }
}

/** How strictly to read. */
export interface DerMode {
  /** BER length and tag forms: non-minimal lengths and the high-tag-number form. */
  readonly ber?: boolean;
  /** With `ber`: indefinite lengths (constructed elements only), resolved to their end-of-contents octets. */
  readonly indefinite?: boolean;
}

const DER: DerMode = {};

/** One TLV (tag-length-value) element inside `buf`. */
export interface Tlv {
  readonly buf: Uint8Array;
  /** The first identifier octet (class, constructed bit and low tag number). */
  readonly tag: number;
  /** Offset of the identifier octet. */
  readonly start: number;
  /** Offset of the first content octet. */
  readonly contentStart: number;
  /** Offset just past the content (before the end-of-contents octets of an indefinite length). */
  readonly contentEnd: number;
  /** Offset just past the element. */
  readonly end: number;
  /** The element has an indefinite length (BER). */
  readonly indefinite: boolean;
}

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  NUMERIC_STRING: 0x12,
  PRINTABLE_STRING: 0x13,
  TELETEX_STRING: 0x14,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  VISIBLE_STRING: 0x1a,
  UNIVERSAL_STRING: 0x1c,
  BMP_STRING: 0x1e,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** Deepest nesting of indefinite lengths followed (each level is one stack frame). */
export const MAX_BER_DEPTH = 32;

/** Context-specific tag `[n]`, constructed or primitive. */
export function contextTag(n: number, constructed: boolean): number {
  return 0x80 | (constructed ? 0x20 : 0) | n;
}

/** Is the constructed bit set? */
export function isConstructed(tag: number): boolean {
  return (tag & 0x20) !== 0;
}

/** An element's identifier and length octets: where its content starts and how long it is. */
export interface Header {
  readonly tag: number;
  readonly start: number;
  readonly contentStart: number;
  /** The content's length; null for an indefinite length (BER with `indefinite`, constructed only). */
  readonly length: number | null;
}

/**
 * Reads the identifier and length octets at `offset` without looking at the content (which may run past `limit`).
 * @throws DerError naming the offset
 */
export function readHeader(buf: Uint8Array, offset: number, limit = buf.length, mode: DerMode = DER): Header {
  if (offset >= limit) throw new DerError(`unexpected end of data at offset ${offset}`, "missing");
  const tag = buf[offset]!;
  let pos = offset + 1;
  if ((tag & 0x1f) === 0x1f) {
    // High-tag-number form (tag 31): never in X.509 structures, rejected in DER; BER skips its base-128 digits.
    if (!mode.ber) throw new DerError(`unsupported high tag number at offset ${offset}`, "high-tag");
    while (pos < limit && (buf[pos]! & 0x80) !== 0) pos++;
    pos++;
  }
  if (pos >= limit) throw new DerError(`missing length at offset ${pos}`, "header");
  const first = buf[pos++]!;
  if (first < 0x80) return { tag, start: offset, contentStart: pos, length: first };
  if (first === 0x80) {
    if (!mode.ber || !mode.indefinite || !isConstructed(tag)) throw new DerError(`indefinite length at offset ${offset} (BER, not DER)`, "indefinite");
    return { tag, start: offset, contentStart: pos, length: null };
  }
  const count = first & 0x7f;
  if (count > 4) throw new DerError(`length too large at offset ${offset}`, "length-size");
  if (pos + count > limit) throw new DerError(`truncated length at offset ${offset}`, "header");
  if (!mode.ber && buf[pos] === 0) throw new DerError(`non-minimal length at offset ${offset}`, "non-minimal");
  let length = 0;
  for (let i = 0; i < count; i++) length = length * 256 + buf[pos++]!;
  if (!mode.ber && length < 0x80) throw new DerError(`non-minimal length at offset ${offset}`, "non-minimal");
  return { tag, start: offset, contentStart: pos, length };
}

/**
 * Reads the element starting at `offset`; its end must not pass `limit` (defaults to the buffer end).
 * @throws DerError naming the offset
 */
export function readTlv(buf: Uint8Array, offset: number, limit = buf.length, mode: DerMode = DER): Tlv {
  return readElement(buf, offset, limit, mode, 0);
}

function readElement(buf: Uint8Array, offset: number, limit: number, mode: DerMode, depth: number): Tlv {
  const { tag, contentStart, length } = readHeader(buf, offset, limit, mode);
  if (length === null) return indefiniteElement(buf, tag, offset, contentStart, limit, mode, depth);
  const end = contentStart + length;
  if (end > limit) {
    throw new DerError(`element at offset ${offset} runs past the end of its container`, "overrun", { present: limit - offset, needed: end - offset });
  }
  return { buf, tag, start: offset, contentStart, contentEnd: end, end, indefinite: false };
}

/** An indefinite length (X.690 §8.1.3.6): the contents run to the first end-of-contents octets at this level. */
function indefiniteElement(buf: Uint8Array, tag: number, offset: number, contentStart: number, limit: number, mode: DerMode, depth: number): Tlv {
  if (depth >= MAX_BER_DEPTH) throw new DerError(`indefinite lengths nested more than ${MAX_BER_DEPTH} deep at offset ${offset}`, "depth");
  let pos = contentStart;
  while (!(pos + 1 < limit && buf[pos] === 0 && buf[pos + 1] === 0)) pos = readElement(buf, pos, limit, mode, depth + 1).end;
  return { buf, tag, start: offset, contentStart, contentEnd: pos, end: pos + 2, indefinite: true };
}

/** Reads a single element that must span `bytes` exactly (no trailing data). */
export function readRoot(bytes: Uint8Array, mode: DerMode = DER): Tlv {
  const tlv = readTlv(bytes, 0, bytes.length, mode);
  if (tlv.end !== bytes.length) throw new DerError(`${bytes.length - tlv.end} trailing bytes after the DER structure`);
  return tlv;
}

/** The child elements of a constructed element, read in `mode` (a missing element is a DerError, never a TypeError). */
export function children(tlv: Tlv | undefined, mode: DerMode = DER): Tlv[] {
  if (!tlv) throw new DerError("missing element");
  if (!isConstructed(tlv.tag)) throw new DerError(`expected a constructed element at offset ${tlv.start}`);
  const out: Tlv[] = [];
  let pos = tlv.contentStart;
  while (pos < tlv.contentEnd) {
    const child = readTlv(tlv.buf, pos, tlv.contentEnd, mode);
    out.push(child);
    pos = child.end;
  }
  return out;
}

/** The children of a constructed element; none for a primitive one (walking BER containers). */
export function childrenOrNone(tlv: Tlv, mode: DerMode = DER): Tlv[] {
  return isConstructed(tlv.tag) ? children(tlv, mode) : [];
}

/** Throws unless `tlv` is present and has the expected tag (so truncated structures fail as DerError). */
export function expectTag(tlv: Tlv | undefined, tag: number, what: string): Tlv {
  if (!tlv) throw new DerError(`${what}: missing`);
  if (tlv.tag !== tag) {
    throw new DerError(`${what}: expected tag 0x${tag.toString(16)}, found 0x${tlv.tag.toString(16)}`);
  }
  return tlv;
}

/** Children of a SEQUENCE (or SET), checking the tag. */
export function sequence(tlv: Tlv | undefined, what: string, tag: number = TAG.SEQUENCE, mode: DerMode = DER): Tlv[] {
  return children(expectTag(tlv, tag, what), mode);
}

export function content(tlv: Tlv): Uint8Array {
  return tlv.buf.subarray(tlv.contentStart, tlv.contentEnd);
}

/** The whole encoding (identifier, length and content). */
export function encoding(tlv: Tlv): Uint8Array {
  return tlv.buf.subarray(tlv.start, tlv.end);
}

/**
 * An OCTET STRING's value: primitive, or (BER, X.690 §8.7.3) constructed of segments. `tag` is the primitive tag
 * the element carries: OCTET STRING, or an IMPLICIT context tag such as [0].
 */
export function octetString(tlv: Tlv | undefined, what: string, mode: DerMode = DER, tag: number = TAG.OCTET_STRING): Uint8Array {
  return octets(tlv, what, mode, tag, 0);
}

function octets(tlv: Tlv | undefined, what: string, mode: DerMode, tag: number, depth: number): Uint8Array {
  if (tlv?.tag === tag) return content(tlv);
  if (!mode.ber || tlv?.tag !== (tag | 0x20) || depth >= MAX_BER_DEPTH) throw new DerError(`${what}: expected an OCTET STRING`);
  const parts = children(tlv, mode).map((part) => octets(part, what, mode, TAG.OCTET_STRING, depth + 1));
  return parts.length === 1 ? parts[0]! : concatBytes(parts);
}

/** The length octets of a definite length `n` (minimal, X.690 §10.1). */
function lengthOctets(n: number): number[] {
  if (n < 0x80) return [n];
  const bytes: number[] = [];
  for (let rest = n; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return [0x80 | bytes.length, ...bytes];
}

/** One DER element (the writer's counterpart of {@link readTlv}). */
export function tlv(tag: number, content: Uint8Array): Uint8Array {
  const header = [tag, ...lengthOctets(content.length)];
  const out = new Uint8Array(header.length + content.length);
  out.set(header, 0);
  out.set(content, header.length);
  return out;
}

// Hex written from a table: name keys are short, and the trust store computes one per certificate (20,000 in a
// corporate bundle), where a Buffer per value costs more than the digits.
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/** `bytes[start, end)` as lowercase hex without separators. */
export function toHex(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let out = "";
  for (let i = start; i < end; i++) out += HEX[bytes[i]!]!;
  return out;
}

/** {@link tlv} in hex: the element from its tag and its content's hex. */
export function tlvHex(tag: number, contentHex: string): string {
  return lengthOctets(contentHex.length / 2).reduce((head, b) => head + HEX[b]!, HEX[tag]!) + contentHex;
}

/** The parts one after the other, in a new array. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

export function readBoolean(tlv: Tlv | undefined, what: string): boolean {
  const c = content(expectTag(tlv, TAG.BOOLEAN, what));
  // DER: TRUE is 0xFF, FALSE is 0x00, nothing else.
  if (c.length !== 1 || (c[0] !== 0x00 && c[0] !== 0xff)) throw new DerError(`${what}: invalid DER BOOLEAN`);
  return c[0] === 0xff;
}

/** INTEGER content as two's-complement bytes, checked for DER minimality. */
export function readIntegerBytes(tlv: Tlv | undefined, what: string, tag: number = TAG.INTEGER): Uint8Array {
  const c = content(expectTag(tlv, tag, what));
  if (c.length === 0) throw new DerError(`${what}: empty INTEGER`);
  if (c.length > 1 && ((c[0] === 0x00 && c[1]! < 0x80) || (c[0] === 0xff && c[1]! >= 0x80))) {
    throw new DerError(`${what}: non-minimal INTEGER`);
  }
  return c;
}

/** A small non-negative INTEGER (lengths, versions, path lengths). */
export function readSmallInteger(tlv: Tlv | undefined, what: string, tag: number = TAG.INTEGER): number {
  const c = readIntegerBytes(tlv, what, tag);
  if (c[0]! >= 0x80) throw new DerError(`${what}: negative INTEGER`);
  if (c.length > 6) throw new DerError(`${what}: INTEGER too large`);
  let n = 0;
  for (const b of c) n = n * 256 + b;
  return n;
}

/** An INTEGER of any size as a bigint; `mode.ber` accepts a non-minimal encoding (as BER does). */
export function readBigInteger(tlv: Tlv | undefined, what: string, mode: DerMode = DER): bigint {
  const c = mode.ber ? content(expectTag(tlv, TAG.INTEGER, what)) : readIntegerBytes(tlv, what);
  if (c.length === 0) throw new DerError(`${what}: empty INTEGER`);
  return BigInt.asIntN(c.length * 8, BigInt(`0x${toHex(c)}`));
}

export function readOid(tlv: Tlv | undefined, what: string): string {
  const c = content(expectTag(tlv, TAG.OID, what));
  if (c.length === 0) throw new DerError(`${what}: empty OBJECT IDENTIFIER`);
  const parts: number[] = [];
  let value = 0;
  let started = false;
  for (let i = 0; i < c.length; i++) {
    const b = c[i]!;
    if (!started && b === 0x80) throw new DerError(`${what}: non-minimal OID arc`);
    started = true;
    value = value * 128 + (b & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER / 128) throw new DerError(`${what}: OID arc too large`);
    if ((b & 0x80) === 0) {
      parts.push(value);
      value = 0;
      started = false;
    } else if (i === c.length - 1) {
      throw new DerError(`${what}: truncated OID`);
    }
  }
  const first = parts.shift()!;
  const head = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80];
  return [...head, ...parts].join(".");
}

/** BIT STRING content: the unused-bit count and the bytes. */
export function readBitString(tlv: Tlv | undefined, what: string): { unusedBits: number; bytes: Uint8Array } {
  const c = content(expectTag(tlv, TAG.BIT_STRING, what));
  if (c.length === 0) throw new DerError(`${what}: empty BIT STRING`);
  const unusedBits = c[0]!;
  if (unusedBits > 7 || (c.length === 1 && unusedBits !== 0)) throw new DerError(`${what}: invalid BIT STRING`);
  const bytes = c.subarray(1);
  // DER: the unused bits must be zero.
  if (bytes.length > 0 && (bytes[bytes.length - 1]! & ((1 << unusedBits) - 1)) !== 0) {
    throw new DerError(`${what}: non-zero unused bits in BIT STRING`);
  }
  return { unusedBits, bytes };
}

/** UTCTime / GeneralizedTime in the forms RFC 5280 §4.1.2.5 allows (seconds, `Z`). */
export function readTime(tlv: Tlv | undefined, what: string): Date {
  if (!tlv) throw new DerError(`${what}: missing`);
  const text = Buffer.from(content(tlv)).toString("latin1");
  let m: RegExpExecArray | null;
  let year: number;
  if (tlv.tag === TAG.UTC_TIME) {
    m = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text);
    if (!m) throw new DerError(`${what}: invalid UTCTime "${text}"`);
    const yy = Number(m[1]);
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
  } else if (tlv.tag === TAG.GENERALIZED_TIME) {
    m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text);
    if (!m) throw new DerError(`${what}: invalid GeneralizedTime "${text}"`);
    year = Number(m[1]);
  } else {
    throw new DerError(`${what}: expected a time`);
  }
  const [month, day, hour, minute, second] = [2, 3, 4, 5, 6].map((i) => Number(m![i]));
  const ms = Date.UTC(year, month! - 1, day, hour, minute, second);
  const check = new Date(ms);
  if (check.getUTCMonth() !== month! - 1 || check.getUTCDate() !== day || hour! > 23 || minute! > 59 || second! > 59) {
    throw new DerError(`${what}: impossible date "${text}"`);
  }
  if (year < 100) return new Date(check.setUTCFullYear(year));
  return check;
}
