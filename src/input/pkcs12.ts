/**
 * Certificates from a PKCS#12 / PFX file (RFC 7292): PFX -> AuthenticatedSafe -> SafeContents
 * (plain or password-encrypted) -> CertBag. Key bags are never decrypted: only their localKeyID
 * attribute is read, to tell which certificate belongs to the private key. The file is walked as BER
 * with src/asn1/der.ts (no ASN.1 object tree: pkijs's SafeBag/CertBag would parse every certificate
 * and reject the whole file when one is unusual). Decryption and the MAC check are in pbe.ts.
 *
 * Work is bounded before it starts: every key derivation the file asks for (MAC, encrypted safes)
 * is read and costed first, and a file over PKCS12_LIMITS is refused without running any. Loaded
 * lazily.
 */
import { DerError, TAG, children, childrenOrNone, isConstructed, octetString, readBigInteger, readOid, readTlv, type DerMode, type Tlv } from "../asn1/der.js";
import { OID } from "../asn1/oids.js";
import { InputError } from "./errors.js";
import { PKCS12_LIMITS, grouped } from "./limits.js";
import { IterationCountError, UnsupportedAlgorithm, derivationCost, octets, planDecryption, planMac } from "./pbe.js";
import type { DecryptionPlan, Derivation, MacPlan } from "./pbe.js";

/** PKCS#12 writers use BER (indefinite lengths, constructed OCTET STRINGs). */
const BER: DerMode = { ber: true, indefinite: true };
const MAX_NESTING = 4;
/** The structure check reads this deep; deeper elements are read when (and if) the file's meaning needs them. */
const MAX_WALK_DEPTH = 64;
const CONTEXT_0 = 0xa0;

