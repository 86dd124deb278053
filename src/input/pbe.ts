/**
 * Password-based decryption and integrity for PKCS#12, on node:crypto (synchronous, and it has
 * 3DES, which WebCrypto and so pkijs lack): PBES2 with PBKDF2 (RFC 8018 section 6.2) and AES or
 * 3DES, the PKCS#12 PBE schemes with the RFC 7292 appendix B key derivation (3DES, RC2), and the
 * MAC check (RFC 7292 section 5, PBMAC1 of RFC 9579). Lazily loaded with pkcs12.ts.
 */
import * as asn1js from "asn1js";
import { createDecipheriv, createHash, createHmac, pbkdf2Sync, timingSafeEqual } from "node:crypto";
import { rc2CbcDecrypt } from "./rc2.js";

/** The file uses an algorithm chaincheck does not implement; `algorithm` names it. */
export class UnsupportedAlgorithm extends Error {
  constructor(readonly algorithm: string) {
    super(algorithm);
  }
}

/** Work bounds for hostile files: the slowest legitimate files use a few hundred thousand rounds. */
const MAX_PBKDF2_ITERATIONS = 10_000_000;
const MAX_PKCS12_KDF_ITERATIONS = 1_000_000;

const HASHES: Record<string, { name: string; u: number; v: number }> = {
  "1.3.14.3.2.26": { name: "sha1", u: 20, v: 64 },
  "2.16.840.1.101.3.4.2.4": { name: "sha224", u: 28, v: 64 },
  "2.16.840.1.101.3.4.2.1": { name: "sha256", u: 32, v: 64 },
  "2.16.840.1.101.3.4.2.2": { name: "sha384", u: 48, v: 128 },
  "2.16.840.1.101.3.4.2.3": { name: "sha512", u: 64, v: 128 },
  "2.16.840.1.101.3.4.2.5": { name: "sha512-224", u: 28, v: 128 },
  "2.16.840.1.101.3.4.2.6": { name: "sha512-256", u: 32, v: 128 },
};
/** PBKDF2 PRFs (RFC 8018 appendix B.1); absent means hmacWithSHA1. */
const HMAC_PRFS: Record<string, string> = {
  "1.2.840.113549.2.7": "sha1", "1.2.840.113549.2.8": "sha224", "1.2.840.113549.2.9": "sha256",
  "1.2.840.113549.2.10": "sha384", "1.2.840.113549.2.11": "sha512",
};
/** PBES2 encryption schemes: node cipher name and key length. */
const PBES2_CIPHERS: Record<string, { cipher: string; keyLength: number }> = {
  "2.16.840.1.101.3.4.1.2": { cipher: "aes-128-cbc", keyLength: 16 },
  "2.16.840.1.101.3.4.1.22": { cipher: "aes-192-cbc", keyLength: 24 },
  "2.16.840.1.101.3.4.1.42": { cipher: "aes-256-cbc", keyLength: 32 },
  "1.2.840.113549.3.7": { cipher: "des-ede3-cbc", keyLength: 24 },
};
/** PKCS#12 PBE schemes (RFC 7292 appendix C), all with SHA-1. */
const PKCS12_PBE: Record<string, { cipher: string; keyLength: number; rc2Bits?: number } | string> = {
  "1.2.840.113549.1.12.1.1": "pbeWithSHAAnd128BitRC4",
  "1.2.840.113549.1.12.1.2": "pbeWithSHAAnd40BitRC4",
  "1.2.840.113549.1.12.1.3": { cipher: "des-ede3-cbc", keyLength: 24 },
  "1.2.840.113549.1.12.1.4": { cipher: "des-ede-cbc", keyLength: 16 },
  "1.2.840.113549.1.12.1.5": { cipher: "rc2", keyLength: 16, rc2Bits: 128 },
  "1.2.840.113549.1.12.1.6": { cipher: "rc2", keyLength: 5, rc2Bits: 40 },
};
const PBES2 = "1.2.840.113549.1.5.13";
const PBKDF2 = "1.2.840.113549.1.5.12";
const PBMAC1 = "1.2.840.113549.1.5.14";
const KNOWN_NAMES: Record<string, string> = {
  "1.2.840.113549.1.5.3": "pbeWithMD5AndDES-CBC", "1.2.840.113549.1.5.6": "pbeWithMD5AndRC2-CBC",
  "1.2.840.113549.1.5.10": "pbeWithSHA1AndDES-CBC", "1.2.840.113549.1.5.11": "pbeWithSHA1AndRC2-CBC",
  "1.3.6.1.4.1.11591.4.11": "scrypt", "1.3.14.3.2.7": "DES-CBC", "1.2.840.113549.3.2": "RC2-CBC",
  "2.16.840.1.101.3.4.1.6": "AES-128-GCM", "2.16.840.1.101.3.4.1.46": "AES-256-GCM",
};

