/**
 * The validator is never more lenient than OpenSSL-based clients (issue 12): OpenSSL's sslserver purpose, the
 * X509_STRICT profile, security level 2 and RFC 5280 §7.1 name comparison, each row a chain generated at test
 * time, judged by chaincheck and by `openssl verify -purpose sslserver -x509_strict -auth_level 2` (a differential
 * test: the verdicts must agree), plus what a certificate tells on its own when its issuer is missing, and the
 * same rules through `chaincheck verify` (text and JSON, --at pinned).
 */
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkChain } from "../src/result/chain-result.js";
import { readCertificate } from "../src/cert/parse.js";
import { tlv } from "../src/asn1/der.js";
import { EKU, issueCertificate, keyFromPem, type IssueSpec, type KeyPairPem } from "../src/pki/issue.js";
import { nameDer, patchNames, STRING_TAG, type NameAttribute } from "../src/pki/patch.js";
import type { Certificate } from "../src/types.js";
import { checkKeyStrength, checkSignatureStrength } from "../src/validate/checks/strength.js";
import { validateChain } from "../src/index.js";
import { runCli } from "./support/cli.js";
import { opensslVerify, skipUnlessOpenssl } from "./support/openssl-pki.js";
import { FIXTURES, SCENARIOS_DIR, anchorsOf } from "./support/scenarios.js";
import { reportFinding, reportResult } from "../src/report/document.js";

const key = (name: string): KeyPairPem => keyFromPem(readFileSync(join(FIXTURES, "keys", `${name}.key.pem`), "utf8"));
const KEYS = { root: key("p256-root"), int: key("p256-intermediate"), leaf: key("p256-leaf") };
const notBefore = new Date("2025-01-01T00:00:00Z");
const notAfter = new Date("2030-01-01T00:00:00Z");
const at = new Date("2027-01-01T00:00:00Z");
const HOST = "tabpy.strict.test";
const ROOT_NAME = "CN=Strict Test Root, O=Chaincheck";
const INT_NAME = "CN=Strict Test Intermediate, O=Chaincheck";

type Spec = Partial<IssueSpec>;
interface Chain {
  readonly root: Certificate;
  readonly int: Certificate;
  readonly leaf: Certificate;
}

const read = (der: Uint8Array) => readCertificate(der);

async function chain(rootSpec: Spec = {}, intSpec: Spec = {}, leafSpec: Spec = {}): Promise<Chain> {
  const root = await issueCertificate({ subject: ROOT_NAME, key: KEYS.root, serial: "01", notBefore, notAfter, ca: true, ...rootSpec });
  const int = await issueCertificate({
    subject: INT_NAME, key: KEYS.int, issuer: { subject: ROOT_NAME, key: KEYS.root }, serial: "02", notBefore, notAfter, ca: true, ...intSpec,
  });
  const leaf = await issueCertificate({
    subject: `CN=${HOST}`, key: KEYS.leaf, issuer: { subject: INT_NAME, key: KEYS.int }, serial: "03", notBefore, notAfter, dnsNames: [HOST], ...leafSpec,
  });
  return { root: read(root.der), int: read(int.der), leaf: read(leaf.der) };
}

function judge(c: Chain, presented: readonly Certificate[] = [c.leaf, c.int]) {
  const v = validateChain(presented, anchorsOf([c.root]), { host: HOST, at, partialChain: false, warnDays: 0 });
  return {
    trusted: v.trusted,
    errors: [...new Set(v.findings.filter((f) => f.severity === "error").map((f) => f.code))],
    warnings: v.findings.filter((f) => f.severity === "warning").map((f) => f.code),
    text: v.findings.map((f) => f.message).join("\n"),
  };
}

/** A Netscape certificate type extension with the given first byte (0x80 SSL client, 0x40 SSL server). */
const nsCertType = (bits: number) => ({ oid: "2.16.840.1.113730.1.1", critical: false, valueDer: tlv(0x03, Uint8Array.of(bits & 0x40 ? 6 : 7, bits)) });

