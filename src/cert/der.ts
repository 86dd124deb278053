/**
 * A strict, allocation-light DER reader (ITU-T X.690 §10): just enough to walk X.509 structures.
 *
 * Why our own reader and not asn1js/pkijs on the hot path: importing pkijs costs ~41 ms and asn1js
 * ~18 ms on this machine (measured), close to the whole cost of a bare TLS fetch, and the issue's
 * speed goal is 1.3x that. pkijs is still used, lazily, for PKCS#7 and PKCS#12 containers.
 * Strictness matters: a verifier that accepts BER oddities accepts certificates other clients reject.
 */

/** Thrown for any malformed encoding; the message says what and where. */
export class DerError extends Error {
  override name = "DerError";
}

/** One TLV (tag-length-value) element inside `buf`. */
export interface Tlv {
  readonly buf: Uint8Array;
  /** The first identifier octet (class, constructed bit and low tag number). */
  readonly tag: number;
  /** Offset of the identifier octet. */
  readonly start: number;
  /** Offset of the first content octet. */
  readonly contentStart: number;
  /** Offset just past the content. */
  readonly end: number;
}

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
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

/** Context-specific tag `[n]`, constructed or primitive. */
export function contextTag(n: number, constructed: boolean): number {
  return 0x80 | (constructed ? 0x20 : 0) | n;
}

/** Reads the TLV starting at `offset`; `limit` bounds it (defaults to the buffer end). */
export function readTlv(buf: Uint8Array, offset: number, limit = buf.length): Tlv {
  if (offset >= limit) throw new DerError(`unexpected end of data at offset ${offset}`);
  const tag = buf[offset]!;
  // High-tag-number form (tag 31) never occurs in X.509 structures: reject it outright.
  if ((tag & 0x1f) === 0x1f) throw new DerError(`unsupported high tag number at offset ${offset}`);
  let pos = offset + 1;
  if (pos >= limit) throw new DerError(`missing length at offset ${pos}`);
  const first = buf[pos++]!;
  let length: number;
  if (first < 0x80) {
    length = first;
  } else {
    const count = first & 0x7f;
    if (count === 0) throw new DerError(`indefinite length at offset ${offset} (BER, not DER)`);
    if (count > 4) throw new DerError(`length too large at offset ${offset}`);
    if (pos + count > limit) throw new DerError(`truncated length at offset ${offset}`);
    if (buf[pos] === 0) throw new DerError(`non-minimal length at offset ${offset}`);
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + buf[pos++]!;
    if (length < 0x80) throw new DerError(`non-minimal length at offset ${offset}`);
  }
  const end = pos + length;
  if (end > limit) throw new DerError(`element at offset ${offset} runs past the end of its container`);
  return { buf, tag, start: offset, contentStart: pos, end };
}

/** Reads a single TLV that must span `bytes` exactly (no trailing data). */
export function readRoot(bytes: Uint8Array): Tlv {
  const tlv = readTlv(bytes, 0);
  if (tlv.end !== bytes.length) throw new DerError(`${bytes.length - tlv.end} trailing bytes after the DER structure`);
  return tlv;
}

/** The child elements of a constructed TLV (a missing element is a DerError, never a TypeError). */
export function children(tlv: Tlv | undefined): Tlv[] {
  if (!tlv) throw new DerError("missing element");
  if ((tlv.tag & 0x20) === 0) throw new DerError(`expected a constructed element at offset ${tlv.start}`);
  const out: Tlv[] = [];
  let pos = tlv.contentStart;
  while (pos < tlv.end) {
    const child = readTlv(tlv.buf, pos, tlv.end);
    out.push(child);
    pos = child.end;
  }
  return out;
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
export function sequence(tlv: Tlv | undefined, what: string, tag: number = TAG.SEQUENCE): Tlv[] {
  return children(expectTag(tlv, tag, what));
}

export function content(tlv: Tlv): Uint8Array {
  return tlv.buf.subarray(tlv.contentStart, tlv.end);
}

/** The whole encoding (identifier, length and content). */
export function encoding(tlv: Tlv): Uint8Array {
  return tlv.buf.subarray(tlv.start, tlv.end);
}

/** One DER TLV with a definite length (the writer's counterpart of {@link readTlv}). */
export function tlv(tag: number, content: Uint8Array): Uint8Array {
  const len = content.length;
  let header: number[];
  if (len < 0x80) header = [tag, len];
  else {
    const bytes: number[] = [];
    for (let n = len; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
    header = [tag, 0x80 | bytes.length, ...bytes];
  }
  const out = new Uint8Array(header.length + len);
  out.set(header, 0);
  out.set(content, header.length);
  return out;
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

export function readBoolean(tlv: Tlv | undefined, what: string): boolean {
  const c = content(expectTag(tlv, TAG.BOOLEAN, what));
  // DER: TRUE is 0xFF, FALSE is 0x00, nothing else.
  if (c.length !== 1 || (c[0] !== 0x00 && c[0] !== 0xff)) throw new DerError(`${what}: invalid DER BOOLEAN`);
  return c[0] === 0xff;
}

/** INTEGER content as minimal two's-complement bytes, checked for DER minimality. */
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
