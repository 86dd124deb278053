/**
 * Robustness of PKCS#12 integrity and work bounds (issue 12), fixed seed: bit flips in the MAC fields and every
 * iteration count of OpenSSL-written files, random iteration INTEGERs (any length, any sign) in the MAC and in
 * encrypted safes, and random MAC algorithms and parameters. A damaged MAC field is never a silently unchecked
 * file: every case must be refused with an InputError (no other exception), iteration counts out of bounds must
 * be named exactly, and every case finishes within the bound (nothing runs the work a hostile count asks for).
 */
import { expect } from "chai";
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as asn1js from "asn1js";
import { decodeCertificates } from "../src/input/decode.js";
import { TAG, children, readTlv, type Tlv } from "../src/asn1/der.js";
import { InputError } from "../src/input/errors.js";
import { grouped } from "../src/input/limits.js";
import { prng, type Random } from "./support/fuzz.js";
import { algorithmIdentifier, buildPkcs12, type Iterations, type Pkcs12Spec } from "./support/pkcs12.js";
import { FIXTURES } from "./support/scenarios.js";

const SEED = 0x70667832; // "pfx2"
const FLIP_CASES = 300;
const VALUE_CASES = 300;
const MAC_CASES = 200;
const MAX_CASE_MS = 1_000;
const PASSWORD = "chaincheck-test"; // fixtures/formats/make.sh

const int = (rnd: Random, n: number) => Math.floor(rnd() * n);
const leaf = () => new Uint8Array(new X509Certificate(readFileSync(join(FIXTURES, "ca", "leaf.pem"))).raw);

/** Content ranges of the MacData fields and of every iteration-like INTEGER (>= 1000) of a PFX. */
function fuzzFields(der: Uint8Array): { name: string; start: number; end: number }[] {
  const ber = { ber: true, indefinite: true };
  const berElement = (buf: Uint8Array, start: number, end = buf.length) => readTlv(buf, start, end, ber);
  const berChildren = (_buf: Uint8Array, el: Tlv) => children(el, ber);
  const fields: { name: string; start: number; end: number }[] = [];
  const outer = berElement(der, 0);
  const parts = berChildren(der, outer);
  const mac = parts[2]!;
  const [digestInfo, salt, iterations] = berChildren(der, mac);
  const [algorithm, digest] = berChildren(der, digestInfo!);
  const macOid = berChildren(der, algorithm!)[0]!;
  for (const [name, el] of [["MAC algorithm OID", macOid], ["MAC digest", digest], ["MAC salt", salt], ["MAC iterations", iterations]] as const) {
    fields.push({ name, start: el!.contentStart, end: el!.end });
  }
  const walk = (el: Tlv, depth: number): void => {
    if (depth > 24) return;
    if (el.tag === TAG.INTEGER && el.end - el.contentStart <= 4) {
      const value = Number.parseInt(Buffer.from(der.subarray(el.contentStart, el.end)).toString("hex"), 16);
      if (value >= 1000 && el.start !== iterations!.start) fields.push({ name: `iterations at ${el.start}`, start: el.contentStart, end: el.end });
    }
    let kids: Tlv[] = [];
    try {
      if (el.tag & 0x20) kids = berChildren(der, el);
      else if (el.tag === TAG.OCTET_STRING && el.end > el.contentStart) {
        const inner = berElement(der, el.contentStart, el.end);
        if (inner.end === el.end) kids = [inner];
      }
    } catch {
      return; // encrypted or not DER
    }
    kids.forEach((k) => walk(k, depth + 1));
  };
  walk(outer, 0);
  return fields;
}

interface Outcome { readonly where: string; readonly detail: string }

async function refuses(failures: Outcome[], where: string, input: Uint8Array, password: string | undefined, check: (e: InputError) => string | undefined = () => undefined): Promise<InputError | undefined> {
  const started = performance.now();
  const result = await decodeCertificates(input, { name: "fuzz.p12", ...(password === undefined ? {} : { password }) }).then(
    () => ({ ok: true as const }), (e: unknown) => ({ ok: false as const, e }));
  const ms = performance.now() - started;
  if (ms > MAX_CASE_MS) failures.push({ where, detail: `took ${ms.toFixed(0)} ms` });
  if (result.ok) {
    failures.push({ where, detail: "decoded: a damaged MAC or iteration field was not refused" });
    return undefined;
  }
  if (!(result.e instanceof InputError)) {
    failures.push({ where, detail: `${(result.e as Error)?.name}: ${(result.e as Error)?.message}` });
    return undefined;
  }
  const wrong = check(result.e);
  if (wrong) failures.push({ where, detail: wrong });
  return result.e;
}

