/**
 * Password-based decryption and integrity for PKCS#12, on node:crypto (synchronous, and it has
 * 3DES, which WebCrypto and so pkijs lack): PBES2 with PBKDF2 (RFC 8018 section 6.2) and AES or
 * 3DES, the PKCS#12 PBE schemes with the RFC 7292 appendix B key derivation (3DES, RC2), and the
 * MAC check (RFC 7292 section 5, PBMAC1 of RFC 9579). Lazily loaded with pkcs12.ts. Parameters are read from
 * the file's BER elements (src/asn1/der.ts).
 *
 * Every operation is planned before it runs: `planMac` and `planDecryption` read the parameters
 * (iteration counts as full INTEGERs), reject what cannot be done, and say what the key
 * derivations will cost, so the caller can refuse a file over its budget before any work.
 */
import { createDecipheriv, createHash, createHmac, pbkdf2Sync, timingSafeEqual } from "node:crypto";
import { TAG, octetString, readBigInteger, readOid, sequence, type DerMode, type Tlv } from "../asn1/der.js";
import { DIGESTS, HMAC_DIGESTS, OID } from "../asn1/oids.js";
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

/** The file's elements are BER (PKCS#12 writers use indefinite lengths). */
const BER: DerMode = { ber: true, indefinite: true };

