/**
 * One work budget per input (issue 12), through the CLI: hostile PKCS#12 files (iteration counts read as full
 * INTEGERs, a total budget checked before any derivation, safe and bag caps, a MAC that cannot be checked),
 * certificate-count and byte caps for presented and trust inputs (a 10,000-certificate corporate bundle as
 * --ca-file and as the system store), and the --targets-file cap. Each: the exit code, one `chaincheck:` line,
 * no stack trace, and a time bound far below the work the file asks for.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as asn1js from "asn1js";
import { decodeCertificates } from "../src/input/decode.js";
import { InputError } from "../src/input/errors.js";
import { PKCS12_LIMITS, TRUST_LIMITS } from "../src/input/limits.js";
import { bulkRootsPem } from "./support/bulk-certs.js";
import { runCli } from "./support/cli.js";
import { algorithmIdentifier, buildPkcs12, secretBag, type Bag, type Pkcs12Spec } from "./support/pkcs12.js";
import { FIXTURES, pemDers } from "./support/scenarios.js";
import { CHAINCHECK_BIN } from "./support/bin.js";

const CA = join(FIXTURES, "ca");
const PASSWORD = "budget-pw";
const AT = ["--at", "2030-01-01T00:00:00Z", "--target-os", "debian"];
const pem = (name: string) => readFileSync(join(CA, name), "utf8");
const leafBag = (): Bag => ({ kind: "cert", der: new Uint8Array(new X509Certificate(pem("leaf.pem")).raw) });
/** Far below what any refused file asks for (2^31 iterations would take tens of minutes). */
const BOUND_MS = 5_000;

interface Timed { code: number; stdout: string; stderr: string; ms: number }

