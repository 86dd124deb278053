/**
 * Invalid strings are malformed, and a malformed certificate anywhere is a finding, not a crash (issue 12): a Name
 * with an invalid UTF8String, a BMPString or UniversalString of the wrong length or with invalid characters cannot
 * be loaded by OpenSSL 3 or Node, so chaincheck calls it MALFORMED_CERTIFICATE naming the field. Presented (verify's
 * file, the live probe), held (--intermediates) or in the trust store, such a certificate is named (subject as far
 * as readable, SHA-256), never used in a path, and the rest of the report renders; the library returns it.
 */
import { expect } from "chai";
import { X509Certificate, createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkChain } from "../src/result/chain-result.js";
import { encodePem } from "../src/cert/pem.js";
import { CertificateParseError, parseCertificate, readCertificate } from "../src/cert/parse.js";
import { verifyChain } from "../src/index.js";
import { liveResult } from "../src/result/live-result.js";
import { keyFromPem, type KeyPairPem } from "../src/pki/issue.js";
import { nameDer, patchNames, STRING_TAG, type NameAttribute } from "../src/pki/patch.js";
import type { ProbeSuccess } from "../src/probe/types.js";
import { PLAIN } from "../src/report/palette.js";
import { renderResultText } from "../src/report/text.js";
import { validateChain } from "../src/index.js";
import { runCli } from "./support/cli.js";
import { FIXTURES, SCENARIOS_DIR, anchorsOf, readPemCerts } from "./support/scenarios.js";
import { reportResult } from "../src/report/document.js";
import { children, encoding, readRoot, tlv } from "../src/asn1/der.js";

const key = (name: string): KeyPairPem => keyFromPem(readFileSync(join(FIXTURES, "keys", `${name}.key.pem`), "utf8"));
const ca = (file: string) => readPemCerts(join(FIXTURES, "ca", file))[0]!;
const ROOT = ca("root.pem");
const INT = ca("intermediate.pem");
const LEAF = ca("leaf.pem");
const HOST = "tabpy.chaincheck.test";
const AT = new Date("2030-01-01T00:00:00Z");
const O = "2.5.4.10";
const CN = "2.5.4.3";

/** The default leaf with its subject replaced by `rdns`, signed again by the intermediate's key. */
const leafWithSubject = (attributes: NameAttribute[]): Uint8Array =>
  patchNames(LEAF.der, { subject: nameDer([attributes, [{ oid: CN, tag: STRING_TAG.printable, value: HOST }]]) }, key("intermediate")).der;
/** The default intermediate with its issuer replaced: its subject stays readable (a store can index it). */
const intermediateWithIssuer = (attribute: NameAttribute): Uint8Array =>
  patchNames(INT.der, { issuer: nameDer([[attribute]]) }, key("root")).der;

const nodeLoads = (der: Uint8Array) => {
  try {
    new X509Certificate(Buffer.from(der));
    return true;
  } catch {
    return false;
  }
};