describe("strict model: differential tests against `openssl verify -purpose sslserver -x509_strict -auth_level 2`", function () {
  this.timeout(60_000);
  let dir: string;
  before(function () {
    skipUnlessOpenssl(this);
    dir = mkdtempSync(join(tmpdir(), "chaincheck-strict-"));
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  const agree = async (c: Chain, presented: readonly Certificate[] = [c.leaf, c.int]) => {
    const ours = judge(c, presented);
    const openssl = await opensslVerify({ trust: [c.root], presented, at, host: HOST }, dir);
    expect(ours.trusted, `chaincheck ${JSON.stringify(ours.errors)}, openssl: ${openssl.output}`).to.equal(openssl.ok);
    return ours;
  };

  describe("purpose: OpenSSL's sslserver (extendedKeyUsage, Netscape certificate type, key usage)", () => {
    /** [row, root spec, intermediate spec, leaf spec, the error chaincheck reports (null: trusted)]. */
    const ROWS: [string, Spec, Spec, Spec, string | null][] = [
      ["the clean control chain", {}, {}, {}, null],
      ["leaf EKU anyExtendedKeyUsage alone", {}, {}, { extKeyUsage: [EKU.anyExtendedKeyUsage] }, "EKU_NOT_SERVER_AUTH"],
      ["leaf EKU serverAuth + anyExtendedKeyUsage", {}, {}, { extKeyUsage: [EKU.serverAuth, EKU.anyExtendedKeyUsage] }, null],
      ["leaf EKU clientAuth", {}, {}, { extKeyUsage: [EKU.clientAuth] }, "EKU_NOT_SERVER_AUTH"],
      ["intermediate EKU anyExtendedKeyUsage alone", {}, { extKeyUsage: [EKU.anyExtendedKeyUsage] }, {}, "EKU_NOT_SERVER_AUTH"],
      ["intermediate EKU clientAuth + anyExtendedKeyUsage", {}, { extKeyUsage: [EKU.clientAuth, EKU.anyExtendedKeyUsage] }, {}, "EKU_NOT_SERVER_AUTH"],
      ["intermediate EKU serverAuth", {}, { extKeyUsage: [EKU.serverAuth] }, {}, null],
      ["root EKU anyExtendedKeyUsage alone", { extKeyUsage: [EKU.anyExtendedKeyUsage] }, {}, {}, "EKU_NOT_SERVER_AUTH"],
      ["root EKU serverAuth", { extKeyUsage: [EKU.serverAuth] }, {}, {}, null],
      ["leaf nsCertType SSL client", {}, {}, { extraExtensions: [nsCertType(0x80)] }, "EKU_NOT_SERVER_AUTH"],
      ["leaf nsCertType SSL server", {}, {}, { extraExtensions: [nsCertType(0x40)] }, null],
      ["leaf nsCertType SSL client + server", {}, {}, { extraExtensions: [nsCertType(0xc0)] }, null],
      ["intermediate (cA TRUE) nsCertType SSL client", {}, { extraExtensions: [nsCertType(0x80)] }, {}, null],
      ["root (cA TRUE) nsCertType SSL client", { extraExtensions: [nsCertType(0x80)] }, {}, {}, null],
      ["leaf keyUsage keyAgreement alone", {}, {}, { keyUsage: ["keyAgreement"] }, null],
      ["leaf keyUsage cRLSign alone", {}, {}, { keyUsage: ["cRLSign"] }, "KEY_USAGE_INVALID"],
      ["intermediate (a CA) without keyUsage (X509_STRICT)", {}, { keyUsage: null }, {}, "MALFORMED_CERTIFICATE"],
      ["root (a CA) without keyUsage (X509_STRICT checks the anchor too)", { keyUsage: null }, {}, {}, "MALFORMED_CERTIFICATE"],
    ];
    for (const [row, rootSpec, intSpec, leafSpec, code] of ROWS) {
      it(`${row}: ${code ?? "trusted"}, as OpenSSL says`, async () => {
        const v = await agree(await chain(rootSpec, intSpec, leafSpec));
        expect(v.errors).to.deep.equal(code ? [code] : []);
      });
    }

    it("says which client family rejects it", async () => {
      const anyEku = judge(await chain({}, {}, { extKeyUsage: [EKU.anyExtendedKeyUsage] }));
      expect(anyEku.text).to.include("OpenSSL-based clients (OpenSSL's default, Node, Python").and.include("Go and Java accept anyExtendedKeyUsage");
      const netscape = judge(await chain({}, {}, { extraExtensions: [nsCertType(0x80)] }));
      expect(netscape.text).to.include("nsCertType: sslClient").and.include("Go ignores the extension");
      const noKu = judge(await chain({}, { keyUsage: null }, {}));
      expect(noKu.text).to.include("CA certificate without keyUsage").and.include("Python >= 3.13");
    });
  });

  describe("names: issuer and subject compared as RFC 5280 §7.1 and OpenSSL do", () => {
    const O = "2.5.4.10";
    const CN = "2.5.4.3";
    const utf16be = (s: string) => Buffer.from(s, "utf16le").swap16();
    /** The root's subject as encoded: O and CN as PrintableString. */
    const rootSubject = nameDer([[{ oid: O, tag: STRING_TAG.printable, value: "Chaincheck" }], [{ oid: CN, tag: STRING_TAG.printable, value: "Strict Test Root" }]]);
    const name = (o: NameAttribute, cn: NameAttribute) => nameDer([[o], [cn]]);
    const p = (oid: string, value: string, tag: number = STRING_TAG.printable): NameAttribute => ({ oid, tag, value });

    /** [row, the intermediate's issuer Name, accepted, the issuer names are byte-identical]. */
    const ROWS: [string, Uint8Array, boolean, boolean][] = [
      ["byte-identical", rootSubject, true, true],
      ["other letter case", name(p(O, "CHAINCHECK"), p(CN, "strict TEST root")), true, false],
      ["leading, trailing and doubled white space", name(p(O, "  Chaincheck "), p(CN, "Strict \t Test  Root")), true, false],
      ["UTF8String instead of PrintableString", name(p(O, "Chaincheck", STRING_TAG.utf8), p(CN, "Strict Test Root", STRING_TAG.utf8)), true, false],
      ["BMPString and IA5String", name({ oid: O, tag: STRING_TAG.bmp, value: utf16be("Chaincheck") }, p(CN, "Strict Test Root", STRING_TAG.ia5)), true, false],
      ["TeletexString, case and spacing at once", name(p(O, "chaincheck", STRING_TAG.teletex), p(CN, " STRICT test   root", STRING_TAG.utf8)), true, false],
      ["a real mismatch (one letter more)", name(p(O, "Chaincheck"), p(CN, "Strict Test Rooot")), false, false],
      ["the same attributes in another RDN order", nameDer([[p(CN, "Strict Test Root")], [p(O, "Chaincheck")]]), false, false],
      ["NumericString (compared as encoded)", name(p(O, "Chaincheck", 0x12), p(CN, "Strict Test Root")), false, false],
    ];

    async function renamedChain(intIssuer: Uint8Array, leafIssuer?: Uint8Array, rootName = rootSubject): Promise<Chain> {
      const c = await chain();
      const root = read(patchNames(c.root.der, { subject: rootName, issuer: rootName }, KEYS.root).der);
      const int = read(patchNames(c.int.der, { issuer: intIssuer }, KEYS.root).der);
      const leaf = leafIssuer ? read(patchNames(c.leaf.der, { issuer: leafIssuer }, KEYS.int).der) : c.leaf;
      return { root, int, leaf };
    }

    for (const [row, issuer, accepted, exact] of ROWS) {
      it(`intermediate's issuer name ${row}: ${accepted ? "accepted" : "ISSUER_NOT_FOUND"}, as OpenSSL says (trust store lookup)`, async () => {
        const v = await agree(await renamedChain(issuer));
        expect(v.trusted).to.equal(accepted);
        if (!accepted) expect(v.errors).to.include("ISSUER_NOT_FOUND");
        expect(v.warnings.includes("ISSUER_NAME_NOT_EXACT")).to.equal(accepted && !exact);
      });
    }

    it("non-ASCII letters are not case-folded (OpenSSL folds ASCII only): ISSUER_NOT_FOUND, as OpenSSL says", async () => {
      const rootName = name(p(O, "Chaincheck"), p(CN, "Strict Test R\u00f6ot", STRING_TAG.utf8));
      const v = await agree(await renamedChain(name(p(O, "CHAINCHECK"), p(CN, "STRICT TEST R\u00d6OT", STRING_TAG.utf8)), undefined, rootName));
      expect(v.errors).to.include("ISSUER_NOT_FOUND");
      expect((await agree(await renamedChain(name(p(O, "CHAINCHECK"), p(CN, "STRICT TEST R\u00f6OT", STRING_TAG.utf8)), undefined, rootName))).trusted).to.equal(true);
    });

    it("links presented certificates by the normalised name too (the path builder's pool)", async () => {
      const leafIssuer = name(p(O, "CHAINCHECK", STRING_TAG.utf8), p(CN, "strict  test intermediate"));
      const v = await agree(await renamedChain(rootSubject, leafIssuer));
      expect(v).to.include({ trusted: true });
      expect(v.warnings).to.deep.equal(["ISSUER_NAME_NOT_EXACT"]);
    });

    it("a self-signed root whose issuer differs from its subject only in case is self-issued (a strict-model anchor)", async () => {
      const c = await chain();
      const root = read(patchNames(c.root.der, { subject: rootSubject, issuer: name(p(O, "chaincheck"), p(CN, "STRICT TEST ROOT")) }, KEYS.root).der);
      expect(root.selfSigned).to.equal(true);
      expect((await agree({ ...c, root, int: read(patchNames(c.int.der, { issuer: rootSubject }, KEYS.root).der) })).trusted).to.equal(true);
    });

    it("the advisor's what-if finds a held intermediate by the normalised name (withAnchors)", async () => {
      const c = await chain();
      const leaf = read(patchNames(c.leaf.der, { issuer: name(p(O, "chaincheck"), p(CN, "STRICT TEST INTERMEDIATE")) }, KEYS.int).der);
      const result = reportResult(checkChain({
        target: "t", service: null, presented: [leaf], anchors: anchorsOf([c.root]), host: HOST, at, partialChain: false, warnDays: 0,
        heldIntermediates: [c.int], targetOs: "debian",
      }));
      expect(result.trusted).to.equal(false);
      expect(result.remediation.install.map((i) => i.sha256)).to.deep.equal([c.int.sha256]);
      expect(result.remediation.verifiedAfterInstall).to.equal(true);
    });

    describe("directoryName constraints use the same comparison", () => {
      /** NameConstraints with one directoryName subtree, permitted ([0]) or excluded ([1]). */
      const directoryConstraint = (subtree: Uint8Array, excluded: boolean) => ({
        oid: "2.5.29.30", critical: true, valueDer: tlv(0x30, tlv(excluded ? 0xa1 : 0xa0, tlv(0x30, tlv(0xa4, subtree)))),
      });
      const subtree = nameDer([[p(O, "CHAINCHECK")]]);
      const leafSubject = nameDer([[p(O, "chaincheck", STRING_TAG.utf8)], [p(CN, HOST)]]);
      const constrained = async (excluded: boolean): Promise<Chain> => {
        const c = await chain({ extraExtensions: [directoryConstraint(subtree, excluded)] });
        return { ...c, leaf: read(patchNames(c.leaf.der, { subject: leafSubject }, KEYS.int).der) };
      };
      it("permitted O=CHAINCHECK (PrintableString) permits O=chaincheck (UTF8String), as OpenSSL says", async () => {
        expect((await agree(await constrained(false))).trusted).to.equal(true);
      });
      it("excluded O=CHAINCHECK excludes O=chaincheck (NAME_CONSTRAINTS_VIOLATION), as OpenSSL says", async () => {
        expect((await agree(await constrained(true))).errors).to.deep.equal(["NAME_CONSTRAINTS_VIOLATION"]);
      });
    });
  });

  describe("weak crypto: exactly OpenSSL's security level 2", () => {
    /** Leaves made by the openssl command line (curves and sizes the project's issuer does not make), under a P-256 root. */
    const leafWith = (keyArgs: string[], digest = "sha256"): Chain => {
      const run = (...args: string[]) => execFileSync("/usr/bin/openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
      writeFileSync(join(dir, "root.key"), KEYS.root.privateKeyPem);
      writeFileSync(join(dir, "leaf.ext"), `subjectAltName=DNS:${HOST}\nauthorityKeyIdentifier=keyid\nextendedKeyUsage=serverAuth\n`);
      run("req", "-new", "-x509", "-key", "root.key", "-subj", "/CN=Level Root", "-days", "3650", "-set_serial", "1",
        "-addext", "basicConstraints=critical,CA:true", "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-out", "root.pem");
      run("req", "-new", "-nodes", ...keyArgs, "-keyout", "leaf.key", "-subj", `/CN=${HOST}`, "-out", "leaf.csr");
      run("x509", "-req", `-${digest}`, "-in", "leaf.csr", "-CA", "root.pem", "-CAkey", "root.key", "-set_serial", "2", "-days", "3650", "-extfile", "leaf.ext", "-out", "leaf.pem");
      const der = (f: string) => new Uint8Array(Buffer.from(readFileSync(join(dir, f), "utf8").replace(/-----[^-]+-----/g, "").replace(/\s+/g, ""), "base64"));
      const root = read(der("root.pem"));
      return { root, int: root, leaf: read(der("leaf.pem")) };
    };
    /** [row, openssl key arguments, digest, WEAK_KEY / WEAK_SIGNATURE_ALGORITHM expected]. */
    const ROWS: [string, string[], string, string | null][] = [
      ["EC P-224 (112 bits of security)", ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-224"], "sha256", null],
      ["EC P-192", ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-192"], "sha256", "WEAK_KEY"],
      ["RSA 2048", ["-newkey", "rsa:2048"], "sha256", null],
      ["RSA 1536", ["-newkey", "rsa:1536"], "sha256", "WEAK_KEY"],
      ["a SHA-1 signature", ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"], "sha1", "WEAK_SIGNATURE_ALGORITHM"],
      ["a SHA-224 signature", ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"], "sha224", null],
    ];
    for (const [row, keyArgs, digest, code] of ROWS) {
      it(`${row}: ${code ?? "accepted"}, as OpenSSL says`, async () => {
        const c = leafWith(keyArgs, digest);
        const now = new Date(Date.now() + 60_000); // the certificates were made just now
        const v = validateChain([c.leaf], anchorsOf([c.root]), { host: HOST, at: now, partialChain: false, warnDays: 0 });
        const openssl = await opensslVerify({ trust: [c.root], presented: [c.leaf], at: now, host: HOST }, dir);
        expect(v.trusted, openssl.output).to.equal(openssl.ok);
        expect(v.findings.filter((f) => f.severity === "error").map((f) => f.code)).to.deep.equal(code ? [code] : []);
      });
    }
  });
});

describe("strict model: key and signature strength rules (unit table)", () => {
  const cert = (publicKey: Certificate["publicKey"], signatureAlgorithm: Certificate["signatureAlgorithm"] = { oid: "1.2.840.10045.4.3.2", name: "ecdsa-with-SHA256", hash: "sha256" }) =>
    ({ subject: "CN=t", sha256: "00".repeat(32), publicKey, signatureAlgorithm }) as Certificate;
  const KEYS_ROWS: [Certificate["publicKey"], string | null][] = [
    [{ type: "rsa", bits: 2047 }, "security-level"], [{ type: "rsa", bits: 2048 }, null], [{ type: "rsa-pss", bits: 1024 }, "security-level"],
    [{ type: "ec", bits: 192, curve: "P-192" }, "security-level"], [{ type: "ec", bits: 224, curve: "P-224" }, null], [{ type: "ec", bits: 256, curve: "P-256" }, null],
    [{ type: "dsa", bits: 1024 }, "security-level"], [{ type: "dsa", bits: 2048 }, "dsa"], [{ type: "dsa" }, "dsa"],
    [{ type: "ed25519", bits: 256 }, null], [{ type: "ed448", bits: 456 }, null],
  ];
  for (const [key, rule] of KEYS_ROWS) {
    it(`${key.type} ${key.bits ?? "?"} bits: ${rule ?? "accepted"}`, () => {
      const f = checkKeyStrength(cert(key));
      expect(f.map((x) => x.code)).to.deep.equal(rule ? ["WEAK_KEY"] : []);
      if (rule === "security-level") expect(reportFinding(f[0]!).message).to.include("RSA and DSA keys of at least 2048 bits and EC keys of at least 224 bits");
      if (rule === "dsa") expect(reportFinding(f[0]!).message).to.include("do not support DSA");
    });
  }
  const SIG_ROWS: [Certificate["signatureAlgorithm"], boolean][] = [
    [{ oid: "1.2.840.113549.1.1.4", name: "md5WithRSAEncryption", hash: "md5" }, true],
    [{ oid: "1.2.840.113549.1.1.5", name: "sha1WithRSAEncryption", hash: "sha1" }, true],
    [{ oid: "1.2.840.10045.4.1", name: "ecdsa-with-SHA1", hash: "sha1" }, true],
    // RSASSA-PSS with absent parameters: the defaults are SHA-1 (RFC 4055 §3.1).
    [{ oid: "1.2.840.113549.1.1.10", name: "RSASSA-PSS", parametersDer: "3000" }, true],
    [{ oid: "1.2.840.10045.4.3.1", name: "ecdsa-with-SHA224", hash: "sha224" }, false],
    [{ oid: "1.3.101.112", name: "Ed25519" }, false],
  ];
  for (const [algorithm, weak] of SIG_ROWS) {
    it(`${algorithm.name}${algorithm.parametersDer ? " (default parameters)" : ""}: ${weak ? "WEAK_SIGNATURE_ALGORITHM" : "accepted"}`, () => {
      const f = checkSignatureStrength(cert({ type: "ec", bits: 256 }, algorithm));
      expect(f.map((x) => x.code)).to.deep.equal(weak ? ["WEAK_SIGNATURE_ALGORITHM"] : []);
      if (weak) expect(reportFinding(f[0]!).message).to.include("security level 2");
    });
  }
});

describe("what a certificate tells on its own when its issuer is missing", function () {
  this.timeout(30_000);
  it("a leaf alone whose issuer is missing: SHA-1, no authorityKeyIdentifier and a client-only EKU are all reported", async () => {
    const c = await chain({}, {}, { hash: "SHA-1", authorityKeyId: false, extKeyUsage: [EKU.clientAuth] });
    const v = validateChain([c.leaf], anchorsOf([c.root]), { host: HOST, at, partialChain: false, warnDays: 0 });
    const codes = v.findings.map((f) => `${f.code}/${f.certificate === c.leaf.sha256 ? "leaf" : "?"}`);
    expect(codes).to.include.members(["ISSUER_NOT_FOUND/leaf", "WEAK_SIGNATURE_ALGORITHM/leaf", "MALFORMED_CERTIFICATE/leaf", "EKU_NOT_SERVER_AUTH/leaf"]);
  });
  it("an intermediate whose own issuer is missing: its SHA-1 signature is reported beside ISSUER_NOT_FOUND", async () => {
    const c = await chain({}, { hash: "SHA-1" });
    const v = validateChain([c.leaf, c.int], anchorsOf([]), { host: HOST, at, partialChain: false, warnDays: 0 });
    const on = (code: string) => v.findings.filter((f) => f.code === code).map((f) => f.certificate);
    expect(on("ISSUER_NOT_FOUND")).to.deep.equal([c.int.sha256]);
    expect(on("WEAK_SIGNATURE_ALGORITHM")).to.deep.equal([c.int.sha256]);
  });
  it("a certificate the store would end is not judged as issued: a trusted root's own SHA-1 signature is fine", async () => {
    const c = await chain({ hash: "SHA-1" });
    expect(judge(c).trusted).to.equal(true);
  });
});

describe("strict model through `chaincheck verify` (text and JSON, --at pinned)", () => {
  const scenario = (name: string, ...extra: string[]) => {
    const dir = join(SCENARIOS_DIR, name);
    const args = ["verify", join(dir, "presented.pem"), "--ca-file", join(dir, "trust.pem"), "--at", "2030-01-01T00:00:00Z", "--host", "tabpy.chaincheck.test", "--no-color", ...extra];
    return { text: runCli(args), json: runCli([...args, "--format", "json"]) };
  };
  const parsed = async (run: ReturnType<typeof scenario>) => {
    const [text, json] = await Promise.all([run.text, run.json]);
    const result = (JSON.parse(json.stdout) as { results: { trusted: boolean; status: string; headline: string | null; findings: { code: string; severity: string; message: string }[] }[] }).results[0]!;
    return { text, json, result };
  };

  it("an anyExtendedKeyUsage-only leaf fails with EKU_NOT_SERVER_AUTH naming the OpenSSL-based clients (exit 1)", async () => {
    const { text, json, result } = await parsed(scenario("leaf-any-eku-only"));
    expect([text.code, json.code, result.headline]).to.deep.equal([1, 1, "EKU_NOT_SERVER_AUTH"]);
    expect(text.stdout).to.include("OpenSSL-based clients");
  });
  it("an intermediate without keyUsage fails as X509_STRICT (Python >= 3.13) makes it (exit 1)", async () => {
    const { text, result } = await parsed(scenario("intermediate-no-key-usage"));
    expect([text.code, result.headline]).to.deep.equal([1, "MALFORMED_CERTIFICATE"]);
    expect(result.findings[0]!.message).to.include("CA certificate without keyUsage");
  });
  it("a weak key's message states security level 2's rule (EC >= 224 bits)", async () => {
    const { text, result } = await parsed(scenario("weak-rsa1024"));
    expect(text.stdout).to.include("EC keys of at least 224 bits").and.not.include("256 bits");
    expect(result.headline).to.equal("WEAK_KEY");
  });
  it("a critical subjectAltName beside a subject is a warning: trusted, status warn, exit 0", async () => {
    const { text, json, result } = await parsed(scenario("critical-san-with-subject"));
    expect([text.code, json.code, result.trusted, result.status]).to.deep.equal([0, 0, true, "warn"]);
    expect(result.findings.map((f) => `${f.code}/${f.severity}`)).to.deep.equal(["CRITICAL_SUBJECT_ALT_NAME/warning"]);
    expect(text.stdout).to.include("CRITICAL_SUBJECT_ALT_NAME");
  });
  it("an issuer name that matches only once normalised is trusted, with the Go/rustls warning (exit 0)", async () => {
    const { text, result } = await parsed(scenario("issuer-name-normalised"));
    expect([text.code, result.trusted, result.status]).to.deep.equal([0, true, "warn"]);
    expect(result.findings.map((f) => f.code)).to.deep.equal(["ISSUER_NAME_NOT_EXACT"]);
    expect(result.findings[0]!.message).to.include("Go and rustls compare the encoded names byte for byte");
    expect(text.stdout).to.include("ISSUER_NAME_NOT_EXACT");
  });
  it("a leaf-only SHA-1 chain reports WEAK_SIGNATURE_ALGORITHM beside ISSUER_NOT_FOUND", async () => {
    const { text, result } = await parsed(scenario("leaf-only-sha1-missing-intermediate"));
    expect(result.findings.map((f) => f.code)).to.include.members(["WEAK_SIGNATURE_ALGORITHM", "ISSUER_NOT_FOUND"]);
    expect(text.stdout).to.include("WEAK_SIGNATURE_ALGORITHM").and.include("ISSUER_NOT_FOUND");
  });
});
