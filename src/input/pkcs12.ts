/**
 * Certificates from a PKCS#12 / PFX file (RFC 7292): PFX -> AuthenticatedSafe -> SafeContents
 * (plain or password-encrypted) -> CertBag. Key bags are skipped, never decrypted. pkijs parses
 * the envelope; the bags are walked with asn1js because pkijs's SafeBag/CertBag parse every
 * certificate with pkijs and reject the whole file when one is unusual. Decryption and the MAC
 * check are in pbe.ts. Loaded lazily: imports pkijs and asn1js.
 */
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { InputError } from "./errors.js";
import { UnsupportedAlgorithm, octets, pbeDecrypt, verifyMac } from "./pbe.js";

const DATA = "1.2.840.113549.1.7.1";
const SIGNED_DATA = "1.2.840.113549.1.7.2";
const ENVELOPED_DATA = "1.2.840.113549.1.7.3";
const ENCRYPTED_DATA = "1.2.840.113549.1.7.6";
const CERT_BAG = "1.2.840.113549.1.12.10.1.3";
const SAFE_CONTENTS_BAG = "1.2.840.113549.1.12.10.1.6";
const X509_CERTIFICATE = "1.2.840.113549.1.9.22.1";
const MAX_NESTING = 4;

export interface Pkcs12Certificates {
  readonly blobs: Uint8Array[];
  readonly warnings: string[];
}

/** Why a step failed, before it becomes a user-facing {@link InputError}. */
class Malformed extends Error {}

/**
 * @param password the PKCS#12 password; when `undefined` the empty password is tried (files
 *        exported without a password) and a file that needs one gives `PKCS12_PASSWORD_REQUIRED`
 */
export async function pkcs12Certificates(der: Uint8Array, source: string, password: string | undefined): Promise<Pkcs12Certificates> {
  const fail = (code: "PKCS12_UNSUPPORTED" | "PKCS12_MALFORMED", detail: string) => new InputError(code, source, detail);
  const wrongPassword = (evidence: string) => password === undefined
    ? new InputError("PKCS12_PASSWORD_REQUIRED", source, "is a password-protected PKCS#12 file and no password was given")
    : new InputError("PKCS12_BAD_PASSWORD", source, `the PKCS#12 password is wrong (${evidence})`);
  const unsupported = (e: UnsupportedAlgorithm, what: string) => fail("PKCS12_UNSUPPORTED",
    `${what} ${e.algorithm}, which chaincheck does not support; export the certificates as PEM instead (openssl pkcs12 -in FILE -nokeys -out certs.pem)`);
  try {
    const pw = password ?? "";
    const parsed = asn1js.fromBER(der);
    if (parsed.offset === -1) throw new Malformed("broken BER encoding");
    if (parsed.offset !== der.length) throw new Malformed(`${der.length - parsed.offset} bytes of trailing data`);
    const pfx = schema(() => new pkijs.PFX({ schema: parsed.result }));
    if (pfx.version !== 3) throw fail("PKCS12_UNSUPPORTED", `is PKCS#12 version ${pfx.version}; chaincheck reads version 3`);
    if (pfx.authSafe.contentType === SIGNED_DATA) {
      throw fail("PKCS12_UNSUPPORTED", "uses public-key integrity mode (a signed PFX), which chaincheck does not support; export the certificates as PEM instead");
    }
    if (pfx.authSafe.contentType !== DATA) throw new Malformed("authSafe is not data");
    const content = octets(pfx.authSafe.content);
    const warnings: string[] = [];
    const macData = kids(parsed.result)[2];
    let integrity = false;
    if (macData === undefined) {
      warnings.push("the PKCS#12 file has no integrity MAC; its integrity was not verified");
    } else {
      try {
        if (!verifyMac(macData, content, pw)) throw wrongPassword("the file's integrity check failed");
        integrity = true;
      } catch (e) {
        if (!(e instanceof UnsupportedAlgorithm)) throw e;
        warnings.push(`the PKCS#12 integrity MAC uses ${e.algorithm}, which chaincheck cannot check; its integrity was not verified`);
      }
    }
    const authSafe = schema(() => new pkijs.AuthenticatedSafe({ schema: fromBer(content) }));
    const blobs: Uint8Array[] = [];
    for (const info of authSafe.safeContents) {
      if (info.contentType === DATA) {
        collectCertificates(fromBer(octets(info.content)), blobs, warnings, 0);
      } else if (info.contentType === ENCRYPTED_DATA) {
        const encrypted = schema(() => new pkijs.EncryptedData({ schema: info.content }));
        const eci = encrypted.encryptedContentInfo;
        if (!eci.encryptedContent) continue;
        let plain: Uint8Array | undefined;
        try {
          plain = pbeDecrypt(eci.contentEncryptionAlgorithm.toSchema(), new Uint8Array(eci.getEncryptedContent()), pw);
        } catch (e) {
          if (e instanceof UnsupportedAlgorithm) throw unsupported(e, "encrypts its certificates with");
          throw e;
        }
        if (!plain) throw wrongPassword("the certificates do not decrypt");
        try {
          collectCertificates(fromBer(plain), blobs, warnings, 0);
        } catch (e) {
          // Wrong keys pass the padding check about once in 256 tries: garbage, not a malformed file.
          if (e instanceof Malformed && !integrity) throw wrongPassword("the certificates do not decrypt");
          throw e;
        }
      } else if (info.contentType === ENVELOPED_DATA) {
        throw fail("PKCS12_UNSUPPORTED", "uses public-key privacy mode (envelopedData), which chaincheck does not support; export the certificates as PEM instead");
      } else {
        throw new Malformed(`unknown content type ${info.contentType}`);
      }
    }
    if (blobs.length === 0) throw new InputError("NO_CERTIFICATES", source, "the PKCS#12 file holds no certificates");
    return { blobs, warnings };
  } catch (e) {
    if (e instanceof InputError) throw e;
    if (e instanceof UnsupportedAlgorithm) throw unsupported(e, "uses");
    // Our own reasons, or asn1js/pkijs shape errors: neither carries the password.
    const why = e instanceof Malformed ? e.message : "its structure does not match RFC 7292";
    throw fail("PKCS12_MALFORMED", `is not a valid PKCS#12 file (${why})`);
  }
}