describe("malformed certificates: invalid strings in a Name", () => {
  /** [row, the O attribute of the subject, the defect named]. */
  const INVALID: [string, NameAttribute, string][] = [
    ["UTF8String with a byte that is no UTF-8", { oid: O, tag: STRING_TAG.utf8, value: Uint8Array.of(0x63, 0xff, 0x63) }, "subject O: invalid UTF8String"],
    ["UTF8String with an overlong encoding", { oid: O, tag: STRING_TAG.utf8, value: Uint8Array.of(0xc0, 0xaf) }, "subject O: invalid UTF8String"],
    ["UTF8String with an encoded surrogate", { oid: O, tag: STRING_TAG.utf8, value: Uint8Array.of(0xed, 0xa0, 0x80) }, "subject O: invalid UTF8String"],
    ["BMPString of odd length", { oid: O, tag: STRING_TAG.bmp, value: Uint8Array.of(0, 0x63, 0) }, "subject O: BMPString of odd length 3"],
    ["BMPString with a lone surrogate", { oid: O, tag: STRING_TAG.bmp, value: Uint8Array.of(0xd8, 0, 0, 0x63) }, "subject O: BMPString holds a surrogate"],
    ["UniversalString of length 3", { oid: O, tag: STRING_TAG.universal, value: Uint8Array.of(0, 0, 0x63) }, "subject O: UniversalString of length 3"],
    ["UniversalString beyond U+10FFFF", { oid: O, tag: STRING_TAG.universal, value: Uint8Array.of(0, 0x11, 0, 0) }, "subject O: UniversalString holds an invalid character"],
  ];
  for (const [row, attribute, defect] of INVALID) {
    it(`${row}: Node cannot load it; parseCertificate throws naming the field, readCertificate keeps it`, () => {
      const der = leafWithSubject([attribute]);
      expect(nodeLoads(der), "node:crypto X509Certificate").to.equal(false);
      expect(() => parseCertificate(der)).to.throw(CertificateParseError, defect);
      const cert = readCertificate(der);
      expect(cert.unreadable).to.include(defect);
      expect(cert.sha256).to.equal(createHash("sha256").update(der).digest("hex"));
      expect(cert.subject).to.match(new RegExp(`^CN=${HOST}, O=#[0-9a-f]+$`));
      expect(cert.issuer).to.equal(LEAF.issuer);
      expect([cert.notBefore.toISOString(), cert.notAfter.toISOString()]).to.deep.equal([LEAF.notBefore.toISOString(), LEAF.notAfter.toISOString()]);
    });
  }

  /** Valid strings of every type OpenSSL normalises: Node loads them and so does chaincheck. */
  const VALID: [string, NameAttribute, string][] = [
    ["BMPString", { oid: O, tag: STRING_TAG.bmp, value: Buffer.from("Chaincheck", "utf16le").swap16() }, "O=Chaincheck"],
    ["UniversalString", { oid: O, tag: STRING_TAG.universal, value: Uint8Array.from([...Buffer.from("Ok")].flatMap((b) => [0, 0, 0, b])) }, "O=Ok"],
    ["TeletexString with a Latin-1 byte", { oid: O, tag: STRING_TAG.teletex, value: Uint8Array.of(0x43, 0xe9) }, "O=C\u00e9"],
    ["PrintableString with characters outside its set (OpenSSL does not check them)", { oid: O, tag: STRING_TAG.printable, value: "a@b" }, "O=a@b"],
  ];
  for (const [row, attribute, shown] of VALID) {
    it(`${row}: loads in Node and in chaincheck`, () => {
      const der = leafWithSubject([attribute]);
      expect(nodeLoads(der)).to.equal(true);
      const cert = parseCertificate(der);
      expect(cert.subject).to.equal(`CN=${HOST}, ${shown}`);
      expect(cert.unreadable).to.equal(undefined);
    });
  }

  it("an invalid string in the issuer names the issuer field", () => {
    expect(() => parseCertificate(intermediateWithIssuer({ oid: CN, tag: STRING_TAG.utf8, value: Uint8Array.of(0xff) }))).to.throw(CertificateParseError, "issuer CN: invalid UTF8String");
  });

  it("any other DER defect is kept the same way: SHA-256 of the bytes, the reason", () => {
    const der = Uint8Array.from(LEAF.der);
    const tbsValidity = Buffer.from(der).indexOf(Buffer.from("250101000000Z", "latin1"));
    der.set(Buffer.from("251301000000Z", "latin1"), tbsValidity); // month 13
    const cert = readCertificate(der);
    expect(cert.unreadable).to.include("impossible date");
    expect(cert.subject).to.equal(LEAF.subject);
    expect(cert.notBefore.getTime()).to.equal(0);
  });
});

describe("well-formed certificates have no defects", () => {
  it("a version 1 certificate (no version field, no extensions): the two signature algorithms are compared, not the issuer", () => {
    const [tbs, sigAlg, sig] = children(readRoot(LEAF.der));
    const fields = children(tbs!).slice(1, 7).map(encoding);
    const v1 = tlv(0x30, Buffer.concat([tlv(0x30, Buffer.concat(fields)), encoding(sigAlg!), encoding(sig!)]));
    const cert = parseCertificate(v1);
    expect(cert.version).to.equal(1);
    expect(cert.defects).to.deep.equal([]);
  });
});

