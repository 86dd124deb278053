/**
 * Certificate container decoding (src/input): every accepted format, every rejected input with its
 * exact one-line message, file reading, the PKCS#12 password flow and the no-echo prompt.
 * Fixtures: fixtures/formats (made by fixtures/formats/make.sh with openssl).
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { fileURLToPath } from "node:url";
import { decodeCertificates, encodePem, InputError, MAX_CERTIFICATES } from "../src/input/decode.js";
import type { DecodeResult } from "../src/input/decode.js";
import { promptSecret } from "../src/input/prompt.js";
import { rc2DecryptBlock, rc2ExpandKey } from "../src/input/rc2.js";
import { readCertificateFile } from "../src/input/read.js";

const FIXTURES = fileURLToPath(new URL("../../fixtures/formats/", import.meta.url));
const PASSWORD = "chaincheck-test";
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(join(FIXTURES, name)));
const text = (name: string): string => readFileSync(join(FIXTURES, name), "latin1");
const bytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "latin1"));
const hex = (der: Uint8Array): string => Buffer.from(der).toString("hex");
/** Reference DER from node:crypto, independent of the code under test. */
const refDer = (name: string): string => hex(new X509Certificate(readFileSync(join(FIXTURES, name))).raw);
const LEAF = refDer("leaf.pem");
const INTER = refDer("intermediate.pem");
const ROOT = refDer("root.pem");
const leafDer = (): Uint8Array => fixture("leaf.der");
const b64Lines = (der: Uint8Array): string => encodePem(der).split("\n").slice(1, -2).join("\n");

/** The error a promise rejects with (fails the test when it resolves). */
async function rejection(p: Promise<unknown>): Promise<InputError> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  expect(e, "should throw InputError").to.be.instanceOf(InputError);
  return e as InputError;
}

/** Deterministic bytes (xorshift), so "random input" tests are reproducible. */
function pseudoRandom(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** chain.pem with one line of block `block` (1-based), body line `line` (1-based) replaced. */
function editChain(block: number, line: number, edit: (l: string) => string): { pem: string; fileLine: number } {
  const lines = text("chain.pem").split("\n");
  let seen = 0;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.startsWith("-----BEGIN") && ++seen === block) {
      lines[i + line] = edit(lines[i + line]!);
      return { pem: lines.join("\n"), fileLine: i + line + 1 };
    }
  }
  throw new Error("no such block");
}