describe("input work budgets (hostile inputs through the CLI)", function () {
  this.timeout(120_000);
  let dir: string;
  const file = (name: string) => join(dir, name);
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "chaincheck-budget-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function verifyP12(name: string, spec: Pkcs12Spec): Promise<Timed> {
    writeFileSync(file(name), buildPkcs12(spec));
    const started = performance.now();
    const out = await runCli(["verify", file(name), "--pfx-password-env", "PFX", ...AT], { env: { PFX: spec.password } });
    return { ...out, ms: performance.now() - started };
  }
  /** Exit 2, exactly one `chaincheck:` line, no stack trace, within the bound. */
  function expectRefused(out: Timed, message: string): void {
    expect(out.code, out.stderr).to.equal(2);
    expect(out.stderr).to.equal(`chaincheck: ${message}\n`);
    expect(out.stderr).not.to.match(/\n\s+at /);
    expect(out.ms).to.be.lessThan(BOUND_MS);
  }

  describe("PKCS#12 iteration counts and the per-file budget", () => {
    it("an iteration count of 2^31 is read in full and refused at once, naming the number", async () => {
      const out = await verifyP12("mac-2p31.p12", { password: PASSWORD, safes: [{ bags: [leafBag()] }], mac: { iterations: 2n ** 31n, fake: true } });
      expectRefused(out, `${file("mac-2p31.p12")}: the integrity MAC asks for 2,147,483,648 key-derivation iterations; chaincheck allows at most 10,000,000 per derivation (and 16,000,000 per file)`);
    });

    it("2^64 + 1 in the certificates' PBKDF2 parameters: the exact number, no overflow", async () => {
      const out = await verifyP12("pbkdf2-huge.p12", { password: PASSWORD, safes: [{ bags: [leafBag()], encrypt: { iterations: 2n ** 64n + 1n, fake: true } }], mac: { iterations: 1 } });
      expectRefused(out, `${file("pbkdf2-huge.p12")}: encrypted safe 1 asks for 18,446,744,073,709,551,617 key-derivation iterations; chaincheck allows at most 10,000,000 per derivation (and 16,000,000 per file)`);
    });

    it("two safes of 8,388,608 iterations each: over the 16,000,000 budget, refused before any derivation", async () => {
      const safe = { bags: [leafBag()], encrypt: { iterations: 8_388_608, fake: true } };
      const out = await verifyP12("two-safes.p12", { password: PASSWORD, safes: [safe, safe], mac: { iterations: 1, fake: true } });
      expectRefused(out, `${file("two-safes.p12")}: needs 16,777,217 key-derivation iterations (the integrity MAC: 1; encrypted safe 1: 8,388,608; encrypted safe 2: 8,388,608); chaincheck allows at most 16,000,000 per PKCS#12 file`);
    });

    it("an empty password counts twice (two encodings are tried), the legacy scheme its key and IV blocks", async () => {
      const out = await verifyP12("empty-pw.p12", {
        password: "", safes: [{ bags: [leafBag()], encrypt: { iterations: 3_000_000, scheme: "pkcs12-3des", fake: true } }], mac: { iterations: 1_000_000, fake: true },
      });
      // 3DES: a 24-byte key is two SHA-1 blocks, plus one for the IV; each tried with both empty-password encodings.
      expectRefused(out, `${file("empty-pw.p12")}: needs 20,000,000 key-derivation iterations (the integrity MAC: 1,000,000 x 2; encrypted safe 1: 3,000,000 x 6); chaincheck allows at most 16,000,000 per PKCS#12 file`);
    });

    for (const [what, value] of [["zero", 0], ["-1", -1], ["-2^31", -(2 ** 31)]] as const) {
      it(`an iteration count of ${what} is a malformed file`, async () => {
        const out = await verifyP12(`mac-${what}.p12`, { password: PASSWORD, safes: [{ bags: [leafBag()] }], mac: { iterations: value, fake: true } });
        expectRefused(out, `${file(`mac-${what}.p12`)}: is not a valid PKCS#12 file (the integrity MAC has an iteration count of ${value})`);
      });
    }

    it("8,388,608 PBKDF2 iterations (a four-byte INTEGER, written by openssl) are read correctly: the file opens", async function () {
      this.timeout(60_000);
      const p12 = join(FIXTURES, "formats", "iter-8388608.p12"); // fixtures/formats/make.sh
      const out = await runCli(["verify", p12, "--pfx-password-env", "PFX", "--ca-file", join(FIXTURES, "formats", "root.pem"), "--host", "tabpy.example.test", "-q", ...AT],
        { env: { PFX: "chaincheck-test" } });
      expect(out.code, out.stderr).to.equal(0);
      expect(out.stdout).to.match(/PASS/);
    });

    it(`more than ${PKCS12_LIMITS.maxSafes} safes, more than ${PKCS12_LIMITS.maxBags.toLocaleString("en-US")} bags: refused`, async () => {
      const safes = Array.from({ length: PKCS12_LIMITS.maxSafes + 1 }, () => ({ bags: [leafBag()] }));
      expectRefused(await verifyP12("safes.p12", { password: PASSWORD, safes, mac: { iterations: 1 } }),
        `${file("safes.p12")}: holds 65 safes; chaincheck reads at most 64 per PKCS#12 file`);
      const tiny: Bag = { kind: "raw", der: secretBag() };
      const bags = [leafBag(), ...Array.from({ length: PKCS12_LIMITS.maxBags }, () => tiny)];
      expectRefused(await verifyP12("bags.p12", { password: PASSWORD, safes: [{ bags }], mac: { iterations: 1 } }),
        `${file("bags.p12")}: holds more than 25,000 bags; chaincheck reads at most 25,000 per PKCS#12 file`);
    });
  });

  describe("the integrity MAC is never skipped", () => {
    it("an unknown MAC algorithm is an error, not an unchecked file", async () => {
      const out = await verifyP12("mac-unknown.p12", { password: PASSWORD, safes: [{ bags: [leafBag()] }], mac: { iterations: 1, fake: true, algorithm: algorithmIdentifier("1.2.3.4.5") } });
      expectRefused(out, `${file("mac-unknown.p12")}: its integrity MAC uses algorithm 1.2.3.4.5, which chaincheck cannot check, and it does not read a file whose integrity it cannot verify; export the certificates as PEM instead (openssl pkcs12 -in FILE -nokeys -out certs.pem)`);
    });

    it("MD5 (known, not supported for MAC) and PBMAC1 with an unknown scheme: errors", async () => {
      const md5 = await verifyP12("mac-md5.p12", { password: PASSWORD, safes: [{ bags: [leafBag()] }], mac: { iterations: 1, fake: true, algorithm: algorithmIdentifier("1.2.840.113549.2.5") } });
      expect(md5.code).to.equal(2);
      expect(md5.stderr).to.include("its integrity MAC uses algorithm 1.2.840.113549.2.5");
      const pbkdf2 = new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: "1.2.840.113549.1.5.12" }), new asn1js.Sequence({ value: [
        new asn1js.OctetString({ valueHex: new Uint8Array(8) }), new asn1js.Integer({ value: 1 }), new asn1js.Integer({ value: 32 })] })] });
      const scheme = new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: "1.2.3.99" })] });
      const pbmac1 = algorithmIdentifier("1.2.840.113549.1.5.14", new asn1js.Sequence({ value: [pbkdf2, scheme] }));
      const out = await verifyP12("pbmac1-unknown.p12", { password: PASSWORD, safes: [{ bags: [leafBag()] }], mac: { iterations: 1, fake: true, algorithm: pbmac1 } });
      expect(out.code).to.equal(2);
      expect(out.stderr).to.include("its integrity MAC uses PBMAC1 with algorithm 1.2.3.99, which chaincheck cannot check");
    });

    const unreadable: [string, () => Uint8Array][] = [
      ["a salt that is an INTEGER", () => der(seq(seq(seq(oid("2.16.840.1.101.3.4.2.1"), new asn1js.Null()), octet(32)), new asn1js.Integer({ value: 5 }), new asn1js.Integer({ value: 1 })))],
      ["an iteration count that is an OCTET STRING", () => der(seq(seq(seq(oid("2.16.840.1.101.3.4.2.1"), new asn1js.Null()), octet(32)), octet(8), octet(1)))],
      ["a DigestInfo without the digest", () => der(seq(seq(seq(oid("2.16.840.1.101.3.4.2.1"), new asn1js.Null())), octet(8), new asn1js.Integer({ value: 1 })))],
      ["a fourth MacData field", () => der(seq(seq(seq(oid("2.16.840.1.101.3.4.2.1"), new asn1js.Null()), octet(32)), octet(8), new asn1js.Integer({ value: 1 }), new asn1js.Null()))],
      ["MacData that is not a SEQUENCE", () => der(octet(40))],
    ];
    for (const [what, raw] of unreadable) {
      it(`unreadable MAC parameters (${what}): a malformed file, never read without its MAC`, async () => {
        const out = await verifyP12("mac-raw.p12", { password: PASSWORD, safes: [{ bags: [leafBag()] }], mac: { raw: raw() } });
        expect(out.code, out.stderr).to.equal(2);
        expect(out.stderr).to.match(/^chaincheck: .*mac-raw\.p12: is not a valid PKCS#12 file \((its integrity MAC parameters cannot be read|its structure does not match RFC 7292)\)\n$/);
        expect(out.ms).to.be.lessThan(BOUND_MS);
      });
    }
  });

  describe("certificate and byte caps", () => {
    let bulk: string;
    before(async () => {
      // 9,999 generated roots and the fixture root last: a 10,000-certificate corporate bundle.
      bulk = (await bulkRootsPem(9_999)) + pem("root.pem");
      writeFileSync(file("corporate-bundle.pem"), bulk);
    });

    it("a 10,000-certificate bundle is a --ca-file: the chain is trusted by its last certificate", async () => {
      const out = await runCli(["verify", join(CA, "fullchain.pem"), "--ca-file", file("corporate-bundle.pem"), "--host", "tabpy.chaincheck.test", "--format", "json", ...AT]);
      expect(out.code, out.stderr).to.equal(0);
      const r = (JSON.parse(out.stdout) as { results: { trusted: boolean; trustStore: string }[] }).results[0]!;
      expect(r.trusted).to.equal(true);
      expect(r.trustStore).to.equal(`--ca-file ${file("corporate-bundle.pem")} (10000 certificates)`);
    });

    it("the same 10,000 certificates as a PKCS#7 (openssl crl2pkcs7) and a PKCS#12 --ca-file", async function () {
      const p12 = file("corporate-bundle.p12");
      const ders = pemDers(bulk);
      writeFileSync(p12, buildPkcs12({ password: PASSWORD, safes: [{ bags: ders.map((d): Bag => ({ kind: "cert", der: d })) }], mac: { iterations: 1 } }));
      const files = [p12];
      if (spawnSync("openssl", ["crl2pkcs7", "-nocrl", "-certfile", file("corporate-bundle.pem"), "-outform", "DER", "-out", file("corporate-bundle.p7b")]).status === 0) {
        files.push(file("corporate-bundle.p7b"));
      }
      for (const ca of files) {
        const out = await runCli(["verify", join(CA, "fullchain.pem"), "--ca-file", ca, "--pfx-password-env", "PFX", "--host", "tabpy.chaincheck.test", "-q", ...AT], { env: { PFX: PASSWORD } });
        expect(out.code, `${ca}: ${out.stderr}`).to.equal(0);
      }
      if (files.length === 1) this.skip(); // the PKCS#12 half ran; no openssl for the PKCS#7 half
    });

    it("the same bundle as the system store (SSL_CERT_FILE, the built command)", () => {
      const run = spawnSync(process.execPath, [CHAINCHECK_BIN, "verify", join(CA, "fullchain.pem"), "--host", "tabpy.chaincheck.test", "-q", ...AT],
        { env: { ...process.env, SSL_CERT_FILE: file("corporate-bundle.pem"), SSL_CERT_DIR: "" }, encoding: "utf8" });
      expect(run.status, run.stderr).to.equal(0);
      expect(run.stdout).to.match(/PASS/);
    });

    it("a presented file keeps the lower cap: 1,001 certificates are refused", async () => {
      writeFileSync(file("presented-1001.pem"), bulk.split(/(?<=-----END CERTIFICATE-----\n)/).slice(0, 1_001).join(""));
      const out = await runCli(["verify", file("presented-1001.pem"), ...AT]);
      expect(out.code).to.equal(2);
      expect(out.stderr).to.equal(`chaincheck: ${file("presented-1001.pem")}: holds more than 1,000 certificates; chaincheck reads at most 1,000 from one input\n`);
    });

    it(`a trust input over ${TRUST_LIMITS.maxCertificates.toLocaleString("en-US")} certificates or ${TRUST_LIMITS.maxBytes / 1024 / 1024} MB is refused with the cap`, async () => {
      const over = await decodeCertificates(Buffer.from(pem("root.pem").repeat(TRUST_LIMITS.maxCertificates + 1)), { name: "big.pem", limits: TRUST_LIMITS })
        .then(() => undefined, (e: unknown) => e as InputError);
      expect(over).to.be.instanceOf(InputError);
      expect(over!.message).to.equal("big.pem: holds more than 20,000 certificates; chaincheck reads at most 20,000 from one input");
      writeFileSync(file("huge-ca.pem"), "");
      truncateSync(file("huge-ca.pem"), 45 * 1024 * 1024);
      const out = await runCli(["verify", join(CA, "fullchain.pem"), "--ca-file", file("huge-ca.pem"), ...AT]);
      expect(out.code).to.equal(2);
      expect(out.stderr).to.equal(`chaincheck: ${file("huge-ca.pem")}: is 45.0 MB; chaincheck reads CA files up to 40 MB\n`);
    });

    it("--targets-file is capped at 1 MB, with a clear message and no probing", async () => {
      writeFileSync(file("fleet.txt"), `${"127.0.0.1:1 # padding\n".repeat(50_000)}`);
      const out = await runCli(["--targets-file", file("fleet.txt")]);
      expect(out.code).to.equal(2);
      expect(out.stderr).to.equal(`chaincheck: --targets-file: cannot read ${file("fleet.txt")}: is over 1 MB; chaincheck reads targets files up to 1 MB\n`);
    });
  });
});

// Small DER builders for the raw MacData cases.
const seq = (...value: asn1js.AsnType[]) => new asn1js.Sequence({ value });
const oid = (value: string) => new asn1js.ObjectIdentifier({ value });
const octet = (n: number) => new asn1js.OctetString({ valueHex: new Uint8Array(n) });
const der = (el: asn1js.AsnType) => new Uint8Array(el.toBER());
