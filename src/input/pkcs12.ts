/**
 * Certificates from a PKCS#12 / PFX file (RFC 7292): PFX -> AuthenticatedSafe -> SafeContents
 * (plain or password-encrypted) -> CertBag. Key bags are never decrypted: only their localKeyID
 * attribute is read, to tell which certificate belongs to the private key. pkijs parses the
 * envelope; the bags are walked with asn1js because pkijs's SafeBag/CertBag parse every
 * certificate with pkijs and reject the whole file when one is unusual. Decryption and the MAC
 * check are in pbe.ts.
 *
 * Work is bounded before it starts: every key derivation the file asks for (MAC, encrypted safes)
 * is read and costed first, and a file over PKCS12_LIMITS is refused without running any. Loaded
 * lazily: imports pkijs and asn1js.
 */
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { readOid } from "../cert/der.js";
import { berElement, berKids, berOctets, TAG_OID, TAG_SEQUENCE, type BerTlv } from "./der.js";
import { InputError } from "./errors.js";
import { PKCS12_LIMITS, grouped } from "./limits.js";
import { IterationCountError, UnsupportedAlgorithm, derivationCost, octets, planDecryption, planMac } from "./pbe.js";
import type { DecryptionPlan, Derivation, MacPlan } from "./pbe.js";

const DATA = "1.2.840.113549.1.7.1";
const SIGNED_DATA = "1.2.840.113549.1.7.2";
const ENVELOPED_DATA = "1.2.840.113549.1.7.3";
const ENCRYPTED_DATA = "1.2.840.113549.1.7.6";
const KEY_BAG = "1.2.840.113549.1.12.10.1.1";
const SHROUDED_KEY_BAG = "1.2.840.113549.1.12.10.1.2";
const CERT_BAG = "1.2.840.113549.1.12.10.1.3";
const SAFE_CONTENTS_BAG = "1.2.840.113549.1.12.10.1.6";
const X509_CERTIFICATE = "1.2.840.113549.1.9.22.1";
const LOCAL_KEY_ID = "1.2.840.113549.1.9.21";
const MAX_NESTING = 4;
const TAG_SET = 0x31;
const CONTEXT_0 = 0xa0;

export interface Pkcs12Certificates {
  /** Every X.509 certificate of the file, in file order. */
  readonly blobs: Uint8Array[];
  /** Per blob: its localKeyID attribute (hex), when it has one. */
  readonly localKeyIds: (string | undefined)[];
  /** Per private key (key bags, never decrypted): its localKeyID (hex), when it has one. */
  readonly keyIds: (string | undefined)[];
  readonly warnings: string[];
}

/** Why a step failed, before it becomes a user-facing {@link InputError}. */
class Malformed extends Error {}

type Fail = (code: "PKCS12_UNSUPPORTED" | "PKCS12_MALFORMED" | "WORK_BUDGET_EXCEEDED", detail: string) => InputError;

/** One ContentInfo of the AuthenticatedSafe, read but not yet decrypted. */
type Safe =
  | { readonly kind: "data"; readonly content: Uint8Array }
  | { readonly kind: "encrypted"; readonly plan: DecryptionPlan; readonly data: Uint8Array }
  | { readonly kind: "empty" };

/**
 * @param password the PKCS#12 password; when `undefined` the empty password is tried (files
 *        exported without a password) and a file that needs one gives `PKCS12_PASSWORD_REQUIRED`
 */