/** The PKCS#12 password as the PKCS#12 KDF wants it: BMPString, big-endian, with a NUL (RFC 7292 B.1). */
export function bmpPassword(password: string): Uint8Array {
  const out = new Uint8Array(password.length * 2 + 2);
  for (let i = 0; i < password.length; i++) {
    out[2 * i] = password.charCodeAt(i) >>> 8;
    out[2 * i + 1] = password.charCodeAt(i) & 0xff;
  }
  return out;
}

/** Encodings to try: an empty password is written as a lone NUL or as nothing, depending on the tool. */
function bmpCandidates(password: string): Uint8Array[] {
  return password === "" ? [bmpPassword(""), new Uint8Array(0)] : [bmpPassword(password)];
}

/** The PKCS#12 key derivation of RFC 7292 appendix B.2 (`id` 1 = key, 2 = IV, 3 = MAC key). */
export function pkcs12Kdf(hashName: string, id: number, password: Uint8Array, salt: Uint8Array, iterations: number, n: number): Uint8Array {
  const hash = Object.values(HASHES).find((h) => h.name === hashName);
  if (!hash) throw new UnsupportedAlgorithm(hashName);
  if (iterations < 1 || iterations > MAX_PKCS12_KDF_ITERATIONS) throw new UnsupportedAlgorithm(`an iteration count of ${iterations}`);
  const { u, v } = hash;
  const fill = (src: Uint8Array) => {
    const out = new Uint8Array(v * Math.ceil(src.length / v));
    for (let i = 0; i < out.length; i++) out[i] = src[i % src.length]!;
    return out;
  };
  const D = new Uint8Array(v).fill(id);
  const I = new Uint8Array([...fill(salt), ...fill(password)]);
  const result = new Uint8Array(Math.ceil(n / u) * u);
  for (let block = 0; block * u < n; block++) {
    let A: Uint8Array = createHash(hashName).update(D).update(I).digest();
    for (let r = 1; r < iterations; r++) A = createHash(hashName).update(A).digest();
    result.set(A, block * u);
    const B = new Uint8Array(v);
    for (let i = 0; i < v; i++) B[i] = A[i % u]!;
    // I_j = (I_j + B + 1) mod 2^(8v), for each v-byte block of I.
    for (let j = 0; j < I.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        carry += I[j + k]! + B[k]!;
        I[j + k] = carry & 0xff;
        carry >>>= 8;
      }
    }
  }
  return result.subarray(0, n);
}

/**
 * Decrypt `data` encrypted under `algorithm` (an AlgorithmIdentifier) with `password`.
 * @returns the plaintext, or `undefined` when the password does not fit
 * @throws {UnsupportedAlgorithm} for schemes chaincheck does not implement
 */
export function pbeDecrypt(algorithm: asn1js.AsnType, data: Uint8Array, password: string): Uint8Array | undefined {
  const { oid, params } = algorithmId(algorithm);
  if (oid === PBES2) return pbes2Decrypt(params, data, password);
  const scheme = PKCS12_PBE[oid];
  if (scheme === undefined) throw new UnsupportedAlgorithm(algorithmName(oid));
  if (typeof scheme === "string") throw new UnsupportedAlgorithm(scheme);
  const [salt, iterations] = items(params);
  for (const pw of bmpCandidates(password)) {
    const key = pkcs12Kdf("sha1", 1, pw, octets(salt), integer(iterations), scheme.keyLength);
    const iv = pkcs12Kdf("sha1", 2, pw, octets(salt), integer(iterations), 8);
    const plain = scheme.rc2Bits ? attempt(() => rc2CbcDecrypt(key, scheme.rc2Bits!, iv, data)) : decipher(scheme.cipher, key, iv, data);
    if (plain) return plain;
  }
  return undefined;
}

function pbes2Decrypt(params: asn1js.AsnType | undefined, data: Uint8Array, password: string): Uint8Array | undefined {
  const [kdfAlg, encAlg] = items(params);
  const kdf = algorithmId(kdfAlg);
  const enc = algorithmId(encAlg);
  const cipher = PBES2_CIPHERS[enc.oid];
  if (!cipher) throw new UnsupportedAlgorithm(`PBES2 with ${algorithmName(enc.oid)}`);
  const key = pbkdf2(kdf, password, cipher.keyLength);
  return decipher(cipher.cipher, key, octets(enc.params), data);
}