describe("input: decodeCertificates accepts", () => {
  const chain = text("chain.pem");
  const fakeKey = "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWtleS1tYXRlcmlhbA==\n-----END PRIVATE KEY-----\n";
  const cases: { name: string; input: () => Uint8Array; password?: string; format: DecodeResult["format"]; certs: string[]; warnings?: RegExp[] }[] = [
    { name: "a PEM bundle (LF)", input: () => bytes(chain), format: "pem", certs: [LEAF, INTER, ROOT] },
    { name: "a PEM bundle with CRLF line ends", input: () => bytes(chain.replace(/\n/g, "\r\n")), format: "pem", certs: [LEAF, INTER, ROOT] },
    { name: "a PEM bundle with a UTF-8 BOM", input: () => bytes(`\xef\xbb\xbf${chain}`), format: "pem", certs: [LEAF, INTER, ROOT] },
    { name: "a UTF-16LE PEM with BOM", input: () => new Uint8Array(Buffer.from(`\ufeff${chain}`, "utf16le")), format: "pem", certs: [LEAF, INTER, ROOT] },
    {
      name: "text between blocks (openssl pkcs12 -info style)",
      input: () => bytes(`Bag Attributes\n    friendlyName: leaf\nsubject=CN = tabpy.example.test\n\n${chain.replace(/-----END CERTIFICATE-----\n/g, "-----END CERTIFICATE-----\nissuer=whatever\n\n")}trailing text`),
      format: "pem", certs: [LEAF, INTER, ROOT],
    },
    {
      name: "whitespace and blank lines inside base64, indented boundaries",
      input: () => bytes(`  -----BEGIN CERTIFICATE-----\n${b64Lines(leafDer()).replace(/\n/g, " \t\n\n  ")}\n-----END CERTIFICATE-----  \n`),
      format: "pem", certs: [LEAF],
    },
    { name: "base64 on one long line", input: () => bytes(`-----BEGIN CERTIFICATE-----\n${b64Lines(leafDer()).replace(/\n/g, "")}\n-----END CERTIFICATE-----\n`), format: "pem", certs: [LEAF] },
    { name: "the X509 CERTIFICATE label", input: () => bytes(encodePem(leafDer(), "X509 CERTIFICATE")), format: "pem", certs: [LEAF] },
    { name: "an OpenSSL TRUSTED CERTIFICATE (aux dropped)", input: () => fixture("root-trusted.pem"), format: "pem", certs: [ROOT], warnings: [/^block 1 is an OpenSSL TRUSTED CERTIFICATE; its trust settings were ignored$/] },
    { name: "a private key block, ignored", input: () => bytes(fakeKey + chain), format: "pem", certs: [LEAF, INTER, ROOT], warnings: [/^block 1 is a private key; it was ignored$/] },
    { name: "a CSR block, ignored", input: () => bytes(text("leaf.csr.pem") + text("leaf.pem")), format: "pem", certs: [LEAF], warnings: [/^block 1 \(CERTIFICATE REQUEST\) is not a certificate; it was ignored$/] },
    { name: "a DER certificate", input: leafDer, format: "der", certs: [LEAF] },
    { name: "DER certificates back to back", input: () => Buffer.concat([leafDer(), Buffer.from(ROOT, "hex")]), format: "der", certs: [LEAF, ROOT], warnings: [/2 DER certificates written back to back/] },
    { name: "PKCS#7 PEM (.p7b)", input: () => fixture("chain.p7b"), format: "pkcs7", certs: [LEAF, INTER, ROOT] },
    { name: "PKCS#7 DER", input: () => fixture("chain.p7b.der"), format: "pkcs7", certs: [LEAF, INTER, ROOT] },
    { name: "a PKCS7 block next to a CERTIFICATE block", input: () => bytes(text("chain.p7b") + text("root-same-subject.pem")), format: "pem", certs: [LEAF, INTER, ROOT, refDer("root-same-subject.pem")] },
    { name: "PKCS#12, PBES2/AES-256 (OpenSSL 3 default)", input: () => fixture("chain-aes.p12"), password: PASSWORD, format: "pkcs12", certs: [LEAF, INTER] },
    { name: "PKCS#12, legacy RC2-40 + 3DES", input: () => fixture("chain-legacy.p12"), password: PASSWORD, format: "pkcs12", certs: [LEAF, INTER] },
    // A Buffer (what fs.readFileSync gives a library caller): its slice() is a view, not a copy, and must not be decrypted in place.
    { name: "PKCS#12, legacy RC2-40, given as a Buffer", input: () => readFileSync(join(FIXTURES, "chain-legacy.p12")), password: PASSWORD, format: "pkcs12", certs: [LEAF, INTER] },
    { name: "PKCS#12, PBE-SHA1-3DES", input: () => fixture("chain-3des.p12"), password: PASSWORD, format: "pkcs12", certs: [LEAF, INTER] },
    { name: "PKCS#12, certificates not encrypted", input: () => fixture("chain-plaincerts.p12"), password: PASSWORD, format: "pkcs12", certs: [LEAF, INTER] },
    { name: "PKCS#12 with an empty password, none given", input: () => fixture("chain-nopass.p12"), format: "pkcs12", certs: [LEAF, INTER] },
    { name: "PKCS#12 with an empty password, empty given", input: () => fixture("chain-nopass.p12"), password: "", format: "pkcs12", certs: [LEAF, INTER] },
    { name: "PKCS#12 without a MAC", input: () => fixture("chain-nomac.p12"), format: "pkcs12", certs: [LEAF, INTER], warnings: [/^the PKCS#12 file has no integrity MAC; its integrity was not verified$/] },
    { name: "bare base64 of DER", input: () => bytes(b64Lines(leafDer())), format: "der", certs: [LEAF], warnings: [/base64 without PEM BEGIN\/END lines/] },
    { name: "bare base64 of a PKCS#12 (secret-store export)", input: () => bytes(Buffer.from(fixture("chain-aes.p12")).toString("base64")), password: PASSWORD, format: "pkcs12", certs: [LEAF, INTER], warnings: [/base64 without PEM BEGIN\/END lines/] },
    { name: "a 300-certificate bundle", input: () => bytes(chain.repeat(100)), format: "pem", certs: Array<string[]>(100).fill([LEAF, INTER, ROOT]).flat() },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const result = await decodeCertificates(c.input(), { name: "in.pem", password: c.password });
      expect(result.format).to.equal(c.format);
      expect(result.certificates.map(hex)).to.deep.equal(c.certs);
      expect(result.warnings).to.have.length((c.warnings ?? []).length);
      (c.warnings ?? []).forEach((re, i) => expect(result.warnings[i]).to.match(re));
    });
  }

  it("returns independent copies and never echoes an ignored key", async () => {
    const input = bytes(fakeKey + chain);
    const result = await decodeCertificates(input, { name: "k.pem" });
    input.fill(0);
    expect(hex(result.certificates[0]!)).to.equal(LEAF);
    expect(JSON.stringify(result)).not.to.contain("c2VjcmV0");
  });
});

