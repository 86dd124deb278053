/**
 * A minimal DER walker: enough to cut certificates out of containers, check their outer shape
 * (RFC 5280 section 4.1) and find the subject Name without a full parse. Full parsing is
 * src/cert's job. Pure; no dependencies.
 */

/** One element's identifier octet and the byte ranges of its header and contents. */
export interface Tlv {
  /** First identifier octet: class bits, constructed bit and the low tag number. */
  readonly tag: number;
  /** Offset of the identifier octet. */
  readonly start: number;
  /** Offset of the first content byte. */
  readonly contentStart: number;
  /** Offset just past the contents; `undefined` for a BER indefinite length. */
  readonly end: number | undefined;
}

/** A DER defect, with a phrase that completes "certificate 2 ...". */
export class DerError extends Error {
  override readonly name = "DerError";
  constructor(
    readonly kind: "truncated" | "malformed" | "trailing" | "not-certificate",
    detail: string,
  ) {
    super(detail);
  }
}

export const TAG_INTEGER = 0x02;
export const TAG_BIT_STRING = 0x03;
export const TAG_OCTET_STRING = 0x04;
export const TAG_OID = 0x06;
export const TAG_SEQUENCE = 0x30;
const TAG_CONTEXT_0 = 0xa0;

/**
 * Read the header of the element at `offset`; its contents must end by `limit`.
 * An indefinite length (BER, X.690 section 8.1.3.6) is returned with `end: undefined` when
 * `allowIndefinite`, else rejected: certificates are DER.
 */
export function readTlv(buf: Uint8Array, offset: number, limit = buf.length, allowIndefinite = false): Tlv {
  let pos = offset;
  if (pos >= limit) throw new DerError("truncated", "is truncated (an element is missing)");
  const tag = buf[pos++]!;
  if ((tag & 0x1f) === 0x1f) {
    // High tag number form: base-128 digits, the last one with bit 8 clear.
    while (pos < limit && (buf[pos]! & 0x80) !== 0) pos++;
    pos++;
  }
  if (pos >= limit) throw new DerError("truncated", "is truncated (a DER header is cut short)");
  const first = buf[pos++]!;
  let length: number;
  if (first < 0x80) {
    length = first;
  } else if (first === 0x80) {
    if (!allowIndefinite || (tag & 0x20) === 0) {
      throw new DerError("malformed", "uses an indefinite length, which DER forbids");
    }
    return { tag, start: offset, contentStart: pos, end: undefined };
  } else {
    const count = first & 0x7f;
    if (count > 4) throw new DerError("malformed", "has an impossible DER length");
    if (pos + count > limit) throw new DerError("truncated", "is truncated (a DER header is cut short)");
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + buf[pos++]!;
  }
  const end = pos + length;
  if (end > limit) {
    throw new DerError("truncated", `is truncated (${limit - offset} of ${end - offset} bytes present)`);
  }
  return { tag, start: offset, contentStart: pos, end };
}

/** The children of a definite-length constructed element; they must fill it exactly. */
export function children(buf: Uint8Array, parent: Tlv): Tlv[] {
  const end = parent.end ?? buf.length;
  const out: Tlv[] = [];
  let pos = parent.contentStart;
  while (pos < end) {
    const child = readTlv(buf, pos, end);
    out.push(child);
    pos = child.end!;
  }
  return out;
}

/** An element whose end is known, also for a BER indefinite length (then just past its end-of-contents octets). */
export interface BerTlv extends Tlv {
  readonly end: number;
  readonly indefinite: boolean;
}

/** Deepest nesting of indefinite lengths followed (each level is one stack frame). */
const MAX_BER_DEPTH = 32;

/**
 * The element at `offset` with its end resolved: definite lengths as DER, indefinite ones (X.690
 * section 8.1.3.6, constructed only) by walking their contents to the end-of-contents octets.
 * Linear in the bytes walked and allocation-light, unlike a full ASN.1 tree.
 */
export function berElement(buf: Uint8Array, offset: number, limit = buf.length, depth = 0): BerTlv {
  const tlv = readTlv(buf, offset, limit, true);
  if (tlv.end !== undefined) return { ...tlv, end: tlv.end, indefinite: false };
  if (depth >= MAX_BER_DEPTH) throw new DerError("malformed", "nests indefinite lengths too deeply");
  let pos = tlv.contentStart;
  while (!(pos + 1 < limit && buf[pos] === 0 && buf[pos + 1] === 0)) pos = berElement(buf, pos, limit, depth + 1).end;
  return { ...tlv, end: pos + 2, indefinite: true };
}

/** The children of a constructed element read by {@link berElement}; they must fill it exactly. */
export function berChildren(buf: Uint8Array, parent: BerTlv): BerTlv[] {
  const stop = parent.indefinite ? parent.end - 2 : parent.end;
  const out: BerTlv[] = [];
  for (let pos = parent.contentStart; pos < stop;) {
    const child = berElement(buf, pos, stop);
    out.push(child);
    pos = child.end;
  }
  return out;
}

/** The children of an element read by {@link berElement}; none for a primitive one. */
export function berKids(buf: Uint8Array, el: BerTlv): BerTlv[] {
  return (el.tag & 0x20) === 0 ? [] : berChildren(buf, el);
}

/** An OCTET STRING's value: primitive, or constructed of primitive segments (BER, X.690 section 8.7.3). */
export function berOctets(buf: Uint8Array, el: BerTlv, depth = 0): Uint8Array {
  if (el.tag === TAG_OCTET_STRING) return buf.subarray(el.contentStart, el.end);
  if (el.tag !== (TAG_OCTET_STRING | 0x20) || depth >= MAX_BER_DEPTH) throw new DerError("malformed", "is not an OCTET STRING");
  const parts = berChildren(buf, el).map((part) => berOctets(buf, part, depth + 1));
  return parts.length === 1 ? parts[0]! : Uint8Array.from(Buffer.concat(parts));
}