/** PBKDF2 from its AlgorithmIdentifier; the password is UTF-8 (as OpenSSL passes it). */
function pbkdf2(kdf: { oid: string; params: asn1js.AsnType | undefined }, password: string, keyLength: number | undefined): Uint8Array {
  if (kdf.oid !== PBKDF2) throw new UnsupportedAlgorithm(`key derivation ${algorithmName(kdf.oid)}`);
  const fields = items(kdf.params);
  const salt = octets(fields[0]);
  const iterations = integer(fields[1]);
  let rest = fields.slice(2);
  let length = keyLength;
  if (rest[0] instanceof asn1js.Integer) {
    length = integer(rest[0]);
    rest = rest.slice(1);
  }
  const prfOid = rest[0] ? algorithmId(rest[0]).oid : "1.2.840.113549.2.7";
  const prf = HMAC_PRFS[prfOid];
  if (!prf) throw new UnsupportedAlgorithm(`PBKDF2 with ${algorithmName(prfOid)}`);
  if (iterations < 1 || iterations > MAX_PBKDF2_ITERATIONS) throw new UnsupportedAlgorithm(`an iteration count of ${iterations}`);
  if (length === undefined || length < 1 || length > 64) throw new UnsupportedAlgorithm("PBKDF2 without a usable key length");
  return pbkdf2Sync(Buffer.from(password, "utf8"), salt, iterations, length, prf);
}

/**
 * Check the PFX MAC (RFC 7292 section 4: HMAC over the authSafe content under a key from the
 * PKCS#12 KDF, or PBMAC1 of RFC 9579).
 * @param macData the MacData element; `content` the authSafe octets
 * @returns whether the password gives the stored MAC
 * @throws {UnsupportedAlgorithm} for an unknown MAC algorithm
 */
export function verifyMac(macData: asn1js.AsnType, content: Uint8Array, password: string): boolean {
  const [digestInfo, macSalt, iterationsEl] = items(macData);
  const [alg, digestEl] = items(digestInfo);
  const { oid, params } = algorithmId(alg);
  const expected = octets(digestEl);
  const matches = (key: Uint8Array, hash: string) =>
    timingSafeEqualish(createHmac(hash, key).update(content).digest(), expected);
  if (oid === PBMAC1) {
    const [kdfAlg, schemeAlg] = items(params);
    const hash = HMAC_PRFS[algorithmId(schemeAlg).oid];
    if (!hash) throw new UnsupportedAlgorithm(`PBMAC1 with ${algorithmName(algorithmId(schemeAlg).oid)}`);
    return matches(pbkdf2(algorithmId(kdfAlg), password, undefined), hash);
  }
  const hash = HASHES[oid];
  if (!hash) throw new UnsupportedAlgorithm(`a MAC with ${algorithmName(oid)}`);
  const iterations = iterationsEl === undefined ? 1 : integer(iterationsEl);
  return bmpCandidates(password).some((pw) =>
    matches(pkcs12Kdf(hash.name, 3, pw, octets(macSalt), iterations, hash.u), hash.name));
}

function timingSafeEqualish(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

function decipher(cipher: string, key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array | undefined {
  return attempt(() => {
    const d = createDecipheriv(cipher, key, iv);
    return new Uint8Array(Buffer.concat([d.update(data), d.final()]));
  });
}

/** A failed decryption (bad padding) means the wrong key. */
function attempt(fn: () => Uint8Array): Uint8Array | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}

function algorithmName(oid: string): string {
  return KNOWN_NAMES[oid] ?? (PKCS12_PBE[oid] as string | undefined) ?? `algorithm ${oid}`;
}

// --- small asn1js readers; a wrong shape is a malformed file (plain Error, mapped by the caller) ---

function items(el: asn1js.AsnType | undefined): asn1js.AsnType[] {
  const value = (el as { valueBlock?: { value?: unknown } } | undefined)?.valueBlock?.value;
  if (!(el instanceof asn1js.Sequence) || !Array.isArray(value)) throw new Error("expected a SEQUENCE");
  return value as asn1js.AsnType[];
}

/** AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters ANY OPTIONAL } */
export function algorithmId(el: asn1js.AsnType | undefined): { oid: string; params: asn1js.AsnType | undefined } {
  const [oid, params] = items(el);
  if (!(oid instanceof asn1js.ObjectIdentifier)) throw new Error("expected an OID");
  return { oid: oid.valueBlock.toString(), params };
}

/** An OCTET STRING's value, primitive or constructed (BER). */
export function octets(el: asn1js.AsnType | undefined): Uint8Array {
  if (!(el instanceof asn1js.OctetString)) throw new Error("expected an OCTET STRING");
  return new Uint8Array(el.getValue());
}

function integer(el: asn1js.AsnType | undefined): number {
  if (!(el instanceof asn1js.Integer)) throw new Error("expected an INTEGER");
  const value = el.valueBlock.valueDec;
  return Number.isSafeInteger(value) ? value : Number.MAX_SAFE_INTEGER;
}