export async function pkcs12Certificates(der: Uint8Array, source: string, password: string | undefined): Promise<Pkcs12Certificates> {
  const fail: Fail = (code, detail) => new InputError(code, source, detail);
  const wrongPassword = (evidence: string) => password === undefined
    ? new InputError("PKCS12_PASSWORD_REQUIRED", source, "is a password-protected PKCS#12 file and no password was given")
    : new InputError("PKCS12_BAD_PASSWORD", source, `the PKCS#12 password is wrong (${evidence})`);
  try {
    const pw = password ?? "";
    // Embedded OCTET STRINGs are not parsed into trees: the bags are walked with der.ts.
    const parsed = asn1js.fromBER(der, berOptions(der));
    if (parsed.offset === -1) throw new Malformed("broken BER encoding");
    if (parsed.offset !== der.length) throw new Malformed(`${der.length - parsed.offset} bytes of trailing data`);
    const pfx = schema(() => new pkijs.PFX({ schema: parsed.result }));
    if (pfx.version !== 3) throw fail("PKCS12_UNSUPPORTED", `is PKCS#12 version ${pfx.version}; chaincheck reads version 3`);
    if (pfx.authSafe.contentType === SIGNED_DATA) {
      throw fail("PKCS12_UNSUPPORTED", "uses public-key integrity mode (a signed PFX), which chaincheck does not support; export the certificates as PEM instead");
    }
    if (pfx.authSafe.contentType !== DATA) throw new Malformed("authSafe is not data");
    const content = octets(pfx.authSafe.content);
    // PFX ::= SEQUENCE { version, authSafe, macData OPTIONAL }: the MAC is read from the file itself.
    const pfxFields = kids(parsed.result);
    if (pfxFields.length > 3) throw new Malformed("the PFX has more than three fields");
    const mac = pfxFields[2] === undefined ? undefined : readMac(pfxFields[2], pw, fail);
    const authSafe = schema(() => new pkijs.AuthenticatedSafe({ schema: fromBer(content) }));
    if (authSafe.safeContents.length > PKCS12_LIMITS.maxSafes) {
      throw fail("WORK_BUDGET_EXCEEDED", `holds ${grouped(authSafe.safeContents.length)} safes; chaincheck reads at most ${PKCS12_LIMITS.maxSafes} per PKCS#12 file`);
    }
    const safes = authSafe.safeContents.map((info, i) => readSafe(info, i + 1, pw, fail));
    checkBudget([...(mac?.derivations ?? []), ...safes.flatMap((s) => (s.kind === "encrypted" ? s.plan.derivations : []))], fail);

    const warnings: string[] = [];
    if (mac === undefined) warnings.push("the PKCS#12 file has no integrity MAC; its integrity was not verified");
    else if (!mac.matches(content)) throw wrongPassword("the file's integrity check failed");
    const bags = new Bags(warnings, fail);
    for (const safe of safes) {
      if (safe.kind === "data") {
        bags.collect(safe.content);
      } else if (safe.kind === "encrypted") {
        const plain = safe.plan.decrypt(safe.data);
        if (!plain) throw wrongPassword("the certificates do not decrypt");
        try {
          bags.collect(plain);
        } catch (e) {
          // Wrong keys pass the padding check about once in 256 tries: garbage, not a malformed file.
          if (e instanceof Malformed && mac === undefined) throw wrongPassword("the certificates do not decrypt");
          throw e;
        }
      }
    }
    if (bags.blobs.length === 0) throw new InputError("NO_CERTIFICATES", source, "the PKCS#12 file holds no certificates");
    return { blobs: bags.blobs, localKeyIds: bags.localKeyIds, keyIds: bags.keyIds, warnings };
  } catch (e) {
    if (e instanceof InputError) throw e;
    if (e instanceof UnsupportedAlgorithm) throw unsupported(fail, e, "uses");
    // Our own reasons, or asn1js/pkijs shape errors: neither carries the password.
    const why = e instanceof Malformed ? e.message : "its structure does not match RFC 7292";
    throw fail("PKCS12_MALFORMED", `is not a valid PKCS#12 file (${why})`);
  }
}

function unsupported(fail: Fail, e: UnsupportedAlgorithm, what: string): InputError {
  return fail("PKCS12_UNSUPPORTED",
    `${what} ${e.algorithm}, which chaincheck does not support; export the certificates as PEM instead (openssl pkcs12 -in FILE -nokeys -out certs.pem)`);
}

