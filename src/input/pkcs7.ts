/**
 * Certificates from a PKCS#7 / CMS SignedData (RFC 5652 section 5.1), including the degenerate
 * "certs-only" form that `.p7b` files and `openssl crl2pkcs7 -nocrl` produce. BER is accepted for
 * the envelope (Windows and Java write indefinite lengths); each certificate is returned as the
 * exact bytes found. Walked with src/asn1/der.ts, not a full ASN.1 tree: a tree costs about 1 KB of memory
 * per node and 70 nodes per certificate (asn1js), too much for a 20,000-certificate trust bundle.
 */
import { TAG, childrenOrNone, readOid, readTlv, type DerMode } from "../asn1/der.js";
import { OID } from "../asn1/oids.js";
import { InputError } from "./errors.js";

/** Windows and Java write these envelopes with indefinite lengths. */
const BER: DerMode = { ber: true, indefinite: true };
const CONTEXT_0 = 0xa0;

export interface Pkcs7Certificates {
  readonly blobs: Uint8Array[];
  readonly warnings: string[];
}

/** Why the envelope is not a PKCS#7 bundle (the words after "is not a valid PKCS#7 bundle"). */
class Malformed extends Error {}

/**
 * @param source  display name of the input
 * @param context where the PKCS#7 sits inside the input (e.g. "block 2 (PKCS7)"), or undefined
 *                when it is the whole input
 */
export async function pkcs7Certificates(der: Uint8Array, source: string, context: string | undefined): Promise<Pkcs7Certificates> {
  const what = context ? `${context} ` : "";
  try {
    return signedDataCertificates(der, source, what);
  } catch (e) {
    if (e instanceof InputError) throw e;
    const why = e instanceof Malformed ? e.message : "broken BER encoding";
    throw new InputError("PKCS7_MALFORMED", source, `${what}is not a valid PKCS#7 bundle (${why})`);
  }
}

function signedDataCertificates(der: Uint8Array, source: string, what: string): Pkcs7Certificates {
  // A DerError anywhere below is "broken BER encoding" (pkcs7Certificates).
  const contentInfo = readTlv(der, 0, der.length, BER);
  if (contentInfo.end !== der.length) throw new Malformed(`${der.length - contentInfo.end} bytes of trailing data`);
  const [type, explicit] = childrenOrNone(contentInfo, BER);
  if (contentInfo.tag !== TAG.SEQUENCE || type?.tag !== TAG.OID || explicit?.tag !== CONTEXT_0) {
    throw new Malformed("expected ContentInfo ::= SEQUENCE { contentType, [0] content }");
  }
  const oid = readOid(type, "contentType");
  if (oid !== OID.signedData) {
    throw new InputError("PKCS7_UNSUPPORTED", source, `${what}is PKCS#7 content type ${oid}, not signedData: it carries no certificate list`);
  }
  const signedData = childrenOrNone(explicit, BER)[0];
  if (signedData?.tag !== TAG.SEQUENCE) throw new Malformed("signedData is not a SEQUENCE");
  // SignedData ::= SEQUENCE { version, digestAlgorithms, encapContentInfo, certificates [0] IMPLICIT OPTIONAL, ... }
  const certSet = childrenOrNone(signedData, BER).find((el) => el.tag === CONTEXT_0);
  const blobs: Uint8Array[] = [];
  const warnings: string[] = [];
  for (const choice of certSet ? childrenOrNone(certSet, BER) : []) {
    if (choice.tag === TAG.SEQUENCE) {
      blobs.push(der.slice(choice.start, choice.end));
    } else {
      // extendedCertificate [0], v1/v2 attribute certificates [1]/[2], other [3] (RFC 5652 section 10.2.2).
      warnings.push(`${what || "the PKCS#7 bundle "}holds a certificate that is not X.509 (tag [${choice.tag & 0x1f}]); it was ignored`);
    }
  }
  if (blobs.length === 0) {
    throw new InputError("NO_CERTIFICATES", source, `${what || "the PKCS#7 bundle "}holds no certificates`);
  }
  return { blobs, warnings };
}
