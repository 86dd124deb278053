/**
 * Deterministic input mutation for the robustness (fuzz) test: a seeded PRNG and DER / PEM mutators
 * (bit flips, truncations, length-field corruption, byte insertion and deletion).
 */

/** mulberry32: a small seeded PRNG, so every run mutates the same way. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Random = () => number;
const int = (rnd: Random, n: number): number => Math.floor(rnd() * n);

/** Offsets of every DER length octet of well-formed input (definite lengths), found by walking the TLVs. */
export function lengthOffsets(der: Uint8Array): number[] {
  const out: number[] = [];
  const walk = (start: number, end: number, depth: number): void => {
    let pos = start;
    while (pos + 2 <= end && depth < 32) {
      const tag = der[pos]!;
      const lenAt = pos + 1;
      const first = der[lenAt]!;
      const count = first & 0x80 ? first & 0x7f : 0;
      if (count > 4 || lenAt + 1 + count > end) return;
      let len = first & 0x80 ? 0 : first;
      for (let i = 0; i < count; i++) len = len * 256 + der[lenAt + 1 + i]!;
      const contentStart = lenAt + 1 + count;
      if (contentStart + len > end) return;
      out.push(lenAt);
      // Constructed elements, and OCTET / BIT STRINGs that wrap DER (extension values, keys), are walked.
      if (tag & 0x20) walk(contentStart, contentStart + len, depth + 1);
      else if (tag === 0x04) walk(contentStart, contentStart + len, depth + 1);
      else if (tag === 0x03 && len > 1) walk(contentStart + 1, contentStart + len, depth + 1);
      pos = contentStart + len;
    }
  };
  walk(0, der.length, 0);
  return out;
}

export type MutationKind = "bitflip" | "truncate" | "length" | "insert" | "delete";
export const MUTATIONS: readonly MutationKind[] = ["bitflip", "truncate", "length", "insert", "delete"];

/** One mutation of `der` (a copy). */
export function mutateDer(der: Uint8Array, kind: MutationKind, rnd: Random): Uint8Array {
  const out = Uint8Array.from(der);
  switch (kind) {
    case "bitflip": {
      for (let n = 1 + int(rnd, 4); n > 0; n--) out[int(rnd, out.length)]! ^= 1 << int(rnd, 8);
      return out;
    }
    case "truncate":
      return out.subarray(0, int(rnd, out.length));
    case "length": {
      const offsets = lengthOffsets(der);
      const at = offsets[int(rnd, offsets.length)] ?? 1;
      const choices = [0x00, 0x7f, 0x80, 0x81, 0x84, 0x85, 0xff, (out[at]! + 1) & 0xff, (out[at]! - 1) & 0xff, int(rnd, 256)];
      out[at] = choices[int(rnd, choices.length)]!;
      if (out[at] === 0x84 && at + 4 < out.length) out.fill(0xff, at + 1, at + 5);
      return out;
    }
    case "insert": {
      const at = int(rnd, out.length + 1);
      return Uint8Array.from([...out.subarray(0, at), int(rnd, 256), ...out.subarray(at)]);
    }
    case "delete": {
      const at = int(rnd, out.length);
      return Uint8Array.from([...out.subarray(0, at), ...out.subarray(at + 1)]);
    }
  }
}

function pemOf(der: Uint8Array): string {
  const b64 = Buffer.from(der).toString("base64").replace(/.{64}/g, "$&\n").replace(/\n$/, "");
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}

/** A mutated PEM bundle: mutated DER re-encoded, or the text itself damaged (characters, lines, markers). */
export function mutatePem(ders: readonly Uint8Array[], rnd: Random): string {
  const blocks = ders.map((d) => (rnd() < 0.5 ? mutateDer(d, MUTATIONS[int(rnd, MUTATIONS.length)]!, rnd) : d)).map(pemOf);
  let text = blocks.join("");
  const damage = int(rnd, 5);
  if (damage === 1) {
    const at = int(rnd, text.length);
    text = text.slice(0, at) + String.fromCharCode(int(rnd, 128)) + text.slice(at + 1);
  } else if (damage === 2) text = text.slice(0, int(rnd, text.length));
  else if (damage === 3) text = text.replace("-----END CERTIFICATE-----", rnd() < 0.5 ? "" : "-----END X509 CRL-----");
  else if (damage === 4) text = text.replace(/\n/g, rnd() < 0.5 ? "\r\n" : " ");
  return text;
}