/** An iteration count out of bounds, with the number as the file states it. */
function iterationFailure(fail: Fail, e: IterationCountError): InputError {
  if (e.value < 1n) return fail("PKCS12_MALFORMED", `is not a valid PKCS#12 file (${e.what} has an iteration count of ${e.value})`);
  return fail("WORK_BUDGET_EXCEEDED",
    `${e.what} asks for ${grouped(e.value)} key-derivation iterations; chaincheck allows at most ${grouped(PKCS12_LIMITS.maxIterationsPerDerivation)} per derivation (and ${grouped(PKCS12_LIMITS.maxIterations)} per file)`);
}

/** The MAC's parameters; an unknown algorithm or unreadable parameters stop the file. */
function readMac(macData: asn1js.AsnType, password: string, fail: Fail): MacPlan {
  try {
    return planMac(macData, password);
  } catch (e) {
    if (e instanceof IterationCountError) throw iterationFailure(fail, e);
    if (e instanceof UnsupportedAlgorithm) {
      throw fail("PKCS12_UNSUPPORTED",
        `its integrity MAC uses ${e.algorithm}, which chaincheck cannot check, and it does not read a file whose integrity it cannot verify; export the certificates as PEM instead (openssl pkcs12 -in FILE -nokeys -out certs.pem)`);
    }
    throw new Malformed("its integrity MAC parameters cannot be read");
  }
}

/** One AuthenticatedSafe entry, its decryption planned (nothing is derived yet). */
function readSafe(info: pkijs.ContentInfo, index: number, password: string, fail: Fail): Safe {
  if (info.contentType === DATA) return { kind: "data", content: octets(info.content) };
  if (info.contentType === ENCRYPTED_DATA) {
    const encrypted = schema(() => new pkijs.EncryptedData({ schema: info.content }));
    const eci = encrypted.encryptedContentInfo;
    if (!eci.encryptedContent) return { kind: "empty" };
    try {
      const plan = planDecryption(eci.contentEncryptionAlgorithm.toSchema(), password, `encrypted safe ${index}`);
      return { kind: "encrypted", plan, data: new Uint8Array(eci.getEncryptedContent()) };
    } catch (e) {
      if (e instanceof IterationCountError) throw iterationFailure(fail, e);
      if (e instanceof UnsupportedAlgorithm) throw unsupported(fail, e, "encrypts its certificates with");
      throw new Malformed(`the encryption parameters of safe ${index} cannot be read`);
    }
  }
  if (info.contentType === ENVELOPED_DATA) {
    throw fail("PKCS12_UNSUPPORTED", "uses public-key privacy mode (envelopedData), which chaincheck does not support; export the certificates as PEM instead");
  }
  throw new Malformed(`unknown content type ${info.contentType}`);
}

/** The whole file's key derivations against the budget, before any of them runs. */
function checkBudget(derivations: readonly Derivation[], fail: Fail): void {
  const total = derivations.reduce((sum, d) => sum + derivationCost(d), 0);
  if (total <= PKCS12_LIMITS.maxIterations) return;
  const parts = derivations.map((d) => {
    const factor = d.blocks * d.tries;
    return `${d.what}: ${grouped(d.iterations)}${factor > 1 ? ` x ${factor}` : ""}`;
  });
  throw fail("WORK_BUDGET_EXCEEDED",
    `needs ${grouped(total)} key-derivation iterations (${parts.join("; ")}); chaincheck allows at most ${grouped(PKCS12_LIMITS.maxIterations)} per PKCS#12 file`);
}

/**
 * SafeBags walked so far: certificates, key identifiers, and the bag count against its cap. Bags
 * are walked with der.ts, not as an asn1js tree (about 2 KB per node, 16 nodes per bag).
 */
class Bags {
  readonly blobs: Uint8Array[] = [];
  readonly localKeyIds: (string | undefined)[] = [];
  readonly keyIds: (string | undefined)[] = [];
  #count = 0;
  constructor(readonly warnings: string[], readonly fail: Fail) {}

