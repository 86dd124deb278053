/**
 * Writes PKCS#12 files (RFC 7292) bag by bag, for tests that need what OpenSSL does not write: the root
 * before the leaf (as GnuTLS certtool does), keystores with trusted CA entries beside a key entry, and
 * hostile MAC / iteration fields. Certificates are encrypted with PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC),
 * keys are node:crypto's encrypted PKCS#8, the MAC is HMAC-SHA-256 under the RFC 7292 appendix B key.
 * `openssl pkcs12` reads these files (checked in test/pkcs12-order.test.ts).
 */
import * as asn1js from "asn1js";
import { createCipheriv, createHmac, pbkdf2Sync, randomBytes, type KeyObject } from "node:crypto";
import { bmpPassword, pkcs12Kdf } from "../../src/input/pbe.js";
import { tlv } from "../../src/asn1/der.js";

const OID = {
  data: "1.2.840.113549.1.7.1", encryptedData: "1.2.840.113549.1.7.6",
  certBag: "1.2.840.113549.1.12.10.1.3", shroudedKeyBag: "1.2.840.113549.1.12.10.1.2",
  x509: "1.2.840.113549.1.9.22.1", localKeyId: "1.2.840.113549.1.9.21", friendlyName: "1.2.840.113549.1.9.20",
  /** Java's keytool marks trusted certificate entries with this attribute (Oracle's trusted key usage). */
  javaTrusted: "2.16.840.1.113894.746875.1.1", anyEku: "2.5.29.37.0",
  pbes2: "1.2.840.113549.1.5.13", pbkdf2: "1.2.840.113549.1.5.12", hmacSha256: "1.2.840.113549.2.9",
  aes256cbc: "2.16.840.1.101.3.4.1.42", sha256: "2.16.840.1.101.3.4.2.1", pbeSha3des: "1.2.840.113549.1.12.1.3",
} as const;

export type Bag =
  | { readonly kind: "cert"; readonly der: Uint8Array; readonly localKeyId?: Uint8Array; readonly friendlyName?: string; readonly javaTrusted?: boolean }
  | { readonly kind: "key"; readonly key: KeyObject; readonly localKeyId?: Uint8Array }
  /** Any SafeBag, as DER (e.g. many tiny secret bags). */
  | { readonly kind: "raw"; readonly der: Uint8Array };

/** An iteration count as written: a number, or the raw INTEGER content bytes (any length, any sign). */
export type Iterations = number | bigint | Uint8Array;

export interface SafeSpec {
  readonly bags: readonly Bag[];
  /** Encrypt the SafeContents: PBES2 (default) or the PKCS#12 3DES scheme; absent = plain data. */
  readonly encrypt?: { readonly iterations: Iterations; readonly scheme?: "pbes2" | "pkcs12-3des"; readonly fake?: boolean };
}

export interface MacSpec {
  readonly iterations?: Iterations;
  /** The MAC algorithm's AlgorithmIdentifier DER; default SHA-256 with NULL parameters. */
  readonly algorithm?: Uint8Array;
  /** Write random bytes instead of computing the MAC (for counts too large to derive). */
  readonly fake?: boolean;
  /** The whole MacData element, raw, instead of building one. */
  readonly raw?: Uint8Array;
}

export interface Pkcs12Spec {
  readonly password: string;
  readonly safes: readonly SafeSpec[];
  /** null: no MAC. */
  readonly mac: MacSpec | null;
}

const seq = (...value: asn1js.AsnType[]) => new asn1js.Sequence({ value });
const set = (...value: asn1js.AsnType[]) => new asn1js.Set({ value });
const oid = (value: string) => new asn1js.ObjectIdentifier({ value });
const octets = (bytes: Uint8Array) => new asn1js.OctetString({ valueHex: bytes });
const explicit0 = (inner: asn1js.AsnType) => new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [inner] });
const fromDer = (der: Uint8Array) => asn1js.fromBER(der).result;
const der = (el: asn1js.AsnType) => new Uint8Array(el.toBER());

/** INTEGER content bytes of a number: minimal two's complement. */
export function integerBytes(value: number | bigint): Uint8Array {
  let n = BigInt(value);
  const out: number[] = [];
  for (;;) {
    out.unshift(Number(n & 0xffn));
    const rest = n >> 8n;
    if ((rest === 0n && (out[0]! & 0x80) === 0) || (rest === -1n && (out[0]! & 0x80) !== 0)) break;
    n = rest;
  }
  return Uint8Array.from(out);
}

function integer(value: Iterations): asn1js.Integer {
  return new asn1js.Integer({ valueHex: value instanceof Uint8Array ? value : integerBytes(value) });
}

function numeric(value: Iterations): number {
  const bytes = value instanceof Uint8Array ? value : integerBytes(value);
  return Number(BigInt.asIntN(bytes.length * 8, BigInt(`0x${Buffer.from(bytes).toString("hex") || "0"}`)));
}

