/**
 * Key material for the certificate issuer (src/pki/issue.ts): generation, PEM loading and the WebCrypto
 * import used for signing. Keys travel as PKCS#8 PEM so that the fixture generator can commit them and the
 * demo can hold them in memory with the same type.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPair, webcrypto } from "node:crypto";
import type { KeyObject, webcrypto as WebCrypto } from "node:crypto";

/** Key algorithms the issuer supports. */
export type KeyKind = "rsa2048" | "rsa1024" | "rsa3072" | "p256" | "p384" | "p521" | "ed25519";

/** A private key as PKCS#8 PEM, with its kind; the public key is derived when absent. */
export interface KeyPairPem {
  readonly kind: KeyKind;
  readonly privateKeyPem: string;
  readonly publicKeyPem?: string;
}

/** Signature digests the issuer can use (RSA PKCS#1 v1.5, RSA-PSS and ECDSA; Ed25519 ignores it). */
export type HashName = "SHA-1" | "SHA-256" | "SHA-384" | "SHA-512";

const RSA_BITS: Partial<Record<KeyKind, number>> = { rsa1024: 1024, rsa2048: 2048, rsa3072: 3072 };
const CURVES: Partial<Record<KeyKind, string>> = { p256: "P-256", p384: "P-384", p521: "P-521" };

/** Generates a fresh key pair of the given kind (node:crypto key generation, PKCS#8 / SPKI PEM). */
export function generateKey(kind: KeyKind): Promise<KeyPairPem> {
  const encoding = {
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  } as const;
  return new Promise((resolve, reject) => {
    const done = (err: Error | null, publicKeyPem: string, privateKeyPem: string): void => {
      if (err) reject(err);
      else resolve({ kind, privateKeyPem, publicKeyPem });
    };
    const bits = RSA_BITS[kind];
    const curve = CURVES[kind];
    if (bits !== undefined) generateKeyPair("rsa", { modulusLength: bits, publicExponent: 0x10001, ...encoding }, done);
    else if (curve !== undefined) generateKeyPair("ec", { namedCurve: curve, ...encoding }, done);
    else generateKeyPair("ed25519", encoding, done);
  });
}

/** Reads a PKCS#8 (or PKCS#1 / SEC1) private key PEM and works out its kind; throws on unsupported keys. */
export function keyFromPem(privateKeyPem: string): KeyPairPem {
  const key = createPrivateKey(privateKeyPem);
  const kind = kindOf(key);
  const pkcs8 = key.export({ type: "pkcs8", format: "pem" }).toString();
  return { kind, privateKeyPem: pkcs8 };
}

function kindOf(key: KeyObject): KeyKind {
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case "rsa": {
      const found = Object.entries(RSA_BITS).find(([, bits]) => bits === details.modulusLength);
      if (found) return found[0] as KeyKind;
      break;
    }
    case "ec": {
      const names: Record<string, KeyKind> = { prime256v1: "p256", secp384r1: "p384", secp521r1: "p521" };
      const kind = names[details.namedCurve ?? ""];
      if (kind) return kind;
      break;
    }
    case "ed25519":
      return "ed25519";
  }
  throw new Error(`unsupported key: ${key.asymmetricKeyType} ${JSON.stringify(details)}`);
}

/** Parsed forms of a key pair, cached per object: PEM parsing dominates the cost of issuing. */
interface KeyMaterial {
  readonly spki: Uint8Array;
  readonly publicKey: KeyObject;
  readonly pkcs8: Uint8Array;
}

const material = new WeakMap<KeyPairPem, KeyMaterial>();

function keyMaterial(key: KeyPairPem): KeyMaterial {
  let m = material.get(key);
  if (!m) {
    const privateKey = createPrivateKey(key.privateKeyPem);
    const publicKey = createPublicKey(key.publicKeyPem ?? privateKey);
    const spki = new Uint8Array(publicKey.export({ type: "spki", format: "der" }));
    m = { spki, publicKey, pkcs8: new Uint8Array(privateKey.export({ type: "pkcs8", format: "der" })) };
    material.set(key, m);
  }
  return m;
}

/** DER SubjectPublicKeyInfo of the key pair's public key. */
export function spkiDer(key: KeyPairPem): Uint8Array {
  return keyMaterial(key).spki;
}