describe("malformed certificates in validation: a finding on that certificate, the rest still judged", () => {
  const options = { host: HOST, at: AT, partialChain: false, warnDays: 0 };
  const badLeaf = readCertificate(leafWithSubject([{ oid: O, tag: STRING_TAG.utf8, value: Uint8Array.of(0xff) }]));
  const badInt = readCertificate(intermediateWithIssuer({ oid: CN, tag: STRING_TAG.utf8, value: Uint8Array.of(0xff) }));

  it("a presented leaf that cannot be decoded: MALFORMED_CERTIFICATE on it, untrusted, no path", () => {
    const v = validateChain([badLeaf, INT], anchorsOf([ROOT]), options);
    expect([v.trusted, v.path, v.best, v.headline?.code]).to.deep.equal([false, null, null, "MALFORMED_CERTIFICATE"]);
    expect(v.findings.map((f) => [f.code, f.certificate])).to.deep.equal([["MALFORMED_CERTIFICATE", badLeaf.sha256]]);
    expect(v.findings[0]!.message).to.include(badLeaf.sha256.slice(0, 16)).and.include("invalid UTF8String");
  });

  it("a presented intermediate that cannot be decoded: MALFORMED_CERTIFICATE on it beside what the leaf shows (issuer not found)", () => {
    const v = validateChain([LEAF, badInt], anchorsOf([ROOT]), options);
    expect(v.trusted).to.equal(false);
    expect(v.findings.map((f) => `${f.code}/${f.certificate === badInt.sha256 ? "int" : "leaf"}`)).to.deep.equal(["MALFORMED_CERTIFICATE/int", "ISSUER_NOT_FOUND/leaf"]);
  });

  it("even when a good copy completes the path, the presented undecodable certificate fails the chain (the handshake would)", () => {
    const v = validateChain([LEAF, badInt, INT], anchorsOf([ROOT]), options);
    expect(v.path?.map((c) => c.sha256)).to.deep.equal([LEAF.sha256, INT.sha256, ROOT.sha256]);
    expect([v.trusted, v.headline?.code]).to.deep.equal([false, "MALFORMED_CERTIFICATE"]);
  });

  it("a held certificate that cannot be decoded is a warning, the verdict unchanged", () => {
    const result = reportResult(checkChain({
      target: "t", service: null, presented: [LEAF, INT], anchors: anchorsOf([ROOT]), host: HOST, at: AT, partialChain: false, warnDays: 0,
      heldIntermediates: [badInt], targetOs: "debian",
    }));
    expect([result.trusted, result.status]).to.deep.equal([true, "warn"]);
    expect(result.findings.map((f) => [f.code, f.certificate])).to.deep.equal([["UNREADABLE_CERTIFICATE", badInt.sha256]]);
    expect(result.findings[0]!.message).to.include("--intermediates");
  });

  it("a trust-store certificate a path needs that cannot be decoded: named (UNREADABLE_CERTIFICATE), never an anchor", () => {
    const v = validateChain([LEAF], anchorsOf([badInt, ROOT]), options);
    expect(v.findings.map((f) => `${f.code}/${f.certificate === badInt.sha256 ? "store" : "leaf"}`)).to.include.members(["ISSUER_NOT_FOUND/leaf", "UNREADABLE_CERTIFICATE/store"]);
    expect(v.findings.find((f) => f.code === "UNREADABLE_CERTIFICATE")!.message).to.include("in the trust store");
    // Not reached, not named: a broken store certificate under a name no path looks up stays silent.
    const other = ca("other-root.pem");
    const badOther = readCertificate(patchNames(other.der, { issuer: nameDer([[{ oid: CN, tag: STRING_TAG.bmp, value: Uint8Array.of(0) }]]) }, key("other-root")).der);
    expect(badOther.unreadable).to.include("BMPString of odd length");
    expect(validateChain([LEAF, INT], anchorsOf([badOther, ROOT]), options).findings).to.deep.equal([]);
  });
});