function attributes(bag: Exclude<Bag, { kind: "raw" }>): asn1js.Set | undefined {
  const attrs: asn1js.AsnType[] = [];
  if (bag.localKeyId) attrs.push(seq(oid(OID.localKeyId), set(octets(bag.localKeyId))));
  if (bag.kind === "cert" && bag.friendlyName) attrs.push(seq(oid(OID.friendlyName), set(new asn1js.BmpString({ value: bag.friendlyName }))));
  if (bag.kind === "cert" && bag.javaTrusted) attrs.push(seq(oid(OID.javaTrusted), set(oid(OID.anyEku))));
  return attrs.length ? set(...attrs) : undefined;
}

function safeBag(bag: Bag, password: string): Uint8Array {
  if (bag.kind === "raw") return bag.der;
  const attrs = attributes(bag);
  const value = bag.kind === "cert"
    ? seq(oid(OID.certBag), explicit0(seq(oid(OID.x509), explicit0(octets(bag.der)))))
    : seq(oid(OID.shroudedKeyBag), explicit0(fromDer(new Uint8Array(bag.key.export({ type: "pkcs8", format: "der", cipher: "aes-256-cbc", passphrase: password })))));
  if (attrs) (value.valueBlock.value as asn1js.AsnType[]).push(attrs);
  return der(value);
}

function encryptSafe(plain: Uint8Array, password: string, spec: NonNullable<SafeSpec["encrypt"]>): asn1js.AsnType {
  const salt = randomBytes(8);
  let algorithm: asn1js.AsnType;
  let ciphertext: Uint8Array;
  if ((spec.scheme ?? "pbes2") === "pbes2") {
    const iv = randomBytes(16);
    algorithm = seq(oid(OID.pbes2), seq(
      seq(oid(OID.pbkdf2), seq(octets(salt), integer(spec.iterations), seq(oid(OID.hmacSha256), new asn1js.Null()))),
      seq(oid(OID.aes256cbc), octets(iv)),
    ));
    const key = spec.fake ? randomBytes(32) : pbkdf2Sync(Buffer.from(password, "utf8"), salt, numeric(spec.iterations), 32, "sha256");
    const c = createCipheriv("aes-256-cbc", key, iv);
    ciphertext = Buffer.concat([c.update(plain), c.final()]);
  } else {
    algorithm = seq(oid(OID.pbeSha3des), seq(octets(salt), integer(spec.iterations)));
    const pw = bmpPassword(password);
    const n = numeric(spec.iterations);
    const key = spec.fake ? randomBytes(24) : pkcs12Kdf("sha1", 1, pw, salt, n, 24);
    const iv = spec.fake ? randomBytes(8) : pkcs12Kdf("sha1", 2, pw, salt, n, 8);
    const c = createCipheriv("des-ede3-cbc", key, iv);
    ciphertext = Buffer.concat([c.update(plain), c.final()]);
  }
  // EncryptedData ::= SEQUENCE { version 0, EncryptedContentInfo { contentType, algorithm, [0] IMPLICIT OCTET STRING } }
  const encryptedContent = new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 0 }, valueHex: ciphertext });
  return seq(oid(OID.encryptedData), explicit0(seq(new asn1js.Integer({ value: 0 }), seq(oid(OID.data), algorithm, encryptedContent))));
}

/** The MacData element: HMAC-SHA-256 over the authSafe content, key from the RFC 7292 appendix B KDF (id 3). */
function macData(content: Uint8Array, password: string, spec: MacSpec): Uint8Array {
  if (spec.raw) return spec.raw;
  const iterations = spec.iterations ?? 2048;
  const salt = randomBytes(8);
  const digest = spec.fake
    ? randomBytes(32)
    : createHmac("sha256", pkcs12Kdf("sha256", 3, bmpPassword(password), salt, numeric(iterations), 32)).update(content).digest();
  const algorithm = spec.algorithm ? fromDer(spec.algorithm) : seq(oid(OID.sha256), new asn1js.Null());
  return der(seq(seq(algorithm, octets(digest)), octets(salt), integer(iterations)));
}

/** The PFX DER for `spec`. */
export function buildPkcs12(spec: Pkcs12Spec): Uint8Array {
  const infos = spec.safes.map((safe) => {
    // SEQUENCE OF SafeBag, concatenated as DER (fast for tens of thousands of bags).
    const contents = tlv(0x30, Buffer.concat(safe.bags.map((bag) => safeBag(bag, spec.password))));
    return safe.encrypt ? encryptSafe(contents, spec.password, safe.encrypt) : seq(oid(OID.data), explicit0(octets(contents)));
  });
  const content = der(seq(...infos));
  const fields: asn1js.AsnType[] = [new asn1js.Integer({ value: 3 }), seq(oid(OID.data), explicit0(octets(content)))];
  if (spec.mac) fields.push(fromDer(macData(content, spec.password, spec.mac)));
  return der(seq(...fields));
}

/** DER of an AlgorithmIdentifier with `oidText` and NULL parameters (e.g. an unknown MAC hash). */
export function algorithmIdentifier(oidText: string, params: asn1js.AsnType = new asn1js.Null()): Uint8Array {
  return der(seq(oid(oidText), params));
}

/** A tiny secretBag (RFC 7292 section 4.2.6) holding nothing: cheap bags for bag-count limits. */
export function secretBag(): Uint8Array {
  return der(seq(oid("1.2.840.113549.1.12.10.1.5"), explicit0(seq(oid("1.2.3.4"), explicit0(octets(new Uint8Array(0)))))));
}
