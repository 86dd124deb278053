/**
 * PEM bodies are decoded natively and accepted only when they are the strict (canonical) base64 of what they decode
 * to; anything else goes through the checks that name what is wrong. Against an independent oracle of RFC 4648 strict
 * base64, on mutations of a real certificate body: the same texts are accepted, with the same bytes.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { decodeBlockBase64, parsePemBlocks } from "../src/input/pem.js";
import { InputError } from "../src/input/errors.js";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** RFC 4648 §4 strict base64, whitespace aside: the alphabet, padding only at the end, whole quanta, zero pad bits. */
function strictOracle(body: string): boolean {
  const all = body.replace(/[ \t\r\n\f\v]+/g, "");
  if (all.length === 0 || all.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(all) || /[^ \t\r\n\f\vA-Za-z0-9+/=]/.test(body)) return false;
  const data = all.replace(/=+$/, "");
  const pad = all.length - data.length;
  if (pad === 0) return true;
  const last = ALPHABET.indexOf(data[data.length - 1]!);
  return (last & (pad === 2 ? 0x0f : 0x03)) === 0;
}

describe("PEM: strict base64 bodies", () => {
  const block = parsePemBlocks(readFileSync("fixtures/ca/leaf.pem", "utf8"), "leaf.pem")[0]!;
  let seed = 16;
  const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
  const mutations = (body: string): string[] => {
    const out: string[] = [];
    const chars = `${ALPHABET}=-_.\u00e9 \t\r\n*`;
    for (let i = 0; i < 400; i++) {
      const at = random(body.length);
      const kind = random(4);
      const ch = chars[random(chars.length)]!;
      out.push(kind === 0 ? body.slice(0, at) + ch + body.slice(at + 1) : kind === 1 ? body.slice(0, at) + ch + body.slice(at)
        : kind === 2 ? body.slice(0, at) + body.slice(at + 1) : body.slice(0, at));
    }
    // Short bodies exercise the padding rules.
    for (const short of ["QQ==", "QR==", "QUI=", "QUJ=", "QUJD", "Q===", "====", "QQ=", "QQ==QQ==", "Q Q = =", "\n"]) out.push(short);
    return out;
  };

  it("accepts exactly what strict base64 accepts, with the same bytes, and names the defect otherwise", () => {
    for (const body of mutations(block.body)) {
      const strict = strictOracle(body);
      let decoded: Uint8Array | undefined;
      let error: unknown;
      try {
        decoded = decodeBlockBase64({ ...block, body }, "leaf.pem");
      } catch (err) {
        error = err;
      }
      expect(decoded !== undefined, JSON.stringify(body.slice(-12))).to.equal(strict);
      if (decoded) expect(Buffer.from(decoded).toString("base64")).to.equal(body.replace(/\s+/g, ""));
      else expect((error as InputError).code).to.be.oneOf(["BAD_BASE64", "MALFORMED_PEM"]);
    }
  });
});