describe("input: decodeCertificates rejects", () => {
  const chain = text("chain.pem");
  const leafPem = text("leaf.pem");
  const truncated = leafDer().subarray(0, 465);
  const pkcs8 = Uint8Array.from([0x30, 0x10, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x04, 0x04, 0x02, 0xaa, 0xbb]);
  const bad = editChain(3, 2, (l) => `${l.slice(0, 10)}!${l.slice(11)}`);
  const cases: { name: string; input: () => Uint8Array; password?: string; code: string; message: string }[] = [
    { name: "an empty input", input: () => new Uint8Array(0), code: "EMPTY_INPUT", message: "bundle.pem: the input is empty" },
    { name: "whitespace only", input: () => bytes(" \r\n\t\n"), code: "EMPTY_INPUT", message: "bundle.pem: holds only whitespace" },
    { name: "a bad base64 character", input: () => bytes(bad.pem), code: "BAD_BASE64", message: `bundle.pem: block 3 is not valid base64 (unexpected character "!" on line ${bad.fileLine})` },
    { name: "a non-ASCII character in base64", input: () => bytes(editChain(1, 1, (l) => `\u00e9${l.slice(1)}`).pem), code: "BAD_BASE64", message: "bundle.pem: block 1 is not valid base64 (unexpected character U+00E9 on line 2)" },
    { name: "padding in the middle", input: () => bytes(editChain(2, 1, (l) => `${l.slice(0, 4)}=${l.slice(5)}`).pem), code: "BAD_BASE64", message: "bundle.pem: block 2 is not valid base64 (padding \"=\" appears before the end of the data)" },
    { name: "a base64 length that is not a multiple of 4", input: () => bytes(editChain(1, 1, (l) => l.slice(1)).pem), code: "BAD_BASE64", message: "bundle.pem: block 1 is not valid base64 (its length is not a multiple of 4 (cut short or padding missing))" },
    { name: "non-canonical padding bits", input: () => bytes("-----BEGIN CERTIFICATE-----\nMB==\n-----END CERTIFICATE-----\n"), code: "BAD_BASE64", message: "bundle.pem: block 1 is not valid base64 (non-zero bits in the final character before the padding)" },
    { name: "BEGIN without END", input: () => bytes(chain.replace(/-----END CERTIFICATE-----\n$/, "")), code: "MALFORMED_PEM", message: "bundle.pem: block 3 (BEGIN CERTIFICATE on line 26) has no matching END line" },
    { name: "a second BEGIN before END", input: () => bytes(leafPem.replace("-----END CERTIFICATE-----\n", "") + chain), code: "MALFORMED_PEM", message: "bundle.pem: block 1 (BEGIN CERTIFICATE on line 1) has no matching END line" },
    { name: "mismatched END label", input: () => bytes(leafPem.replace("END CERTIFICATE", "END X509 CRL")), code: "MALFORMED_PEM", message: "bundle.pem: block 1 starts with BEGIN CERTIFICATE (line 1) but ends with -----END X509 CRL----- (line 12)" },
    { name: "an empty block", input: () => bytes("-----BEGIN CERTIFICATE-----\n\n-----END CERTIFICATE-----\n"), code: "MALFORMED_PEM", message: "bundle.pem: block 1 (CERTIFICATE) is empty" },
    { name: "a PEM file with only a key", input: () => bytes("-----BEGIN EC PRIVATE KEY-----\nc2VjcmV0\n-----END EC PRIVATE KEY-----\n"), code: "NO_CERTIFICATES", message: "bundle.pem: holds no certificate (only a private key)" },
    { name: "a PEM file with only a CSR", input: () => fixture("leaf.csr.pem"), code: "NO_CERTIFICATES", message: "bundle.pem: holds no certificate (only a CERTIFICATE REQUEST block)" },
    { name: "truncated DER", input: () => truncated, code: "MALFORMED_DER", message: "bundle.pem: certificate 1 is truncated (465 of 475 bytes present)" },
    { name: "DER with trailing garbage", input: () => Buffer.concat([leafDer(), Buffer.from([1, 2, 3])]), code: "MALFORMED_DER", message: "bundle.pem: certificate 1 has 3 bytes of trailing data after the certificate" },
    { name: "DER followed by a truncated certificate", input: () => Buffer.concat([leafDer(), truncated]), code: "MALFORMED_DER", message: "bundle.pem: certificate 2 is truncated (465 of 475 bytes present)" },
    { name: "a truncated certificate in PEM", input: () => bytes(encodePem(truncated)), code: "MALFORMED_DER", message: "bundle.pem: block 1 is truncated (465 of 475 bytes present)" },
    { name: "trailing garbage in a PEM block", input: () => bytes(encodePem(Buffer.concat([leafDer(), Buffer.from([0, 0])]))), code: "MALFORMED_DER", message: "bundle.pem: block 1 has 2 bytes of trailing data after the certificate" },
    { name: "an indefinite length in a certificate", input: () => bytes(encodePem(Uint8Array.from([0x30, 0x80, 0x30, 0x00, 0x00, 0x00]))), code: "MALFORMED_DER", message: "bundle.pem: block 1 uses an indefinite length, which DER forbids" },
    { name: "an inner length running past its element", input: () => { const d = leafDer().slice(); d[6] = 0x02; return d; }, code: "MALFORMED_DER", message: "bundle.pem: certificate 1 is malformed DER (an inner length runs past its enclosing element)" },
    { name: "an impossible inner length", input: () => { const d = leafDer().slice(); d[5] = 0xff; return d; }, code: "MALFORMED_DER", message: "bundle.pem: certificate 1 has an impossible DER length" },
    { name: "random bytes", input: () => pseudoRandom(2000, 7), code: "NOT_A_CERTIFICATE", message: "bundle.pem: is not a certificate file (expected PEM, DER, PKCS#7 or PKCS#12)" },
    { name: "random bytes after a SEQUENCE header", input: () => Buffer.concat([Buffer.from([0x30, 0x82, 0x07, 0xcc]), pseudoRandom(1996, 11)]), code: "NOT_A_CERTIFICATE", message: "bundle.pem: is not a certificate, PKCS#7 or PKCS#12 file" },
    { name: "plain text", input: () => bytes("hello, this is not a certificate\n"), code: "NOT_A_CERTIFICATE", message: "bundle.pem: is text without any -----BEGIN CERTIFICATE----- block" },
    { name: "a DER CSR", input: () => new Uint8Array(Buffer.from(text("leaf.csr.pem").split("\n").slice(1, -2).join(""), "base64")), code: "NOT_A_CERTIFICATE", message: "bundle.pem: certificate 1 is not an X.509 certificate (it is a certificate signing request, CSR)" },
    { name: "a DER PKCS#8 private key", input: () => pkcs8, code: "NOT_A_CERTIFICATE", message: "bundle.pem: is a private key (PKCS#8), not a certificate" },
    { name: "PKCS#7 data, not signedData", input: () => Uint8Array.from([0x30, 0x0f, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01, 0xa0, 0x02, 0x04, 0x00]), code: "NOT_A_CERTIFICATE", message: "bundle.pem: is a PKCS#7 data message, not a certificate bundle (signedData)" },
    { name: "truncated PKCS#7", input: () => fixture("chain.p7b.der").subarray(0, 700), code: "PKCS7_MALFORMED", message: "bundle.pem: is not a valid PKCS#7 bundle (broken BER encoding)" },
    { name: "PKCS#12 without a password", input: () => fixture("chain-aes.p12"), code: "PKCS12_PASSWORD_REQUIRED", message: "bundle.pem: is a password-protected PKCS#12 file and no password was given" },
    { name: "PKCS#12 with a wrong password", input: () => fixture("chain-aes.p12"), password: "hunter2-wrong", code: "PKCS12_BAD_PASSWORD", message: "bundle.pem: the PKCS#12 password is wrong (the file's integrity check failed)" },
    { name: "legacy PKCS#12 with a wrong password", input: () => fixture("chain-legacy.p12"), password: "hunter2-wrong", code: "PKCS12_BAD_PASSWORD", message: "bundle.pem: the PKCS#12 password is wrong (the file's integrity check failed)" },
    { name: "PKCS#12 without a MAC, wrong password", input: () => fixture("chain-nomac-enc.p12"), password: "hunter2-wrong", code: "PKCS12_BAD_PASSWORD", message: "bundle.pem: the PKCS#12 password is wrong (the certificates do not decrypt)" },
    { name: "PKCS#12 with RC4", input: () => fixture("chain-rc4.p12"), password: PASSWORD, code: "PKCS12_UNSUPPORTED", message: "bundle.pem: encrypts its certificates with pbeWithSHAAnd128BitRC4, which chaincheck does not support; export the certificates as PEM instead (openssl pkcs12 -in FILE -nokeys -out certs.pem)" },
    { name: "truncated PKCS#12", input: () => fixture("chain-aes.p12").subarray(0, 900), password: PASSWORD, code: "PKCS12_MALFORMED", message: "bundle.pem: is not a valid PKCS#12 file (broken BER encoding)" },
    { name: "more than 1000 certificates", input: () => bytes(text("leaf.pem").repeat(MAX_CERTIFICATES + 1)), code: "TOO_MANY_CERTIFICATES", message: "bundle.pem: holds more than 1,000 certificates; chaincheck reads at most 1,000 from one input" },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const error = await decodeCertificates(c.input(), { name: "bundle.pem", password: c.password }).then(() => undefined, (e: unknown) => e);
      expect(error, "should throw").to.be.instanceOf(InputError);
      const e = error as InputError;
      expect({ code: e.code, message: e.message }).to.deep.equal({ code: c.code, message: c.message });
      if (c.password) expect(e.message).not.to.contain(c.password);
    });
  }

  it("keeps a hostile file name on one line", async () => {
    const e = await rejection(decodeCertificates(new Uint8Array(0), { name: "evil\n\u202ename.pem" }));
    expect(e.message).to.equal("evil??name.pem: the input is empty");
  });
});

