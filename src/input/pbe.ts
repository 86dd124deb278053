/**
 * Password-based decryption and integrity for PKCS#12, on node:crypto (synchronous, and it has
 * 3DES, which WebCrypto and so pkijs lack): PBES2 with PBKDF2 (RFC 8018 section 6.2) and AES or
 * 3DES, the PKCS#12 PBE schemes with the RFC 7292 appendix B key derivation (3DES, RC2), and the
 * MAC check (RFC 7292 section 5, PBMAC1 of RFC 9579). Lazily loaded with pkcs12.ts.
 *
 * Every operation is planned before it runs: `planMac` and `planDecryption` read the parameters
 * (iteration counts as full INTEGERs), reject what cannot be done, and say what the key
 * derivations will cost, so the caller can refuse a file over its budget before any work.
 */
import * as asn1js from "asn1js";
import { createDecipheriv, createHash, createHmac, pbkdf2Sync, timingSafeEqual } from "node:crypto";
import { PKCS12_LIMITS } from "./limits.js";
import { rc2CbcDecrypt } from "./rc2.js";

/** The file uses an algorithm chaincheck does not implement; `algorithm` names it. */
export class UnsupportedAlgorithm extends Error {
  constructor(readonly algorithm: string) {
    super(algorithm);
  }
}

/** An iteration count that is not positive, or above the per-derivation cap; `value` is the full INTEGER. */
export class IterationCountError extends Error {
  constructor(readonly what: string, readonly value: bigint) {
    super(`${what}: ${value}`);
  }
}

/** One key derivation a plan will run: its work is `iterations * blocks * tries` hash-chain rounds. */
export interface Derivation {
  /** What it derives, for messages ("the integrity MAC", "encrypted safe 2"). */
  readonly what: string;
  readonly iterations: number;
  /** Output blocks (each runs the whole iteration chain) times key and IV derivations. */
  readonly blocks: number;
  /** Password encodings that may be tried (an empty password is written two ways). */
  readonly tries: number;
}

/** The work of a derivation, as the file budget counts it. */
export function derivationCost(d: Derivation): number {
  return d.iterations * d.blocks * d.tries;
}

/** A MAC check whose parameters have been read; `matches` runs the derivations. */
export interface MacPlan {
  readonly derivations: readonly Derivation[];
  matches(content: Uint8Array): boolean;
}

/** A decryption whose parameters have been read; `decrypt` runs the derivations. */
export interface DecryptionPlan {
  readonly derivations: readonly Derivation[];
  /** The plaintext, or `undefined` when the password does not fit. */
  decrypt(data: Uint8Array): Uint8Array | undefined;
}

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
  if (iterations < 1 || iterations > PKCS12_LIMITS.maxIterationsPerDerivation) throw new RangeError(`iteration count ${iterations} out of range`);
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
 * Read the parameters of an encryption `algorithm` (an AlgorithmIdentifier) for `password`.
 * @param what names the encrypted part in messages
 * @throws {UnsupportedAlgorithm} for schemes chaincheck does not implement
 * @throws {IterationCountError} for an iteration count below 1 or above the per-derivation cap
 */
export function planDecryption(algorithm: asn1js.AsnType, password: string, what: string): DecryptionPlan {
  const { oid, params } = algorithmId(algorithm);
  if (oid === PBES2) return planPbes2(params, password, what);
  const scheme = PKCS12_PBE[oid];
  if (scheme === undefined) throw new UnsupportedAlgorithm(algorithmName(oid));
  if (typeof scheme === "string") throw new UnsupportedAlgorithm(scheme);
  // pkcs-12PbeParams ::= SEQUENCE { salt OCTET STRING, iterations INTEGER }
  const [saltEl, iterationsEl] = exactly(params, 2);
  const salt = octets(saltEl);
  const iterations = iterationCount(iterationsEl, what);
  const candidates = bmpCandidates(password);
  const sha1 = HASHES["1.3.14.3.2.26"]!;
  // Key and IV are two derivations, each of ceil(n / 20) SHA-1 chains.
  const blocks = Math.ceil(scheme.keyLength / sha1.u) + 1;
  return {
    derivations: [{ what, iterations, blocks, tries: candidates.length }],
    decrypt(data) {
      for (const pw of candidates) {
        const key = pkcs12Kdf("sha1", 1, pw, salt, iterations, scheme.keyLength);
        const iv = pkcs12Kdf("sha1", 2, pw, salt, iterations, 8);
        const plain = scheme.rc2Bits ? attempt(() => rc2CbcDecrypt(key, scheme.rc2Bits!, iv, data)) : decipher(scheme.cipher, key, iv, data);
        if (plain) return plain;
      }
      return undefined;
    },
  };
}

