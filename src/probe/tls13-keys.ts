/**
 * TLS 1.3 record protection, just enough to read the server's encrypted handshake flight (RFC 8446 §5.2, §7).
 * node:crypto only. Pure apart from CPU work.
 */
import { createDecipheriv, createHmac } from "node:crypto";

/** An AEAD suite as RFC 8446 §B.4 defines it. */
export interface Tls13Suite {
  /** IANA name. */
  readonly name: string;
  readonly hash: "sha256" | "sha384";
  readonly cipher: "aes-128-gcm" | "aes-256-gcm" | "chacha20-poly1305";
  readonly keyLength: number;
}

/**
 * The suites Node's OpenSSL 3 client offers by default (CCM suites are not offered, so never negotiated).
 * SHA-256 for AES-128-GCM and ChaCha20-Poly1305, SHA-384 for AES-256-GCM.
 */
export const TLS13_SUITES: ReadonlyMap<number, Tls13Suite> = new Map([
  [0x1301, { name: "TLS_AES_128_GCM_SHA256", hash: "sha256", cipher: "aes-128-gcm", keyLength: 16 }],
  [0x1302, { name: "TLS_AES_256_GCM_SHA384", hash: "sha384", cipher: "aes-256-gcm", keyLength: 32 }],
  [0x1303, { name: "TLS_CHACHA20_POLY1305_SHA256", hash: "sha256", cipher: "chacha20-poly1305", keyLength: 32 }],
]);

const HASH_LENGTH = { sha256: 32, sha384: 48 } as const;
const TAG_LENGTH = 16;
const IV_LENGTH = 12;

/** HKDF-Expand (RFC 5869 §2.3). node:crypto's hkdf always extracts first, so expand is done by hand. */
export function hkdfExpand(hash: "sha256" | "sha384", prk: Uint8Array, info: Uint8Array, length: number): Buffer {
  const hashLength = HASH_LENGTH[hash];
  if (length > 255 * hashLength) throw new RangeError("HKDF-Expand: length too large");
  const blocks: Buffer[] = [];
  let previous: Buffer = Buffer.alloc(0);
  for (let i = 1, total = 0; total < length; i++) {
    previous = createHmac(hash, prk).update(previous).update(info).update(Uint8Array.of(i)).digest();
    blocks.push(previous);
    total += previous.length;
  }
  return Buffer.concat(blocks).subarray(0, length);
}

/** HKDF-Expand-Label (RFC 8446 §7.1): HkdfLabel = length(2) || "tls13 " + label (<7..255>) || context (<0..255>). */
export function hkdfExpandLabel(
  hash: "sha256" | "sha384",
  secret: Uint8Array,
  label: string,
  context: Uint8Array,
  length: number,
): Buffer {
  const fullLabel = Buffer.from(`tls13 ${label}`, "latin1");
  const info = Buffer.alloc(2 + 1 + fullLabel.length + 1 + context.length);
  info.writeUInt16BE(length, 0);
  info[2] = fullLabel.length;
  fullLabel.copy(info, 3);
  info[3 + fullLabel.length] = context.length;
  info.set(context, 4 + fullLabel.length);
  return hkdfExpand(hash, secret, info, length);
}

/** Traffic key and IV for one direction (RFC 8446 §7.3). */
export interface TrafficKeys {
  readonly suite: Tls13Suite;
  readonly key: Buffer;
  readonly iv: Buffer;
}

/** Derives `[sender]_write_key` and `[sender]_write_iv` from a traffic secret. */
export function deriveTrafficKeys(suite: Tls13Suite, secret: Uint8Array): TrafficKeys {
  return {
    suite,
    key: hkdfExpandLabel(suite.hash, secret, "key", new Uint8Array(0), suite.keyLength),
    iv: hkdfExpandLabel(suite.hash, secret, "iv", new Uint8Array(0), IV_LENGTH),
  };
}

/** A decrypted TLSInnerPlaintext: the real content type and the content without padding. */
export interface InnerPlaintext {
  readonly type: number;
  readonly content: Buffer;
}

/**
 * Decrypts one TLSCiphertext record (RFC 8446 §5.2-5.3): nonce = IV xor 64-bit sequence number (left-padded),
 * AAD = the 5-byte record header, inner content type is the last non-zero byte (zero padding stripped).
 * @throws Error when authentication fails or the plaintext is malformed.
 */
export function decryptRecord(keys: TrafficKeys, seq: number, header: Uint8Array, payload: Uint8Array): InnerPlaintext {
  if (payload.length < TAG_LENGTH + 1) throw new Error("encrypted record shorter than its tag");
  const nonce = Buffer.from(keys.iv);
  // seq fits in 53 bits; only the low 6 bytes can be non-zero in practice.
  for (let i = 0, s = seq; i < 8 && s > 0; i++, s = Math.floor(s / 256)) nonce[IV_LENGTH - 1 - i]! ^= s % 256;
  // All three suites are AEADs with the same setAAD/setAuthTag API; the cast only picks that overload.
  const decipher = createDecipheriv(keys.suite.cipher as "aes-128-gcm", keys.key, nonce, { authTagLength: TAG_LENGTH });
  const tagAt = payload.length - TAG_LENGTH;
  decipher.setAAD(header);
  decipher.setAuthTag(payload.subarray(tagAt));
  const plain = Buffer.concat([decipher.update(payload.subarray(0, tagAt)), decipher.final()]);
  let end = plain.length;
  while (end > 0 && plain[end - 1] === 0) end--;
  if (end === 0) throw new Error("decrypted record has no content type");
  return { type: plain[end - 1]!, content: plain.subarray(0, end - 1) };
}