describe("input: encodePem", () => {
  it("writes 64-column LF lines that decode back", async () => {
    const pem = encodePem(leafDer());
    const lines = pem.split("\n");
    expect(lines[0]).to.equal("-----BEGIN CERTIFICATE-----");
    expect(lines.at(-2)).to.equal("-----END CERTIFICATE-----");
    expect(lines.at(-1)).to.equal("");
    expect(lines.slice(1, -3).every((l) => l.length === 64)).to.equal(true);
    expect(pem).not.to.contain("\r");
    expect((await decodeCertificates(bytes(pem))).certificates.map(hex)).to.deep.equal([LEAF]);
    expect(encodePem(Uint8Array.from([1, 2, 3]), "X")).to.equal("-----BEGIN X-----\nAQID\n-----END X-----\n");
  });
});

describe("input: RC2 (RFC 2268 section 5 vectors)", () => {
  const vectors: [string, number, string, string][] = [
    ["0000000000000000", 63, "0000000000000000", "ebb773f993278eff"],
    ["ffffffffffffffff", 64, "ffffffffffffffff", "278b27e42e2f0d49"],
    ["3000000000000000", 64, "1000000000000001", "30649edf9be7d2c2"],
    ["88", 64, "0000000000000000", "61a8a244adacccf0"],
    ["88bca90e90875a", 64, "0000000000000000", "6ccf4308974c267f"],
    ["88bca90e90875a7f0f79c384627bafb2", 64, "0000000000000000", "1a807d272bbe5db1"],
    ["88bca90e90875a7f0f79c384627bafb2", 128, "0000000000000000", "2269552ab0f85ca6"],
    ["88bca90e90875a7f0f79c384627bafb216f80a6f85920584c42fceb0be255daf1e", 129, "0000000000000000", "5b78d3a43dfff1f1"],
  ];
  for (const [key, bits, plain, cipher] of vectors) {
    it(`key ${key.slice(0, 16)}, ${bits} bits`, () => {
      const block = Buffer.from(cipher, "hex");
      rc2DecryptBlock(rc2ExpandKey(Buffer.from(key, "hex"), bits), block);
      expect(block.toString("hex")).to.equal(plain);
    });
  }
});