function planPbes2(params: asn1js.AsnType | undefined, password: string, what: string): DecryptionPlan {
  const [kdfAlg, encAlg] = exactly(params, 2);
  const enc = algorithmId(encAlg);
  const cipher = PBES2_CIPHERS[enc.oid];
  if (!cipher) throw new UnsupportedAlgorithm(`PBES2 with ${algorithmName(enc.oid)}`);
  const iv = octets(enc.params);
  const kdf = planPbkdf2(algorithmId(kdfAlg), password, cipher.keyLength, what);
  return {
    derivations: [kdf.derivation],
    decrypt: (data) => decipher(cipher.cipher, kdf.derive(), iv, data),
  };
}

/**
 * PBKDF2 from its AlgorithmIdentifier (RFC 8018 appendix A.2); the password is UTF-8, as OpenSSL
 * passes it. `keyLength` is the cipher's, or `undefined` when the parameters must give it (PBMAC1).
 */
function planPbkdf2(kdf: { oid: string; params: asn1js.AsnType | undefined }, password: string, keyLength: number | undefined, what: string): { derivation: Derivation; derive(): Uint8Array } {
  if (kdf.oid !== PBKDF2) throw new UnsupportedAlgorithm(`key derivation ${algorithmName(kdf.oid)}`);
  // PBKDF2-params ::= SEQUENCE { salt OCTET STRING, iterationCount INTEGER, keyLength INTEGER OPTIONAL, prf DEFAULT hmacWithSHA1 }
  const fields = items(kdf.params);
  if (fields.length < 2 || fields.length > 4) throw new Error("PBKDF2 parameters have the wrong number of fields");
  const salt = octets(fields[0]);
  const iterations = iterationCount(fields[1], what);
  let rest = fields.slice(2);
  let length = keyLength;
  if (rest[0] instanceof asn1js.Integer) {
    const given = rest[0].toBigInt();
    if (given < 1n || given > 64n || (keyLength !== undefined && given !== BigInt(keyLength))) {
      throw new UnsupportedAlgorithm(`PBKDF2 with a key length of ${given}`);
    }
    length = Number(given);
    rest = rest.slice(1);
  }
  if (rest.length > 1) throw new Error("PBKDF2 parameters have the wrong number of fields");
  const prfOid = rest[0] ? algorithmId(rest[0]).oid : "1.2.840.113549.2.7";
  const prf = HMAC_PRFS[prfOid];
  if (!prf) throw new UnsupportedAlgorithm(`PBKDF2 with ${algorithmName(prfOid)}`);
  if (length === undefined) throw new UnsupportedAlgorithm("PBKDF2 without a key length");
  const out = length;
  const hashLength = Object.values(HASHES).find((h) => h.name === prf)!.u;
  return {
    derivation: { what, iterations, blocks: Math.ceil(out / hashLength), tries: 1 },
    derive: () => pbkdf2Sync(Buffer.from(password, "utf8"), salt, iterations, out, prf),
  };
}