/**
 * Check that a certificate starts at `offset` (RFC 5280 section 4.1):
 * SEQUENCE { tbsCertificate SEQUENCE, signatureAlgorithm SEQUENCE, signature BIT STRING }, with
 * tbsCertificate's fields present in order and every length exact. Returns the offset just past
 * the certificate. Nested field contents are not parsed.
 */
export function checkCertificateAt(buf: Uint8Array, offset: number): number {
  const outer = readTlv(buf, offset);
  if (outer.tag !== TAG_SEQUENCE) throw new DerError("not-certificate", "is not a DER certificate (it does not start with a SEQUENCE)");
  let parts: Tlv[];
  try {
    parts = children(buf, outer);
  } catch (e) {
    throw inner(e);
  }
  const [tbs, alg, sig] = parts;
  if (parts.length !== 3 || tbs!.tag !== TAG_SEQUENCE || alg!.tag !== TAG_SEQUENCE || sig!.tag !== TAG_BIT_STRING) {
    // Same first element, other structures: EncryptedPrivateKeyInfo (RFC 5208), SubjectPublicKeyInfo.
    if (parts.length === 2 && tbs?.tag === TAG_SEQUENCE && alg?.tag === TAG_OCTET_STRING) {
      throw new DerError("not-certificate", "is not an X.509 certificate (it is an encrypted private key)");
    }
    if (parts.length === 2 && tbs?.tag === TAG_SEQUENCE && alg?.tag === TAG_BIT_STRING) {
      throw new DerError("not-certificate", "is not an X.509 certificate (it is a public key)");
    }
    throw new DerError("not-certificate", "is not an X.509 certificate (expected SEQUENCE { tbsCertificate, signatureAlgorithm, signature BIT STRING })");
  }
  tbsFields(buf, tbs!);
  return outer.end!;
}

/** Check that `der` is exactly one certificate: no more, no less. */
export function checkCertificate(der: Uint8Array): void {
  const end = checkCertificateAt(der, 0);
  if (end !== der.length) {
    throw new DerError("trailing", `has ${der.length - end} bytes of trailing data after the certificate`);
  }
}

/** The fields of a certificate's TBSCertificate, by name, from its element. */
interface TbsFields {
  readonly issuer: Tlv;
  readonly subject: Tlv;
}

// Tags of TBSCertificate after the optional [0] version (RFC 5280 section 4.1):
// serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo.
const TBS_REQUIRED = [TAG_INTEGER, TAG_SEQUENCE, TAG_SEQUENCE, TAG_SEQUENCE, TAG_SEQUENCE, TAG_SEQUENCE];
// issuerUniqueID [1] IMPLICIT, subjectUniqueID [2] IMPLICIT (primitive or constructed), extensions [3] EXPLICIT.
const TBS_OPTIONAL = [[0x81, 0xa1], [0x82, 0xa2], [0xa3]];

function tbsFields(buf: Uint8Array, tbs: Tlv): TbsFields {
  let fields: Tlv[];
  try {
    fields = children(buf, tbs);
  } catch (e) {
    throw inner(e);
  }
  const body = fields[0]?.tag === TAG_CONTEXT_0 ? fields.slice(1) : fields;
  const ok = TBS_REQUIRED.every((tag, i) => body[i]?.tag === tag) && optionalInOrder(body.slice(TBS_REQUIRED.length));
  if (!ok) throw new DerError("not-certificate", `is not an X.509 certificate${guessOther(fields)}`);
  return { issuer: body[2]!, subject: body[4]! };
}

function optionalInOrder(rest: Tlv[]): boolean {
  let next = 0;
  for (const field of rest) {
    while (next < TBS_OPTIONAL.length && !TBS_OPTIONAL[next]!.includes(field.tag)) next++;
    if (next === TBS_OPTIONAL.length) return false;
    next++;
  }
  return true;
}

/** Name structures with a certificate's outer shape, to say what the input is instead. */
function guessOther(fields: Tlv[]): string {
  const tags = fields.map((f) => f.tag);
  // CertificationRequestInfo: version INTEGER, subject Name, SPKI, [0] attributes (RFC 2986).
  if (tags.length === 4 && tags[0] === TAG_INTEGER && tags[3] === TAG_CONTEXT_0) {
    return " (it is a certificate signing request, CSR)";
  }
  // TBSCertList: [version,] signature, issuer, thisUpdate Time, ... (RFC 5280 section 5.1).
  if (tags.some((t, i) => i <= 3 && (t === 0x17 || t === 0x18))) return " (it is a certificate revocation list, CRL)";
  return " (its tbsCertificate fields do not match RFC 5280)";
}

/** A failure inside a certificate's elements means the certificate is malformed, not the file cut short. */
function inner(e: unknown): DerError {
  if (e instanceof DerError && e.kind === "truncated") {
    return new DerError("malformed", "is malformed DER (an inner length runs past its enclosing element)");
  }
  return e instanceof DerError ? e : new DerError("malformed", "is malformed DER");
}

/** The complete DER (tag, length and contents) of a certificate's subject Name. */
export function subjectNameDer(der: Uint8Array): Uint8Array {
  const { subject } = tbsFields(der, children(der, readTlv(der, 0))[0]!);
  return der.subarray(subject.start, subject.end);
}

/** The complete DER of a certificate's issuer Name. */
export function issuerNameDer(der: Uint8Array): Uint8Array {
  const { issuer } = tbsFields(der, children(der, readTlv(der, 0))[0]!);
  return der.subarray(issuer.start, issuer.end);
}

export { toHex } from "../cert/der.js";