describe("input: lazy loading", function () {
  this.timeout(20_000);
  /** Module specifiers a child process resolves while decoding the given fixtures. */
  function resolvedIn(...files: string[]): string[] {
    const decode = new URL("../src/input/decode.js", import.meta.url).href;
    const script = `
      import { register } from "node:module"; import { MessageChannel } from "node:worker_threads";
      import { readFileSync } from "node:fs";
      const { port1, port2 } = new MessageChannel(); const seen = []; port1.on("message", (m) => seen.push(m)); port1.unref();
      const hooks = "let p; export function initialize(d) { p = d.port; } export async function resolve(s, c, n) { p.postMessage(s); return n(s, c); }";
      register("data:text/javascript," + encodeURIComponent(hooks), { data: { port: port2 }, transferList: [port2] });
      const { decodeCertificates } = await import(${JSON.stringify(decode)});
      for (const f of ${JSON.stringify(files.map((f) => join(FIXTURES, f)))}) await decodeCertificates(readFileSync(f), { password: ${JSON.stringify(PASSWORD)} });
      await new Promise((r) => setTimeout(r, 100));
      console.log(JSON.stringify(seen));`;
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", timeout: 15_000 });
    expect(run.status, run.stderr).to.equal(0);
    return JSON.parse(run.stdout) as string[];
  }
  it("PEM and DER load neither the PKCS#7 nor the PKCS#12 reader", () => {
    const seen = resolvedIn("chain.pem", "leaf.der", "root-trusted.pem");
    expect(seen.some((s) => s.includes("decode.js"))).to.equal(true);
    expect(seen.filter((s) => /pkijs|asn1js|pkcs/.test(s))).to.deep.equal([]);
  });
  it("PKCS#12 loads its reader (and no ASN.1 library: src/asn1/der.ts walks the file)", () => {
    const seen = resolvedIn("chain-aes.p12");
    expect(seen).to.include.members(["./pkcs12.js", "./pbe.js"]);
    expect(seen.filter((s) => /pkijs|asn1js/.test(s))).to.deep.equal([]);
  });
});