/** Digest sizes the PKCS#12 KDF needs (RFC 7292 B.2: `u` output bytes, `v` block bytes), by node:crypto name. */
const KDF_SIZES: Readonly<Record<string, { u: number; v: number }>> = {
  sha1: { u: 20, v: 64 }, sha224: { u: 28, v: 64 }, sha256: { u: 32, v: 64 }, sha384: { u: 48, v: 128 },
  sha512: { u: 64, v: 128 }, "sha512-224": { u: 28, v: 128 }, "sha512-256": { u: 32, v: 128 },
};
/** PBES2 encryption schemes: node cipher name and key length. */
const PBES2_CIPHERS: Record<string, { cipher: string; keyLength: number }> = {
  [OID.aes128Cbc]: { cipher: "aes-128-cbc", keyLength: 16 },
  [OID.aes192Cbc]: { cipher: "aes-192-cbc", keyLength: 24 },
  [OID.aes256Cbc]: { cipher: "aes-256-cbc", keyLength: 32 },
  [OID.desEde3Cbc]: { cipher: "des-ede3-cbc", keyLength: 24 },
};
/** PKCS#12 PBE schemes (RFC 7292 appendix C), all with SHA-1; a name: known, not implemented. */
const PKCS12_PBE: Record<string, { cipher: string; keyLength: number; rc2Bits?: number } | string> = {
  [OID.pbeWithSHAAnd128BitRC4]: "pbeWithSHAAnd128BitRC4",
  [OID.pbeWithSHAAnd40BitRC4]: "pbeWithSHAAnd40BitRC4",
  [OID.pbeWithSHAAnd3KeyTripleDesCbc]: { cipher: "des-ede3-cbc", keyLength: 24 },
  [OID.pbeWithSHAAnd2KeyTripleDesCbc]: { cipher: "des-ede-cbc", keyLength: 16 },
  [OID.pbeWithSHAAnd128BitRc2Cbc]: { cipher: "rc2", keyLength: 16, rc2Bits: 128 },
  [OID.pbeWithSHAAnd40BitRc2Cbc]: { cipher: "rc2", keyLength: 5, rc2Bits: 40 },
};
/** How messages name algorithms chaincheck knows but does not implement. */
const KNOWN_NAMES: Record<string, string> = {
  [OID.pbeWithMD5AndDesCbc]: "pbeWithMD5AndDES-CBC", [OID.pbeWithMD5AndRc2Cbc]: "pbeWithMD5AndRC2-CBC",
  [OID.pbeWithSHA1AndDesCbc]: "pbeWithSHA1AndDES-CBC", [OID.pbeWithSHA1AndRc2Cbc]: "pbeWithSHA1AndRC2-CBC",
  [OID.scrypt]: "scrypt", [OID.desCbc]: "DES-CBC", [OID.rc2Cbc]: "RC2-CBC",
  [OID.aes128Gcm]: "AES-128-GCM", [OID.aes256Gcm]: "AES-256-GCM",
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
  const sizes = KDF_SIZES[hashName];
  if (!sizes) throw new UnsupportedAlgorithm(hashName);
  if (iterations < 1 || iterations > PKCS12_LIMITS.maxIterationsPerDerivation) throw new RangeError(`iteration count ${iterations} out of range`);
  const { u, v } = sizes;
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
export function planDecryption(algorithm: Tlv, password: string, what: string): DecryptionPlan {
  const { oid, params } = algorithmId(algorithm);
  if (oid === OID.pbes2) return planPbes2(params, password, what);
  const scheme = PKCS12_PBE[oid];
  if (scheme === undefined) throw new UnsupportedAlgorithm(algorithmName(oid));
  if (typeof scheme === "string") throw new UnsupportedAlgorithm(scheme);
  // pkcs-12PbeParams ::= SEQUENCE { salt OCTET STRING, iterations INTEGER }
  const [saltEl, iterationsEl] = exactly(params, 2);
  const salt = octets(saltEl);
  const iterations = iterationCount(iterationsEl, what);
  const candidates = bmpCandidates(password);
  // Key and IV are two derivations, each of ceil(n / 20) SHA-1 chains.
  const blocks = Math.ceil(scheme.keyLength / KDF_SIZES.sha1!.u) + 1;
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

function planPbes2(params: Tlv | undefined, password: string, what: string): DecryptionPlan {
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
function planPbkdf2(kdf: { oid: string; params: Tlv | undefined }, password: string, keyLength: number | undefined, what: string): { derivation: Derivation; derive(): Uint8Array } {
  if (kdf.oid !== OID.pbkdf2) throw new UnsupportedAlgorithm(`key derivation ${algorithmName(kdf.oid)}`);
  // PBKDF2-params ::= SEQUENCE { salt OCTET STRING, iterationCount INTEGER, keyLength INTEGER OPTIONAL, prf DEFAULT hmacWithSHA1 }
  const fields = items(kdf.params);
  if (fields.length < 2 || fields.length > 4) throw new Error("PBKDF2 parameters have the wrong number of fields");
  const salt = octets(fields[0]);
  const iterations = iterationCount(fields[1], what);
  let rest = fields.slice(2);
  let length = keyLength;
  if (rest[0]?.tag === TAG.INTEGER) {
    const given = readBigInteger(rest[0], "PBKDF2 key length", BER);
    if (given < 1n || given > 64n || (keyLength !== undefined && given !== BigInt(keyLength))) {
      throw new UnsupportedAlgorithm(`PBKDF2 with a key length of ${given}`);
    }
    length = Number(given);
    rest = rest.slice(1);
  }
  if (rest.length > 1) throw new Error("PBKDF2 parameters have the wrong number of fields");
  const prfOid = rest[0] ? algorithmId(rest[0]).oid : OID.hmacWithSHA1;
  const prf = HMAC_DIGESTS[prfOid];
  if (!prf) throw new UnsupportedAlgorithm(`PBKDF2 with ${algorithmName(prfOid)}`);
  if (length === undefined) throw new UnsupportedAlgorithm("PBKDF2 without a key length");
  const out = length;
  const hashLength = KDF_SIZES[prf]!.u;
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
export function planMac(macData: Tlv, password: string): MacPlan {
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
  if (oid === OID.pbmac1) {
    // RFC 9579: the MacData salt and iterations are unused; PBKDF2's parameters carry them.
    const [kdfAlg, schemeAlg] = exactly(params, 2);
    const scheme = algorithmId(schemeAlg).oid;
    const hash = HMAC_DIGESTS[scheme];
    if (!hash) throw new UnsupportedAlgorithm(`PBMAC1 with ${algorithmName(scheme)}`);
    const kdf = planPbkdf2(algorithmId(kdfAlg), password, undefined, what);
    return { derivations: [kdf.derivation], matches: (content) => matches(kdf.derive(), hash, content) };
  }
  const hash = DIGESTS[oid];
  const sizes = hash === undefined ? undefined : KDF_SIZES[hash];
  if (!hash || !sizes) throw new UnsupportedAlgorithm(algorithmName(oid));
  const iterations = iterationsEl === undefined ? 1 : iterationCount(iterationsEl, what);
  const candidates = bmpCandidates(password);
  return {
    derivations: [{ what, iterations, blocks: 1, tries: candidates.length }],
    matches: (content) => candidates.some((pw) => matches(pkcs12Kdf(hash, 3, pw, salt, iterations, sizes.u), hash, content)),
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

// --- readers of the parameters; a wrong shape is a malformed file (DerError, mapped by the caller) ---

function items(el: Tlv | undefined): Tlv[] {
  return sequence(el, "parameters", TAG.SEQUENCE, BER);
}

/** A SEQUENCE of exactly `n` elements. */
function exactly(el: Tlv | undefined, n: number): Tlv[] {
  const fields = items(el);
  if (fields.length !== n) throw new Error(`expected a SEQUENCE of ${n} elements`);
  return fields;
}

/** AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters ANY OPTIONAL } */
export function algorithmId(el: Tlv | undefined): { oid: string; params: Tlv | undefined } {
  const fields = items(el);
  const [oid, params] = fields;
  if (fields.length > 2 || oid?.tag !== TAG.OID) throw new Error("expected an AlgorithmIdentifier");
  return { oid: readOid(oid, "algorithm"), params };
}

/** An OCTET STRING's value, primitive or constructed (BER). */
export function octets(el: Tlv | undefined): Uint8Array {
  return octetString(el, "parameter", BER);
}

/**
 * An iteration count, read as the full INTEGER (8,388,608 and 2^31 need four and five bytes), within 1 and the
 * per-derivation cap.
 */
function iterationCount(el: Tlv | undefined, what: string): number {
  if (el?.tag !== TAG.INTEGER) throw new Error("expected an INTEGER iteration count");
  const value = readBigInteger(el, "iteration count", BER);
  if (value < 1n || value > BigInt(PKCS12_LIMITS.maxIterationsPerDerivation)) throw new IterationCountError(what, value);
  return Number(value);
}