describe("malformed certificates through `chaincheck verify`, the library and the live result", () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "chaincheck-malformed-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const scenario = (name: string, file: string) => join(SCENARIOS_DIR, name, file);

  it("verify: an undecodable leaf is an untrusted result (exit 1) naming it, in text and JSON", async () => {
    const args = ["verify", scenario("malformed-leaf-utf8", "presented.pem"), "--ca-file", scenario("malformed-leaf-utf8", "trust.pem"), "--host", HOST, "--at", AT.toISOString(), "--no-color"];
    const text = await runCli(args);
    const json = await runCli([...args, "--format", "json"]);
    expect([text.code, json.code, text.stderr, json.stderr]).to.deep.equal([1, 1, "", ""]);
    const result = (JSON.parse(json.stdout) as { results: { status: string; headline: string; presented: { subject: string; sha256: string }[]; findings: { code: string; certificate: string }[] }[] }).results[0]!;
    const bad = readPemCerts(scenario("malformed-leaf-utf8", "presented.pem"))[0]!;
    expect([result.status, result.headline, result.presented.length]).to.deep.equal(["fail", "MALFORMED_CERTIFICATE", 2]);
    expect(result.presented[0]).to.include({ sha256: bad.sha256, subject: "CN=tabpy.chaincheck.test, O=#0c0363ff63" });
    expect(result.findings.map((f) => [f.code, f.certificate])).to.deep.equal([["MALFORMED_CERTIFICATE", bad.sha256]]);
    expect(text.stdout).to.include("cannot be").and.include(bad.sha256.slice(0, 16)).and.include("Presented chain");
  });

  it("verify: an undecodable held intermediate is named (UNREADABLE_CERTIFICATE) and the rest renders (exit 1: the issuer is missing)", async () => {
    const name = "unreadable-held-intermediate";
    const out = await runCli(["verify", scenario(name, "presented.pem"), "--ca-file", scenario(name, "trust.pem"), "--intermediates", scenario(name, "intermediates.pem"),
      "--host", HOST, "--at", AT.toISOString(), "--format", "json"]);
    expect(out.code).to.equal(1);
    const codes = (JSON.parse(out.stdout) as { results: { findings: { code: string }[] }[] }).results[0]!.findings.map((f) => f.code);
    expect(codes).to.deep.equal(["ISSUER_NOT_FOUND", "UNREADABLE_CERTIFICATE", "LEAF_ONLY"]);
  });

  it("verify: an undecodable certificate in --ca-file is named when a path needs it", async () => {
    const store = join(dir, "store.pem");
    writeFileSync(store, encodePem(badIntDer()) + encodePem(ROOT.der));
    const out = await runCli(["verify", join(FIXTURES, "ca", "leaf.pem"), "--ca-file", store, "--host", HOST, "--at", AT.toISOString(), "--format", "json"]);
    expect(out.code).to.equal(1);
    const findings = (JSON.parse(out.stdout) as { results: { findings: { code: string; message: string }[] }[] }).results[0]!.findings;
    expect(findings.map((f) => f.code)).to.include.members(["ISSUER_NOT_FOUND", "UNREADABLE_CERTIFICATE"]);
  });

  it("verify: a file that is no certificate container stays a usage error (exit 2, one line)", async () => {
    const file = join(dir, "notes.txt");
    writeFileSync(file, "this is not a certificate\n");
    const out = await runCli(["verify", file, "--ca-file", join(FIXTURES, "ca", "root.pem")]);
    expect(out.code).to.equal(2);
    expect(out.stderr.trim().split("\n")).to.have.length(1);
    expect(out.stderr).to.match(/^chaincheck: /);
  });

  it("library: verifyChain returns a malformed leaf or anchor as a finding instead of throwing", async () => {
    const leafPem = readFileSync(scenario("malformed-leaf-utf8", "presented.pem"), "utf8");
    const result = await verifyChain({ leaf: leafPem, anchors: [encodePem(ROOT.der)], host: HOST, at: AT });
    expect([result.trusted, result.headline, result.presented.length]).to.deep.equal([false, "MALFORMED_CERTIFICATE", 2]);
    const anchored = await verifyChain({ leaf: encodePem(LEAF.der), intermediates: [encodePem(INT.der)], anchors: [encodePem(badIntDer()), encodePem(ROOT.der)], host: HOST, at: AT });
    expect(anchored.trusted).to.equal(true);
    expect(anchored.findings.map((f) => f.code)).to.deep.equal(["UNREADABLE_CERTIFICATE"]);
  });

  it("live: a server sending an undecodable intermediate gets a finding on it, the leaf still judged and the report rendered", () => {
    const bad = badIntDer();
    const outcome: ProbeSuccess = {
      ok: true, target: { input: "127.0.0.1:9004", host: "127.0.0.1", port: 9004, isIp: true }, presented: [LEAF.der, bad], order: "wire", crossCheck: [],
      tls: { protocol: "TLSv1.3", cipher: "TLS_AES_128_GCM_SHA256", ocspStapled: false, remoteAddress: "127.0.0.1", servername: HOST },
      service: { service: "tls", detail: "no TabPy or Rserve answer" }, elapsedMs: 5,
    };
    const result = reportResult(liveResult(outcome, { anchors: anchorsOf([ROOT]), host: HOST, at: AT, partialChain: false, warnDays: 0, targetOs: "debian", opensslComparable: false }));
    expect([result.status, result.trusted, result.presented.length]).to.deep.equal(["fail", false, 2]);
    expect(result.findings.map((f) => f.code)).to.deep.equal(["MALFORMED_CERTIFICATE", "ISSUER_NOT_FOUND"]);
    expect(result.findings[0]!.certificate).to.equal(readCertificate(bad).sha256);
    const text = renderResultText(result, { palette: PLAIN });
    expect(text).to.include("MALFORMED_CERTIFICATE").and.include(readCertificate(bad).sha256.slice(0, 16)).and.include("ISSUER_NOT_FOUND");
  });

  function badIntDer(): Uint8Array {
    return intermediateWithIssuer({ oid: CN, tag: STRING_TAG.utf8, value: Uint8Array.of(0xff) });
  }
});