describe("input: readCertificateFile", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "chaincheck-input-"));
    writeFileSync(join(dir, "empty.pem"), "");
    writeFileSync(join(dir, "chain.pem"), readFileSync(join(FIXTURES, "chain.pem")));
    writeFileSync(join(dir, "store.p12"), readFileSync(join(FIXTURES, "chain-aes.p12")));
    writeFileSync(join(dir, "huge.pem"), "");
    truncateSync(join(dir, "huge.pem"), 11 * 1024 * 1024);
    mkdirSync(join(dir, "sub.pem"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const failure = (path: string, options = {}) => readCertificateFile(path, options).then(() => undefined, (e: unknown) => e as InputError);

  it("reads a PEM file and does not prompt", async () => {
    const r = await readCertificateFile(join(dir, "chain.pem"), { promptPassword: () => Promise.reject(new Error("must not prompt")) });
    expect(r.format).to.equal("pem");
    expect(r.certificates.map(hex)).to.deep.equal([LEAF, INTER, ROOT]);
    expect(r.path).to.equal(join(dir, "chain.pem"));
  });
  it("gives one-line errors for missing, directory, empty and huge files", async () => {
    const cases: [string, string, string][] = [
      ["nope.pem", "FILE_NOT_FOUND", "no such file"],
      ["chain.pem/x", "FILE_NOT_FOUND", "no such file (a part of the path is not a directory)"],
      ["sub.pem", "IS_A_DIRECTORY", "is a directory, not a certificate file"],
      ["empty.pem", "EMPTY_INPUT", "the file is empty"],
      ["huge.pem", "FILE_TOO_LARGE", "is 11.0 MB; chaincheck reads certificate files up to 10 MB"],
    ];
    for (const [name, code, detail] of cases) {
      const e = await failure(join(dir, name));
      expect({ code: e?.code, message: e?.message }).to.deep.equal({ code, message: `${join(dir, name)}: ${detail}` });
    }
  });
  it("reports an unreadable file", async function () {
    if (process.getuid?.() === 0) this.skip(); // root reads anything
    const path = join(dir, "secret.pem");
    writeFileSync(path, "x", { mode: 0o000 });
    const e = await failure(path);
    expect({ code: e?.code, message: e?.message }).to.deep.equal({ code: "FILE_UNREADABLE", message: `${path}: permission denied` });
  });
  it("takes the PKCS#12 password from --pfx-password-env", async () => {
    const r = await readCertificateFile(join(dir, "store.p12"), { passwordEnv: "PFX_PW", env: { PFX_PW: PASSWORD } });
    expect(r.format).to.equal("pkcs12");
    expect(r.certificates.map(hex)).to.deep.equal([LEAF, INTER]);
    expect(JSON.stringify(r)).not.to.contain(PASSWORD);
  });
  it("fails clearly when the variable is unset or the password wrong", async () => {
    const path = join(dir, "store.p12");
    const unset = await failure(path, { passwordEnv: "PFX_PW", env: {}, promptPassword: () => Promise.resolve(PASSWORD) });
    expect({ code: unset?.code, message: unset?.message }).to.deep.equal({
      code: "PASSWORD_ENV_UNSET",
      message: `${path}: is password-protected, but the environment variable PFX_PW (--pfx-password-env) is not set`,
    });
    const wrong = await failure(path, { passwordEnv: "PFX_PW", env: { PFX_PW: "s3cret-wrong" } });
    expect(wrong?.code).to.equal("PKCS12_BAD_PASSWORD");
    expect(wrong?.message).not.to.contain("s3cret-wrong");
  });
  it("prompts only when needed, with the file name", async () => {
    const asked: string[] = [];
    const r = await readCertificateFile(join(dir, "store.p12"), { promptPassword: (name) => { asked.push(name); return Promise.resolve(PASSWORD); } });
    expect(asked).to.deep.equal([join(dir, "store.p12")]);
    expect(r.certificates).to.have.length(2);
  });
  it("says how to give a password when it cannot prompt", async () => {
    const e = await failure(join(dir, "store.p12"));
    expect({ code: e?.code, message: e?.message }).to.deep.equal({
      code: "PKCS12_PASSWORD_REQUIRED",
      message: `${join(dir, "store.p12")}: is a password-protected PKCS#12 file; pass --pfx-password-env NAME, or run in a terminal to be asked for the password`,
    });
  });
});