export interface Pkcs12Certificates {
  /** Every X.509 certificate of the file, in file order. */
  readonly blobs: Uint8Array[];
  /** Per blob: its localKeyID attribute (hex), when it has one. */
  readonly localKeyIds: (string | undefined)[];
  /** Per blob: it carries Java's trusted-key-usage attribute (a keytool trustedCertEntry, a CA the keystore trusts). */
  readonly trusted: boolean[];
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
    const pfx = wholeBer(der, "broken BER encoding");
    // PFX ::= SEQUENCE { version INTEGER, authSafe ContentInfo, macData MacData OPTIONAL }
    const pfxFields = shaped(() => children(pfx, BER));
    const [versionEl, authSafeInfo, macData] = pfxFields;
    if (pfx.tag !== TAG.SEQUENCE || pfxFields.length < 2 || versionEl?.tag !== TAG.INTEGER || (macData && macData.tag !== TAG.SEQUENCE)) {
      throw new Malformed("its structure does not match RFC 7292");
    }
    if (pfxFields.length > 3) throw new Malformed("the PFX has more than three fields");
    const version = shaped(() => readBigInteger(versionEl, "version", BER));
    if (version !== 3n) throw fail("PKCS12_UNSUPPORTED", `is PKCS#12 version ${version}; chaincheck reads version 3`);
    const authSafeType = contentInfo(authSafeInfo);
    if (authSafeType.type === OID.signedData) {
      throw fail("PKCS12_UNSUPPORTED", "uses public-key integrity mode (a signed PFX), which chaincheck does not support; export the certificates as PEM instead");
    }
    if (authSafeType.type !== OID.data) throw new Malformed("authSafe is not data");
    const content = shaped(() => octets(authSafeType.content));
    // The MAC is read from the file itself.
    const mac = macData === undefined ? undefined : readMac(macData, pw, fail);
    // AuthenticatedSafe ::= SEQUENCE OF ContentInfo
    const authSafe = wholeBer(content, "broken BER encoding inside the file");
    if (authSafe.tag !== TAG.SEQUENCE) throw new Malformed("its structure does not match RFC 7292");
    const safeInfos = shaped(() => children(authSafe, BER));
    if (safeInfos.length > PKCS12_LIMITS.maxSafes) {
      throw fail("WORK_BUDGET_EXCEEDED", `holds ${grouped(safeInfos.length)} safes; chaincheck reads at most ${PKCS12_LIMITS.maxSafes} per PKCS#12 file`);
    }
    const safes = safeInfos.map((info, i) => readSafe(info, i + 1, pw, fail));
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
    return { blobs: bags.blobs, localKeyIds: bags.localKeyIds, trusted: bags.trusted, keyIds: bags.keyIds, warnings };
  } catch (e) {
    if (e instanceof InputError) throw e;
    if (e instanceof UnsupportedAlgorithm) throw unsupported(fail, e, "uses");
    // Our own reasons, or reader errors about the shape: neither carries the password.
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
function readMac(macData: Tlv, password: string, fail: Fail): MacPlan {
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

/** ContentInfo ::= SEQUENCE { contentType OID, content [0] EXPLICIT ANY OPTIONAL } (RFC 5652 section 3). */
function contentInfo(el: Tlv | undefined): { type: string; content: Tlv | undefined } {
  const [type, explicit, ...rest] = el?.tag === TAG.SEQUENCE ? shaped(() => children(el, BER)) : [];
  if (type?.tag !== TAG.OID || rest.length > 0 || (explicit && explicit.tag !== CONTEXT_0)) throw new Malformed("its structure does not match RFC 7292");
  const inner = explicit ? shaped(() => children(explicit, BER)) : [];
  if (inner.length > 1) throw new Malformed("its structure does not match RFC 7292");
  return { type: shaped(() => readOid(type, "contentType")), content: inner[0] };
}

/** One AuthenticatedSafe entry, its decryption planned (nothing is derived yet). */
function readSafe(info: Tlv, index: number, password: string, fail: Fail): Safe {
  const { type, content } = contentInfo(info);
  if (type === OID.data) return { kind: "data", content: shaped(() => octets(content)) };
  if (type === OID.encryptedData) {
    // EncryptedData ::= SEQUENCE { version, EncryptedContentInfo, unprotectedAttrs [1] IMPLICIT OPTIONAL }
    // EncryptedContentInfo ::= SEQUENCE { contentType, contentEncryptionAlgorithm, encryptedContent [0] IMPLICIT OPTIONAL }
    const [version, eci] = content?.tag === TAG.SEQUENCE ? shaped(() => children(content, BER)) : [];
    const [eciType, algorithm, encrypted] = version?.tag === TAG.INTEGER && eci?.tag === TAG.SEQUENCE ? shaped(() => children(eci, BER)) : [];
    if (eciType?.tag !== TAG.OID || algorithm?.tag !== TAG.SEQUENCE || (encrypted && (encrypted.tag & 0xdf) !== 0x80)) {
      throw new Malformed("its structure does not match RFC 7292");
    }
    if (!encrypted) return { kind: "empty" };
    // [0] IMPLICIT OCTET STRING: primitive, or (BER) constructed of OCTET STRING segments.
    const data = shaped(() => new Uint8Array(octetString(encrypted, "encryptedContent", BER, 0x80)));
    try {
      return { kind: "encrypted", plan: planDecryption(algorithm, password, `encrypted safe ${index}`), data };
    } catch (e) {
      if (e instanceof IterationCountError) throw iterationFailure(fail, e);
      if (e instanceof UnsupportedAlgorithm) throw unsupported(fail, e, "encrypts its certificates with");
      throw new Malformed(`the encryption parameters of safe ${index} cannot be read`);
    }
  }
  if (type === OID.envelopedData) {
    throw fail("PKCS12_UNSUPPORTED", "uses public-key privacy mode (envelopedData), which chaincheck does not support; export the certificates as PEM instead");
  }
  throw new Malformed(`unknown content type ${type}`);
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
 * are walked in place, not as an object tree (about 2 KB per node, 16 nodes per bag in asn1js).
 */
class Bags {
  readonly blobs: Uint8Array[] = [];
  readonly localKeyIds: (string | undefined)[] = [];
  readonly trusted: boolean[] = [];
  readonly keyIds: (string | undefined)[] = [];
  #count = 0;
  constructor(readonly warnings: string[], readonly fail: Fail) {}

  /** SafeContents ::= SEQUENCE OF SafeBag (its DER or BER bytes). */
  collect(bytes: Uint8Array): void {
    try {
      const root = readTlv(bytes, 0, bytes.length, BER);
      if (root.end !== bytes.length) throw new Malformed("broken BER encoding inside the file");
      this.#walk(root, 0);
    } catch (e) {
      if (e instanceof Malformed || e instanceof InputError) throw e;
      // Reader errors: a length, tag, OID or OCTET STRING that is not what the bag needs.
      throw new Malformed("a SafeBag is malformed");
    }
  }

  /** SafeBag ::= SEQUENCE { bagId OID, bagValue [0] EXPLICIT, bagAttributes SET OF PKCS12Attribute OPTIONAL } */
  #walk(safeContents: Tlv, depth: number): void {
    if (depth > MAX_NESTING) throw new Malformed("SafeContents nested too deeply");
    if (safeContents.tag !== TAG.SEQUENCE) throw new Malformed("SafeContents is not a SEQUENCE");
    for (const bag of childrenOrNone(safeContents, BER)) {
      if (++this.#count > PKCS12_LIMITS.maxBags) {
        throw this.fail("WORK_BUDGET_EXCEEDED", `holds more than ${grouped(PKCS12_LIMITS.maxBags)} bags; chaincheck reads at most ${grouped(PKCS12_LIMITS.maxBags)} per PKCS#12 file`);
      }
      const [id, wrapper, attributes] = bag.tag === TAG.SEQUENCE ? childrenOrNone(bag, BER) : [];
      const value = wrapper?.tag === CONTEXT_0 ? childrenOrNone(wrapper, BER)[0] : undefined;
      if (id?.tag !== TAG.OID || value === undefined) throw new Malformed("a SafeBag is malformed");
      const bagId = readOid(id, "bag identifier");
      if (bagId === OID.safeContentsBag) {
        this.#walk(value, depth + 1);
      } else if (bagId === OID.certBag) {
        // CertBag ::= SEQUENCE { certId OID, certValue [0] EXPLICIT OCTET STRING }
        const [certId, certWrapper] = value.tag === TAG.SEQUENCE ? childrenOrNone(value, BER) : [];
        const certValue = certWrapper?.tag === CONTEXT_0 ? childrenOrNone(certWrapper, BER)[0] : undefined;
        if (certId?.tag !== TAG.OID || certValue === undefined) throw new Malformed("a CertBag is malformed");
        if (readOid(certId, "certificate type") === OID.x509Certificate) {
          this.blobs.push(new Uint8Array(octetString(certValue, "certValue", BER)));
          this.localKeyIds.push(localKeyId(attributes));
          this.trusted.push(attributeValues(attributes, OID.javaTrustedKeyUsage) !== undefined);
        } else {
          this.warnings.push("the PKCS#12 file holds a certificate that is not X.509; it was ignored");
        }
      } else if (bagId === OID.keyBag || bagId === OID.pkcs8ShroudedKeyBag) {
        this.keyIds.push(localKeyId(attributes));
      }
      // CRL and secret bags: not needed.
    }
  }
}

/** The SET of values of a bag's attribute `type` (PKCS #9), when the bag has it. */
function attributeValues(attributes: Tlv | undefined, type: string): Tlv | undefined {
  if (attributes?.tag !== TAG.SET) return undefined;
  for (const attribute of childrenOrNone(attributes, BER)) {
    const [id, values] = attribute.tag === TAG.SEQUENCE ? childrenOrNone(attribute, BER) : [];
    if (id?.tag === TAG.OID && readOid(id, "attribute type") === type && values?.tag === TAG.SET) return values;
  }
  return undefined;
}

/** The localKeyID attribute (RFC 7292 section 4.2, PKCS #9) of a bag, as hex; never decrypts anything. */
function localKeyId(attributes: Tlv | undefined): string | undefined {
  const values = attributeValues(attributes, OID.localKeyId);
  const value = values ? childrenOrNone(values, BER)[0] : undefined;
  return value ? Buffer.from(octetString(value, "localKeyID", BER)).toString("hex") : undefined;
}

/** `bytes` as one BER element, exactly; `broken` says where when it is not. */
function wholeBer(bytes: Uint8Array, broken: string): Tlv {
  let el: Tlv;
  try {
    el = readTlv(bytes, 0, bytes.length, BER);
    walkAll(el, 0);
  } catch (e) {
    if (e instanceof DerError) throw new Malformed(broken);
    throw e;
  }
  if (el.end !== bytes.length) throw new Malformed(`${bytes.length - el.end} bytes of trailing data`);
  return el;
}

/** Reads every constructed element below `el` (OCTET STRING contents excepted), so a broken encoding is found at once. */
function walkAll(el: Tlv, depth: number): void {
  if (depth > MAX_WALK_DEPTH || !isConstructed(el.tag)) return;
  for (const child of children(el, BER)) walkAll(child, depth + 1);
}

/** Runs a read of the file's structure; a reader error there means the structure does not match. */
function shaped<T>(read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof DerError) throw new Malformed("its structure does not match RFC 7292");
    throw e;
  }
}