/** SafeContents ::= SEQUENCE OF SafeBag; SafeBag ::= SEQUENCE { bagId, [0] EXPLICIT bagValue, attributes }. */
function collectCertificates(safeContents: asn1js.AsnType, out: Uint8Array[], warnings: string[], depth: number): void {
  if (depth > MAX_NESTING) throw new Malformed("SafeContents nested too deeply");
  if (!(safeContents instanceof asn1js.Sequence)) throw new Malformed("SafeContents is not a SEQUENCE");
  for (const bag of kids(safeContents)) {
    const [id, wrapper] = kids(bag);
    const value = kids(wrapper)[0];
    if (!(id instanceof asn1js.ObjectIdentifier) || value === undefined) throw new Malformed("a SafeBag is malformed");
    const bagId = id.valueBlock.toString();
    if (bagId === SAFE_CONTENTS_BAG) {
      collectCertificates(value, out, warnings, depth + 1);
    } else if (bagId === CERT_BAG) {
      // CertBag ::= SEQUENCE { certId, [0] EXPLICIT certValue OCTET STRING }
      const [certId, certWrapper] = kids(value);
      if (!(certId instanceof asn1js.ObjectIdentifier)) throw new Malformed("a CertBag is malformed");
      if (certId.valueBlock.toString() === X509_CERTIFICATE) out.push(octets(kids(certWrapper)[0]));
      else warnings.push("the PKCS#12 file holds a certificate that is not X.509; it was ignored");
    }
    // Key, shrouded-key, CRL and secret bags: not needed, never decrypted.
  }
}

function fromBer(bytes: Uint8Array): asn1js.AsnType {
  const parsed = asn1js.fromBER(bytes);
  if (parsed.offset === -1 || parsed.offset !== bytes.length) throw new Malformed("broken BER encoding inside the file");
  return parsed.result;
}

/** Run a pkijs schema constructor; its errors mean a structure mismatch. */
function schema<T>(make: () => T): T {
  try {
    return make();
  } catch {
    throw new Malformed("its structure does not match RFC 7292");
  }
}

function kids(el: asn1js.AsnType | undefined): asn1js.AsnType[] {
  const value = (el as { valueBlock?: { value?: unknown } } | undefined)?.valueBlock?.value;
  return Array.isArray(value) ? (value as asn1js.AsnType[]) : [];
}