describe("input: promptSecret", () => {
  /** A fake terminal: a stream with isTTY and a raw-mode switch that records its calls. */
  function terminal() {
    const input = Object.assign(new PassThrough(), {
      isTTY: true,
      isRaw: false,
      rawCalls: [] as boolean[],
      setRawMode(mode: boolean) {
        this.isRaw = mode;
        this.rawCalls.push(mode);
        return this;
      },
    });
    const output = new PassThrough();
    let shown = "";
    output.on("data", (c: Buffer) => (shown += c.toString()));
    return { input, output, shown: () => shown };
  }
  const typed: [string, (string | Buffer)[], string][] = [
    ["plain text and Enter", ["s3cret\r"], "s3cret"],
    ["LF as Enter", ["pw\n"], "pw"],
    ["backspace (DEL and BS)", ["sex\x7fcrez\bt\r"], "secret"],
    ["Ctrl-U clears", ["wrong\x15right\r"], "right"],
    ["arrow keys ignored", ["ab\x1b[D\x1b[Ac\r"], "abc"],
    ["a UTF-8 character split across chunks", [Buffer.from([0x70, 0xc3]), Buffer.from([0xa9, 0x0d])], "p\u00e9"],
    ["one key per chunk", ["a", "b", "\x7f", "c", "\r"], "ac"],
    ["Ctrl-D finishes", ["abc\x04"], "abc"],
  ];
  for (const [name, chunks, expected] of typed) {
    it(name, async () => {
      const t = terminal();
      const answer = promptSecret("Password for store.p12: ", t);
      for (const c of chunks) t.input.write(c);
      expect(await answer).to.equal(expected);
      expect(t.shown()).to.equal("Password for store.p12: \n");
      expect(t.input.rawCalls).to.deep.equal([true, false]);
    });
  }
  it("rejects on Ctrl-C and restores the terminal", async () => {
    const t = terminal();
    const answer = promptSecret("pw: ", t);
    t.input.write("abc\x03");
    const e = await rejection(answer);
    expect({ code: e.code, message: e.message }).to.deep.equal({ code: "PROMPT_CANCELLED", message: "password entry cancelled (Ctrl-C)" });
    expect(t.input.isRaw).to.equal(false);
  });
  it("rejects when input ends before Enter", async () => {
    const t = terminal();
    const answer = promptSecret("pw: ", t);
    t.input.end("abc");
    const e = await rejection(answer);
    expect(e.code).to.equal("PROMPT_CANCELLED");
  });
  it("refuses when input is not a terminal", async () => {
    const e = await rejection(promptSecret("pw: ", { input: new PassThrough(), output: new PassThrough() }));
    expect({ code: e.code, message: e.message }).to.deep.equal({
      code: "PROMPT_NOT_TTY",
      message: "cannot ask for the password: standard input is not a terminal; pass --pfx-password-env NAME instead",
    });
  });
});