describe("fuzz: PKCS#12 MAC and iteration fields (fixed seed)", function () {
  this.timeout(180_000);

  for (const file of ["chain-aes.p12", "chain-legacy.p12", "chain-3des.p12"]) {
    it(`${FLIP_CASES} bit flips in the MAC fields and iteration counts of ${file} (OpenSSL): every one refused`, async () => {
      const original = new Uint8Array(readFileSync(join(FIXTURES, "formats", file)));
      expect((await decodeCertificates(original, { password: PASSWORD })).certificates).to.have.length(2);
      const fields = fuzzFields(original);
      expect(fields.map((f) => f.name)).to.include.members(["MAC algorithm OID", "MAC digest", "MAC salt", "MAC iterations"]);
      expect(fields.length, "iteration counts found beside the MAC's").to.be.greaterThan(5);
      const rnd = prng(SEED + file.length);
      const failures: Outcome[] = [];
      const codes = new Set<string>();
      for (let i = 0; i < FLIP_CASES; i++) {
        const field = fields[i % fields.length]!;
        const input = original.slice();
        for (let n = 1 + int(rnd, 3); n > 0; n--) input[field.start + int(rnd, field.end - field.start)]! ^= 1 << int(rnd, 8);
        if (Buffer.compare(input, original) === 0) input[field.start]! ^= 0x01; // two flips of one bit cancel out
        const e = await refuses(failures, `${file} ${field.name} #${i}`, input, PASSWORD);
        if (e) codes.add(e.code);
      }
      expect(failures).to.deep.equal([]);
      expect([...codes]).to.include("PKCS12_BAD_PASSWORD");
    });
  }

  it(`${VALUE_CASES} random iteration INTEGERs in the MAC, a PBES2 safe and a PKCS#12-3DES safe: refused, the number exact`, async () => {
    const rnd = prng(SEED + 1);
    const failures: Outcome[] = [];
    const codes = new Set<string>();
    for (let i = 0; i < VALUE_CASES; i++) {
      // Any length and sign; counts the decoder would accept are kept small, so no case does real work.
      const bytes = Uint8Array.from({ length: 1 + int(rnd, 24) }, () => int(rnd, 256));
      let value = BigInt.asIntN(bytes.length * 8, BigInt(`0x${Buffer.from(bytes).toString("hex")}`));
      let raw: Iterations = bytes;
      if (value > 0n && value <= 10_000_000n) {
        value = BigInt(1 + int(rnd, 2048));
        raw = value;
      }
      const place = i % 3;
      const spec: Pkcs12Spec = {
        password: PASSWORD,
        safes: [{ bags: [{ kind: "cert", der: leaf() }], ...(place === 0 ? {} : { encrypt: { iterations: raw, scheme: place === 1 ? "pbes2" : "pkcs12-3des", fake: true } }) }],
        mac: { iterations: place === 0 ? raw : 1, fake: true },
      };
      const e = await refuses(failures, `iterations ${value} in place ${place} #${i}`, buildPkcs12(spec), PASSWORD, (err) => {
        if (value > 10_000_000n) return err.code === "WORK_BUDGET_EXCEEDED" && err.message.includes(` ${grouped(value)} key-derivation iterations`) ? undefined : `expected the budget error naming ${grouped(value)}: ${err.message}`;
        if (value < 1n) return err.code === "PKCS12_MALFORMED" && err.message.includes(`iteration count of ${value})`) ? undefined : `expected a malformed count ${value}: ${err.message}`;
        return err.code === "PKCS12_BAD_PASSWORD" ? undefined : `a fake MAC must fail the password check: ${err.code} ${err.message}`;
      });
      if (e) codes.add(e.code);
    }
    expect(failures).to.deep.equal([]);
    expect([...codes].sort()).to.deep.equal(["PKCS12_BAD_PASSWORD", "PKCS12_MALFORMED", "WORK_BUDGET_EXCEEDED"]);
  });

  it(`${MAC_CASES} random MAC algorithms and parameters: never an unchecked file`, async () => {
    const rnd = prng(SEED + 2);
    const failures: Outcome[] = [];
    const known = ["1.3.14.3.2.26", "2.16.840.1.101.3.4.2.1", "2.16.840.1.101.3.4.2.3", "1.2.840.113549.2.5", "1.2.840.113549.1.5.14", "1.2.840.113549.2.9"];
    const randomOid = () => `${int(rnd, 3)}.${int(rnd, 40)}.${Array.from({ length: 1 + int(rnd, 6) }, () => int(rnd, 1 << (int(rnd, 4) * 7))).join(".")}`;
    const randomParams = (depth = 0): asn1js.AsnType => {
      switch (int(rnd, depth > 2 ? 4 : 6)) {
        case 0: return new asn1js.Null();
        case 1: return new asn1js.OctetString({ valueHex: Uint8Array.from({ length: int(rnd, 40) }, () => int(rnd, 256)) });
        case 2: return new asn1js.Integer({ value: int(rnd, 1 << 20) - (1 << 19) });
        case 3: return new asn1js.ObjectIdentifier({ value: rnd() < 0.5 ? known[int(rnd, known.length)]! : randomOid() });
        default: return new asn1js.Sequence({ value: Array.from({ length: int(rnd, 4) }, () => randomParams(depth + 1)) });
      }
    };
    for (let i = 0; i < MAC_CASES; i++) {
      const oid = rnd() < 0.5 ? known[int(rnd, known.length)]! : randomOid();
      const algorithm = algorithmIdentifier(oid, randomParams());
      const spec: Pkcs12Spec = { password: PASSWORD, safes: [{ bags: [{ kind: "cert", der: leaf() }] }], mac: { iterations: 1 + int(rnd, 64), fake: true, algorithm } };
      await refuses(failures, `MAC ${oid} #${i}`, buildPkcs12(spec), rnd() < 0.3 ? undefined : PASSWORD, (err) =>
        ["PKCS12_UNSUPPORTED", "PKCS12_MALFORMED", "PKCS12_BAD_PASSWORD", "PKCS12_PASSWORD_REQUIRED", "WORK_BUDGET_EXCEEDED"].includes(err.code) ? undefined : `unexpected ${err.code}`);
    }
    expect(failures).to.deep.equal([]);
  });
});