  /** SafeContents ::= SEQUENCE OF SafeBag (its DER or BER bytes). */
  collect(bytes: Uint8Array): void {
    try {
      const root = berElement(bytes, 0);
      if (root.end !== bytes.length) throw new Malformed("broken BER encoding inside the file");
      this.#walk(bytes, root, 0);
    } catch (e) {
      if (e instanceof Malformed || e instanceof InputError) throw e;
      // der.ts errors: a length, tag, OID or OCTET STRING that is not what the bag needs.
      throw new Malformed("a SafeBag is malformed");
    }
  }

  /** SafeBag ::= SEQUENCE { bagId OID, bagValue [0] EXPLICIT, bagAttributes SET OF PKCS12Attribute OPTIONAL } */
  #walk(buf: Uint8Array, safeContents: BerTlv, depth: number): void {
    if (depth > MAX_NESTING) throw new Malformed("SafeContents nested too deeply");
    if (safeContents.tag !== TAG_SEQUENCE) throw new Malformed("SafeContents is not a SEQUENCE");
    for (const bag of berKids(buf, safeContents)) {
      if (++this.#count > PKCS12_LIMITS.maxBags) {
        throw this.fail("WORK_BUDGET_EXCEEDED", `holds more than ${grouped(PKCS12_LIMITS.maxBags)} bags; chaincheck reads at most ${grouped(PKCS12_LIMITS.maxBags)} per PKCS#12 file`);
      }
      const [id, wrapper, attributes] = bag.tag === TAG_SEQUENCE ? berKids(buf, bag) : [];
      const value = wrapper?.tag === CONTEXT_0 ? berKids(buf, wrapper)[0] : undefined;
      if (id?.tag !== TAG_OID || value === undefined) throw new Malformed("a SafeBag is malformed");
      const bagId = oidOf(buf, id);
      if (bagId === SAFE_CONTENTS_BAG) {
        this.#walk(buf, value, depth + 1);
      } else if (bagId === CERT_BAG) {
        // CertBag ::= SEQUENCE { certId OID, certValue [0] EXPLICIT OCTET STRING }
        const [certId, certWrapper] = value.tag === TAG_SEQUENCE ? berKids(buf, value) : [];
        const certValue = certWrapper?.tag === CONTEXT_0 ? berKids(buf, certWrapper)[0] : undefined;
        if (certId?.tag !== TAG_OID || certValue === undefined) throw new Malformed("a CertBag is malformed");
        if (oidOf(buf, certId) === X509_CERTIFICATE) {
          this.blobs.push(berOctets(buf, certValue).slice());
          this.localKeyIds.push(localKeyId(buf, attributes));
        } else {
          this.warnings.push("the PKCS#12 file holds a certificate that is not X.509; it was ignored");
        }
      } else if (bagId === KEY_BAG || bagId === SHROUDED_KEY_BAG) {
        this.keyIds.push(localKeyId(buf, attributes));
      }
      // CRL and secret bags: not needed.
    }
  }
}

/** The localKeyID attribute (RFC 7292 section 4.2, PKCS #9) of a bag, as hex; never decrypts anything. */
function localKeyId(buf: Uint8Array, attributes: BerTlv | undefined): string | undefined {
  if (attributes?.tag !== TAG_SET) return undefined;
  for (const attribute of berKids(buf, attributes)) {
    const [type, values] = attribute.tag === TAG_SEQUENCE ? berKids(buf, attribute) : [];
    if (type?.tag !== TAG_OID || oidOf(buf, type) !== LOCAL_KEY_ID || values?.tag !== TAG_SET) continue;
    const value = berKids(buf, values)[0];
    return value ? Buffer.from(berOctets(buf, value)).toString("hex") : undefined;
  }
  return undefined;
}

function oidOf(buf: Uint8Array, el: BerTlv): string {
  return readOid({ ...el, buf }, "bag identifier");
}

/** asn1js limits for the envelope: no embedded parsing, contents as long as the (already capped) input. */
function berOptions(bytes: Uint8Array): { parseEmbedded: boolean; maxContentLength: number } {
  return { parseEmbedded: false, maxContentLength: bytes.length };
}

function fromBer(bytes: Uint8Array): asn1js.AsnType {
  const parsed = asn1js.fromBER(bytes, berOptions(bytes));
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