/**
 * Read the PFX MAC (RFC 7292 section 4: HMAC over the authSafe content under a key from the
 * PKCS#12 KDF, or PBMAC1 of RFC 9579) for `password`. Nothing here is optional: an algorithm
 * chaincheck does not know, or parameters it cannot read, stop the file (never an unchecked file).
 * @param macData the MacData element
 * @throws {UnsupportedAlgorithm} for an unknown MAC algorithm
 * @throws {IterationCountError} for an iteration count below 1 or above the per-derivation cap
 * @throws {Error} for unreadable parameters
 */
export function planMac(macData: asn1js.AsnType, password: string): MacPlan {
  const what = "the integrity MAC";
  // MacData ::= SEQUENCE { mac DigestInfo, macSalt OCTET STRING, iterations INTEGER DEFAULT 1 }
  const fields = items(macData);
  if (fields.length < 2 || fields.length > 3) throw new Error("MacData has the wrong number of fields");
  const [digestInfo, macSalt, iterationsEl] = fields;
  const [alg, digestEl] = exactly(digestInfo, 2);
  const { oid, params } = algorithmId(alg);
  const expected = octets(digestEl);
  const salt = octets(macSalt);
  const matches = (key: Uint8Array, hash: string, content: Uint8Array) =>
    timingSafeEqualish(createHmac(hash, key).update(content).digest(), expected);
  if (oid === PBMAC1) {
    // RFC 9579: the MacData salt and iterations are unused; PBKDF2's parameters carry them.
    const [kdfAlg, schemeAlg] = exactly(params, 2);
    const scheme = algorithmId(schemeAlg).oid;
    const hash = HMAC_PRFS[scheme];
    if (!hash) throw new UnsupportedAlgorithm(`PBMAC1 with ${algorithmName(scheme)}`);
    const kdf = planPbkdf2(algorithmId(kdfAlg), password, undefined, what);
    return { derivations: [kdf.derivation], matches: (content) => matches(kdf.derive(), hash, content) };
  }
  const hash = HASHES[oid];
  if (!hash) throw new UnsupportedAlgorithm(algorithmName(oid));
  const iterations = iterationsEl === undefined ? 1 : iterationCount(iterationsEl, what);
  const candidates = bmpCandidates(password);
  return {
    derivations: [{ what, iterations, blocks: 1, tries: candidates.length }],
    matches: (content) => candidates.some((pw) => matches(pkcs12Kdf(hash.name, 3, pw, salt, iterations, hash.u), hash.name, content)),
  };
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

/** A failed decryption (bad padding, a wrong IV length) means the wrong key. */
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

/** A SEQUENCE of exactly `n` elements. */
function exactly(el: asn1js.AsnType | undefined, n: number): asn1js.AsnType[] {
  const fields = items(el);
  if (fields.length !== n) throw new Error(`expected a SEQUENCE of ${n} elements`);
  return fields;
}

/** AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters ANY OPTIONAL } */
export function algorithmId(el: asn1js.AsnType | undefined): { oid: string; params: asn1js.AsnType | undefined } {
  const fields = items(el);
  const [oid, params] = fields;
  if (fields.length > 2 || !(oid instanceof asn1js.ObjectIdentifier)) throw new Error("expected an AlgorithmIdentifier");
  return { oid: oid.valueBlock.toString(), params };
}

/** An OCTET STRING's value, primitive or constructed (BER). */
export function octets(el: asn1js.AsnType | undefined): Uint8Array {
  if (!(el instanceof asn1js.OctetString)) throw new Error("expected an OCTET STRING");
  return new Uint8Array(el.getValue());
}

/**
 * An iteration count, read as the full INTEGER (asn1js's `valueDec` is 0 for values of four
 * bytes or more, so 8,388,608 and 2^31 would be misread), within 1 and the per-derivation cap.
 */
function iterationCount(el: asn1js.AsnType | undefined, what: string): number {
  if (!(el instanceof asn1js.Integer)) throw new Error("expected an INTEGER iteration count");
  const value = el.toBigInt();
  if (value < 1n || value > BigInt(PKCS12_LIMITS.maxIterationsPerDerivation)) throw new IterationCountError(what, value);
  return Number(value);
}
