/**
 * Certificates from a PKCS#7 / CMS SignedData (RFC 5652 section 5.1), including the degenerate
 * "certs-only" form that `.p7b` files and `openssl crl2pkcs7 -nocrl` produce. BER is accepted for
 * the envelope (Windows and Java write indefinite lengths); each certificate is returned as the
 * exact bytes found. Loaded lazily: imports asn1js.
 */
import * as asn1js from "asn1js";
import { InputError } from "./errors.js";

const SIGNED_DATA = "1.2.840.113549.1.7.2";

export interface Pkcs7Certificates {
  readonly blobs: Uint8Array[];
  readonly warnings: string[];
}

/**
 * @param source  display name of the input
 * @param context where the PKCS#7 sits inside the input (e.g. "block 2 (PKCS7)"), or undefined
 *                when it is the whole input
 */
export async function pkcs7Certificates(der: Uint8Array, source: string, context: string | undefined): Promise<Pkcs7Certificates> {
  const what = context ? `${context} ` : "";
  const malformed = (why: string) => new InputError("PKCS7_MALFORMED", source, `${what}is not a valid PKCS#7 bundle (${why})`);
  let parsed: ReturnType<typeof asn1js.fromBER>;
  try {
    parsed = asn1js.fromBER(der);
  } catch {
    // asn1js throws plain Errors on some malformed values (e.g. a broken GeneralizedTime).
    throw malformed("broken BER encoding");
  }
  if (parsed.offset === -1) throw malformed("broken BER encoding");
  if (parsed.offset !== der.length) throw malformed(`${der.length - parsed.offset} bytes of trailing data`);
  const contentInfo = parsed.result;
  const [type, explicit] = items(contentInfo);
  if (!(contentInfo instanceof asn1js.Sequence) || !(type instanceof asn1js.ObjectIdentifier) || !isContext(explicit, 0)) {
    throw malformed("expected ContentInfo ::= SEQUENCE { contentType, [0] content }");
  }
  const oid = type.valueBlock.toString();
  if (oid !== SIGNED_DATA) {
    throw new InputError("PKCS7_UNSUPPORTED", source, `${what}is PKCS#7 content type ${oid}, not signedData: it carries no certificate list`);
  }
  const signedData = items(explicit)[0];
  if (!(signedData instanceof asn1js.Sequence)) throw malformed("signedData is not a SEQUENCE");
  // SignedData ::= SEQUENCE { version, digestAlgorithms, encapContentInfo, certificates [0] IMPLICIT OPTIONAL, ... }
  const certSet = items(signedData).find((el) => isContext(el, 0));
  const blobs: Uint8Array[] = [];
  const warnings: string[] = [];
  for (const choice of certSet ? items(certSet) : []) {
    if (choice.idBlock.tagClass === 1 && choice.idBlock.tagNumber === 16) {
      blobs.push(choice.valueBeforeDecodeView.slice());
    } else {
      // extendedCertificate [0], v1/v2 attribute certificates [1]/[2], other [3] (RFC 5652 section 10.2.2).
      warnings.push(`${what || "the PKCS#7 bundle "}holds a certificate that is not X.509 (tag [${choice.idBlock.tagNumber}]); it was ignored`);
    }
  }
  if (blobs.length === 0) {
    throw new InputError("NO_CERTIFICATES", source, `${what || "the PKCS#7 bundle "}holds no certificates`);
  }
  return { blobs, warnings };
}

/** The child elements of a constructed value (empty for anything else). */
function items(el: asn1js.AsnType | undefined): asn1js.AsnType[] {
  if (el === undefined) return [];
  const value = (el as { valueBlock?: { value?: unknown } }).valueBlock?.value;
  return Array.isArray(value) ? (value as asn1js.AsnType[]) : [];
}

function isContext(el: asn1js.AsnType | undefined, tagNumber: number): el is asn1js.Constructed {
  return el instanceof asn1js.Constructed && el.idBlock.tagClass === 3 && el.idBlock.tagNumber === tagNumber;
}