/** The public key as a node:crypto KeyObject. */
export function publicKeyObject(key: KeyPairPem): KeyObject {
  return keyMaterial(key).publicKey;
}

/** Public key PEM (SPKI) of the key pair. */
export function publicKeyPem(key: KeyPairPem): string {
  return key.publicKeyPem ?? keyMaterial(key).publicKey.export({ type: "spki", format: "pem" }).toString();
}

/**
 * Key identifier: SHA-1 of the subjectPublicKey BIT STRING contents, method (1) of
 * https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.2. Lowercase hex.
 */
export function keyIdentifier(key: KeyPairPem): string {
  return createHash("sha1").update(subjectPublicKeyBits(spkiDer(key))).digest("hex");
}

/** Contents of the subjectPublicKey BIT STRING (unused-bits octet dropped) of a DER SPKI. */
function subjectPublicKeyBits(spki: Uint8Array): Uint8Array {
  // SPKI ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING }
  let pos = headerLength(spki, 0); // into the outer SEQUENCE
  pos += headerLength(spki, pos) + contentLength(spki, pos); // skip AlgorithmIdentifier
  const start = pos + headerLength(spki, pos);
  return spki.subarray(start + 1, start + contentLength(spki, pos));
}

function headerLength(der: Uint8Array, pos: number): number {
  const first = der[pos + 1] ?? 0;
  return first < 0x80 ? 2 : 2 + (first & 0x7f);
}

function contentLength(der: Uint8Array, pos: number): number {
  const first = der[pos + 1] ?? 0;
  if (first < 0x80) return first;
  let len = 0;
  for (let i = 0; i < (first & 0x7f); i++) len = len * 256 + (der[pos + 2 + i] ?? 0);
  return len;
}

/** What `crypto.subtle.sign` and @peculiar/x509 need to sign with a key. */
export interface SigningKey {
  readonly cryptoKey: WebCrypto.CryptoKey;
  /** Merged by @peculiar/x509 under the key's own algorithm (which carries the RSA hash). */
  readonly signingAlgorithm: WebCrypto.Algorithm & Record<string, unknown>;
}

/**
 * Imports the private key for signing. The RSA digest is fixed at import time because @peculiar/x509 takes
 * the hash from the key's algorithm before the signing algorithm; ECDSA takes it from `signingAlgorithm`.
 */
export function importSigningKey(key: KeyPairPem, hash: HashName, rsaPss: boolean): Promise<SigningKey> {
  let byAlg = signingKeys.get(key);
  if (!byAlg) signingKeys.set(key, (byAlg = new Map()));
  const id = `${hash}/${rsaPss}`;
  let signing = byAlg.get(id);
  if (!signing) byAlg.set(id, (signing = importUncached(key, hash, rsaPss)));
  return signing;
}

const signingKeys = new WeakMap<KeyPairPem, Map<string, Promise<SigningKey>>>();

async function importUncached(key: KeyPairPem, hash: HashName, rsaPss: boolean): Promise<SigningKey> {
  const { pkcs8 } = keyMaterial(key);
  const subtle = webcrypto.subtle;
  if (key.kind.startsWith("rsa")) {
    const name = rsaPss ? "RSA-PSS" : "RSASSA-PKCS1-v1_5";
    const cryptoKey = await subtle.importKey("pkcs8", pkcs8, { name, hash }, false, ["sign"]);
    // RFC 4055 section 3.1: the salt is as long as the digest output.
    const saltLength = { "SHA-1": 20, "SHA-256": 32, "SHA-384": 48, "SHA-512": 64 }[hash];
    return { cryptoKey, signingAlgorithm: rsaPss ? { name, saltLength } : { name } };
  }
  if (key.kind === "ed25519") {
    const cryptoKey = await subtle.importKey("pkcs8", pkcs8, { name: "Ed25519" }, false, ["sign"]);
    return { cryptoKey, signingAlgorithm: { name: "Ed25519" } };
  }
  const namedCurve = CURVES[key.kind] ?? "P-256";
  const cryptoKey = await subtle.importKey("pkcs8", pkcs8, { name: "ECDSA", namedCurve }, false, ["sign"]);
  return { cryptoKey, signingAlgorithm: { name: "ECDSA", hash } };
}
