/**
 * A certificate's outer shape (RFC 5280 §4.1) without a full parse: enough to cut certificates out of
 * containers, say what an input is when it is not a certificate, and find the subject and issuer Names for
 * indexing. Lengths are read as BER (a non-minimal length is the full parser's finding, not a reason to refuse
 * the file); indefinite lengths are refused (certificates are DER). Full parsing is parse.ts. Pure.
 */
import { DerError, TAG, children, readTlv, type DerMode, type Tlv } from "../asn1/der.js";

/** Definite BER: what a certificate container's walk accepts. */
const LENIENT: DerMode = { ber: true };

/** A certificate's outer structure is wrong, with a phrase that completes "certificate 2 ...". */
export class ShapeError extends Error {
  override readonly name = "ShapeError";
  constructor(
    readonly kind: "truncated" | "malformed" | "trailing" | "not-certificate",
    detail: string,
  ) {
    super(detail);
  }
}

/** A reader failure in the words of "certificate 2 ...". */
export function shapeError(e: unknown): ShapeError {
  if (e instanceof ShapeError) return e;
  if (!(e instanceof DerError)) throw e;
  switch (e.reason) {
    case "missing": return new ShapeError("truncated", "is truncated (an element is missing)");
    case "header": return new ShapeError("truncated", "is truncated (a DER header is cut short)");
    case "overrun": return new ShapeError("truncated", `is truncated (${e.sizes!.present} of ${e.sizes!.needed} bytes present)`);
    case "indefinite": return new ShapeError("malformed", "uses an indefinite length, which DER forbids");
    case "length-size": return new ShapeError("malformed", "has an impossible DER length");
    default: return new ShapeError("malformed", "is malformed DER");
  }
}

/** Reads an element's header in the container's leniency; failures become {@link ShapeError}. */
function element(buf: Uint8Array, offset: number, limit = buf.length): Tlv {
  try {
    return readTlv(buf, offset, limit, LENIENT);
  } catch (e) {
    throw shapeError(e);
  }
}

/** The children of an element inside a certificate: a failure there means the certificate is malformed, not cut short. */
function innerChildren(tlv: Tlv): Tlv[] {
  try {
    return children(tlv, LENIENT);
  } catch (e) {
    const shape = shapeError(e);
    throw shape.kind === "truncated" ? new ShapeError("malformed", "is malformed DER (an inner length runs past its enclosing element)") : shape;
  }
}

/**
 * Check that a certificate starts at `offset` (RFC 5280 section 4.1):
 * SEQUENCE { tbsCertificate SEQUENCE, signatureAlgorithm SEQUENCE, signature BIT STRING }, with
 * tbsCertificate's fields present in order and every length exact. Returns the offset just past
 * the certificate. Nested field contents are not parsed.
 * @throws ShapeError
 */
export function checkCertificateAt(buf: Uint8Array, offset: number): number {
  const outer = element(buf, offset);
  if (outer.tag !== TAG.SEQUENCE) throw new ShapeError("not-certificate", "is not a DER certificate (it does not start with a SEQUENCE)");
  const parts = innerChildren(outer);
  const [tbs, alg, sig] = parts;
  if (parts.length !== 3 || tbs!.tag !== TAG.SEQUENCE || alg!.tag !== TAG.SEQUENCE || sig!.tag !== TAG.BIT_STRING) {
    // Same first element, other structures: EncryptedPrivateKeyInfo (RFC 5208), SubjectPublicKeyInfo.
    if (parts.length === 2 && tbs?.tag === TAG.SEQUENCE && alg?.tag === TAG.OCTET_STRING) {
      throw new ShapeError("not-certificate", "is not an X.509 certificate (it is an encrypted private key)");
    }
    if (parts.length === 2 && tbs?.tag === TAG.SEQUENCE && alg?.tag === TAG.BIT_STRING) {
      throw new ShapeError("not-certificate", "is not an X.509 certificate (it is a public key)");
    }
    throw new ShapeError("not-certificate", "is not an X.509 certificate (expected SEQUENCE { tbsCertificate, signatureAlgorithm, signature BIT STRING })");
  }
  tbsFields(tbs!);
  return outer.end;
}

/** Check that `der` is exactly one certificate: no more, no less. */
export function checkCertificate(der: Uint8Array): void {
  const end = checkCertificateAt(der, 0);
  if (end !== der.length) {
    throw new ShapeError("trailing", `has ${der.length - end} bytes of trailing data after the certificate`);
  }
}

/** The fields of a certificate's TBSCertificate, by name, from its element. */
interface TbsFields {
  readonly issuer: Tlv;
  readonly subject: Tlv;
}

const CONTEXT_0 = 0xa0;
// Tags of TBSCertificate after the optional [0] version (RFC 5280 section 4.1):
// serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo.
const TBS_REQUIRED = [TAG.INTEGER, TAG.SEQUENCE, TAG.SEQUENCE, TAG.SEQUENCE, TAG.SEQUENCE, TAG.SEQUENCE];
// issuerUniqueID [1] IMPLICIT, subjectUniqueID [2] IMPLICIT (primitive or constructed), extensions [3] EXPLICIT.
const TBS_OPTIONAL = [[0x81, 0xa1], [0x82, 0xa2], [0xa3]];

function tbsFields(tbs: Tlv): TbsFields {
  const fields = innerChildren(tbs);
  const body = fields[0]?.tag === CONTEXT_0 ? fields.slice(1) : fields;
  const ok = TBS_REQUIRED.every((tag, i) => body[i]?.tag === tag) && optionalInOrder(body.slice(TBS_REQUIRED.length));
  if (!ok) throw new ShapeError("not-certificate", `is not an X.509 certificate${guessOther(fields)}`);
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
  if (tags.length === 4 && tags[0] === TAG.INTEGER && tags[3] === CONTEXT_0) {
    return " (it is a certificate signing request, CSR)";
  }
  // TBSCertList: [version,] signature, issuer, thisUpdate Time, ... (RFC 5280 section 5.1).
  if (tags.some((t, i) => i <= 3 && (t === TAG.UTC_TIME || t === TAG.GENERALIZED_TIME))) return " (it is a certificate revocation list, CRL)";
  return " (its tbsCertificate fields do not match RFC 5280)";
}

function tbsOf(der: Uint8Array): TbsFields {
  return tbsFields(innerChildren(element(der, 0))[0]!);
}

/** The complete DER (tag, length and contents) of a certificate's subject Name. @throws ShapeError */
export function subjectNameDer(der: Uint8Array): Uint8Array {
  const { subject } = tbsOf(der);
  return der.subarray(subject.start, subject.end);
}

/** The complete DER of a certificate's issuer Name. @throws ShapeError */
export function issuerNameDer(der: Uint8Array): Uint8Array {
  const { issuer } = tbsOf(der);
  return der.subarray(issuer.start, issuer.end);
}
