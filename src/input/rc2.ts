/**
 * RC2 decryption (RFC 2268) in CBC mode. Old PKCS#12 files (OpenSSL 1.x defaults, `-legacy`,
 * older Java) encrypt their certificates with pbeWithSHAAnd40BitRC2-CBC, and Node's OpenSSL 3
 * has RC2 only in the legacy provider, which Node does not load. Decryption only; pure.
 */

/** PITABLE of RFC 2268 section 2: a permutation of 0..255 derived from the digits of pi. */
const PITABLE = Uint8Array.from(
  [
    "d978f9c419ddb5ed28e9fd794aa0d89d", "c67e37832b76538e624c6488448bfba2",
    "179a59f587b34f1361456d8d09817d32", "bd8f40eb86b77b0bf09521225c6b4e82",
    "54d66593ce60b21c7356c014a78cf1dc", "1275ca1f3bbee4d1423dd430a33cb626",
    "6fbf0eda4669075727f21d9bbc944303", "f811c7f690ef3ee706c3d52fc8661ed7",
    "08e8eade8052eef784aa72ac354d6a2a", "961ad2715a1549744b9fd05e0418a4ec",
    "c2e0416e0f51cbcc2491af50a1f47039", "997c3a8523b8b47afc02365b25559731",
    "2d5dfa98e38a92ae05df2910676cbac9", "d300e6cfe19ea82c6316013f58e289a9",
    "0d38341bab33ffb0bb480c5fb9b1cd2e", "c5f3db47e5a59c770aa62068fe7fc1ad",
  ].join("").match(/../g)!,
  (h) => parseInt(h, 16),
);

/** The 64 16-bit key words for `key` with `effectiveBits` effective key bits (RFC 2268 section 2). */
export function rc2ExpandKey(key: Uint8Array, effectiveBits: number): Uint16Array {
  if (key.length < 1 || key.length > 128) throw new RangeError("RC2 keys have 1 to 128 bytes");
  if (effectiveBits < 1 || effectiveBits > 1024) throw new RangeError("RC2 effective key bits are 1 to 1024");
  const L = new Uint8Array(128);
  L.set(key);
  const T = key.length;
  for (let i = T; i < 128; i++) L[i] = PITABLE[(L[i - 1]! + L[i - T]!) & 0xff]!;
  const T8 = Math.ceil(effectiveBits / 8);
  const TM = 0xff >> (8 * T8 - effectiveBits);
  L[128 - T8] = PITABLE[L[128 - T8]! & TM]!;
  for (let i = 127 - T8; i >= 0; i--) L[i] = PITABLE[L[i + 1]! ^ L[i + T8]!]!;
  const K = new Uint16Array(64);
  for (let i = 0; i < 64; i++) K[i] = L[2 * i]! | (L[2 * i + 1]! << 8);
  return K;
}

const SHIFTS = [1, 2, 3, 5];

/** Decrypt one 8-byte block in place (RFC 2268 section 4). */
export function rc2DecryptBlock(K: Uint16Array, block: Uint8Array, offset = 0): void {
  const R = [0, 1, 2, 3].map((i) => block[offset + 2 * i]! | (block[offset + 2 * i + 1]! << 8));
  let j = 63;
  const mixRound = () => {
    for (let i = 3; i >= 0; i--) {
      const s = SHIFTS[i]!;
      R[i] = ((R[i]! >>> s) | (R[i]! << (16 - s))) & 0xffff;
      R[i] = (R[i]! - K[j--]! - (R[(i + 3) % 4]! & R[(i + 2) % 4]!) - (~R[(i + 3) % 4]! & R[(i + 1) % 4]!)) & 0xffff;
    }
  };
  const mashRound = () => {
    for (let i = 3; i >= 0; i--) R[i] = (R[i]! - K[R[(i + 3) % 4]! & 63]!) & 0xffff;
  };
  for (let r = 0; r < 5; r++) mixRound();
  mashRound();
  for (let r = 0; r < 6; r++) mixRound();
  mashRound();
  for (let r = 0; r < 5; r++) mixRound();
  for (let i = 0; i < 4; i++) {
    block[offset + 2 * i] = R[i]! & 0xff;
    block[offset + 2 * i + 1] = R[i]! >>> 8;
  }
}

/**
 * RC2-CBC decryption with PKCS#7 padding removal.
 * @throws {Error} when the length or padding is wrong (a wrong key, almost always)
 */
export function rc2CbcDecrypt(key: Uint8Array, effectiveBits: number, iv: Uint8Array, data: Uint8Array): Uint8Array {
  if (iv.length !== 8) throw new RangeError("RC2 IVs have 8 bytes");
  if (data.length === 0 || data.length % 8 !== 0) throw new Error("RC2 ciphertext is not a whole number of blocks");
  const K = rc2ExpandKey(key, effectiveBits);
  const out = new Uint8Array(data); // a copy: Buffer#slice would be a view, decrypted in place under `data`
  let prev = iv;
  for (let off = 0; off < out.length; off += 8) {
    const cipherBlock = data.subarray(off, off + 8);
    rc2DecryptBlock(K, out, off);
    for (let i = 0; i < 8; i++) out[off + i] ^= prev[i]!;
    prev = cipherBlock;
  }
  const pad = out[out.length - 1]!;
  if (pad < 1 || pad > 8 || out.subarray(out.length - pad).some((b) => b !== pad)) throw new Error("bad padding");
  return out.subarray(0, out.length - pad);
}
