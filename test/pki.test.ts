import { expect } from "chai";
import { createPrivateKey, X509Certificate } from "node:crypto";
import { execFileSync } from "node:child_process";
import type * as X509 from "@peculiar/x509";
import { ipBytes } from "../src/cert/ip.js";
import { cidrBytes, nameConstraintsDer } from "../src/pki/name-constraints.js";
import { EKU, generateKey, issueCertificate, keyFromPem, keyIdentifier } from "../src/pki/issue.js";
import type { IssueSpec, KeyKind, KeyPairPem } from "../src/pki/issue.js";

const FROM = new Date("2025-01-01T00:00:00Z");
const TO = new Date("2049-12-31T23:59:59Z");
const ROOT = "CN=PKI Test Root, O=chaincheck";

/** @peculiar/x509 as an independent reader of what node:crypto does not expose (criticality, pathLen, bits). */
async function peculiar(): Promise<typeof X509> {
  await import("reflect-metadata");
  return import("@peculiar/x509");
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");

describe("src/pki", function () {
  this.timeout(20_000);
  const keys = new Map<KeyKind, KeyPairPem>();
  const key = (kind: KeyKind): KeyPairPem => keys.get(kind)!;
  const rootSpec = (): IssueSpec => ({ subject: ROOT, key: key("rsa2048"), serial: "01", notBefore: FROM, notAfter: TO, ca: true });
  const leafSpec = (over: Partial<IssueSpec> = {}): IssueSpec => ({
    subject: "CN=pki.chaincheck.test", key: key("p256"), issuer: { subject: ROOT, key: key("rsa2048") }, serial: "1001",
    notBefore: FROM, notAfter: TO, ca: false, dnsNames: ["pki.chaincheck.test"], ...over,
  });

  before(async () => {
    for (const kind of ["rsa2048", "rsa1024", "p256", "p384", "ed25519"] as const) keys.set(kind, await generateKey(kind));
  });

  describe("keys", () => {
    it("generates every kind as PKCS#8 and recognises it again", async () => {
      const expected: Record<KeyKind, [string, object]> = {
        rsa1024: ["rsa", { modulusLength: 1024 }], rsa2048: ["rsa", { modulusLength: 2048 }],
        rsa3072: ["rsa", { modulusLength: 3072 }], p256: ["ec", { namedCurve: "prime256v1" }],
        p384: ["ec", { namedCurve: "secp384r1" }], p521: ["ec", { namedCurve: "secp521r1" }], ed25519: ["ed25519", {}],
      };
      for (const [kind, [type, details]] of Object.entries(expected) as [KeyKind, [string, object]][]) {
        const pair = keys.get(kind) ?? (await generateKey(kind));
        expect(pair.privateKeyPem).to.match(/^-----BEGIN PRIVATE KEY-----/);
        const parsed = createPrivateKey(pair.privateKeyPem);
        expect(parsed.asymmetricKeyType, kind).to.equal(type);
        expect(parsed.asymmetricKeyDetails, kind).to.include(details);
        expect(keyFromPem(pair.privateKeyPem).kind).to.equal(kind);
      }
    });

    it("computes the RFC 5280 method-1 key identifier", async () => {
      const x509 = await peculiar();
      for (const kind of ["rsa2048", "p256", "ed25519"] as const) {
        const cert = new x509.X509Certificate((await issueCertificate({ ...rootSpec(), key: key(kind) })).der);
        const expected = hex(new Uint8Array(await cert.publicKey.getKeyIdentifier()));
        expect(keyIdentifier(key(kind)), kind).to.equal(expected);
      }
    });
  });

  describe("issueCertificate", () => {
    it("issues a self-signed CA that verifies with its own key", async () => {
      const { der, pem } = await issueCertificate(rootSpec());
      const cert = new X509Certificate(der);
      expect(pem).to.equal(cert.toString());
      expect(cert.ca).to.equal(true);
      expect(cert.verify(cert.publicKey)).to.equal(true);
      expect(cert.checkIssued(cert)).to.equal(true);
      expect(cert.serialNumber).to.equal("01");
      expect(new Date(cert.validFrom).toISOString()).to.equal(FROM.toISOString());
      expect(new Date(cert.validTo).toISOString()).to.equal("2049-12-31T23:59:59.000Z");
      // RFC 4514 string, most specific first; DER (and node's display) holds O before CN.
      expect(cert.subject).to.equal("O=chaincheck\nCN=PKI Test Root");
      expect(cert.keyUsage).to.equal(undefined, "a CA gets no EKU by default");
    });

    it("issues a leaf under the root with SAN, default key usage and serverAuth", async () => {
      const root = new X509Certificate((await issueCertificate(rootSpec())).der);
      const leaf = new X509Certificate(
        (await issueCertificate(leafSpec({ ipAddresses: ["127.0.0.1", "::1"] }))).der,
      );
      expect(leaf.ca).to.equal(false);
      expect(leaf.verify(root.publicKey)).to.equal(true);
      expect(leaf.checkIssued(root)).to.equal(true);
      expect(leaf.issuer).to.equal(root.subject);
      expect(leaf.subjectAltName).to.equal("DNS:pki.chaincheck.test, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1");
      expect(leaf.keyUsage).to.deep.equal([EKU.serverAuth]); // node's keyUsage is the EKU list
      const x509 = await peculiar();
      const p = new x509.X509Certificate(leaf.raw);
      expect(p.getExtension(x509.KeyUsagesExtension)?.usages).to.equal(x509.KeyUsageFlags.digitalSignature);
      expect(p.getExtension(x509.KeyUsagesExtension)?.critical).to.equal(true);
      expect(p.getExtension(x509.BasicConstraintsExtension)?.critical).to.equal(true);
      const aki = p.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId;
      expect(aki).to.equal(keyIdentifier(key("rsa2048")));
      expect(p.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId).to.equal(keyIdentifier(key("p256")));
    });

    it("gives RSA leaves keyEncipherment too", async () => {
      const x509 = await peculiar();
      const p = new x509.X509Certificate((await issueCertificate(leafSpec({ key: key("rsa2048") }))).der);
      const { digitalSignature, keyEncipherment } = x509.KeyUsageFlags;
      expect(p.getExtension(x509.KeyUsagesExtension)?.usages).to.equal(digitalSignature | keyEncipherment);
    });

    it("writes basicConstraints, key usage and EKU exactly as asked, or not at all", async () => {
      const x509 = await peculiar();
      const read = async (over: Partial<IssueSpec>) => new x509.X509Certificate((await issueCertificate(leafSpec(over))).der);
      const ca = await read({ ca: true, pathLen: 2, keyUsage: ["keyCertSign"], extKeyUsage: [EKU.clientAuth] });
      expect(ca.getExtension(x509.BasicConstraintsExtension)).to.include({ ca: true, pathLength: 2 });
      expect(ca.getExtension(x509.KeyUsagesExtension)?.usages).to.equal(x509.KeyUsageFlags.keyCertSign);
      expect(ca.getExtension(x509.ExtendedKeyUsageExtension)?.usages).to.deep.equal([EKU.clientAuth]);
      const bare = await read({ ca: undefined, keyUsage: null, extKeyUsage: null, dnsNames: [], subjectKeyId: false,
        authorityKeyId: false });
      expect(bare.extensions.map((e) => e.type)).to.deep.equal([]);
      const forced = await read({ authorityKeyId: "0102030405" });
      expect(forced.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId).to.equal("0102030405");
    });

    it("writes nameConstraints, AIA and raw extra extensions", async () => {
      const x509 = await peculiar();
      const cert = new x509.X509Certificate((await issueCertificate(leafSpec({
        ca: true, nameConstraints: { permittedDns: ["chaincheck.test"], excludedIp: ["10.0.0.0/8"] },
        caIssuersUrl: "http://ca.chaincheck.test/int.crt",
        extraExtensions: [{ oid: "1.3.6.1.4.1.32473.1.1", critical: true, valueDer: Uint8Array.of(5, 0) }],
      }))).der);
      const nc = cert.getExtension("2.5.29.30");
      expect(nc?.critical).to.equal(true);
      expect(hex(new Uint8Array(nc!.value))).to.equal(
        "3023a0133011820f" + Buffer.from("chaincheck.test").toString("hex") + "a10c300a87080a000000ff000000",
      );
      expect(new X509Certificate(Buffer.from(cert.rawData)).infoAccess).to.contain("CA Issuers - URI:http://ca.chaincheck.test/int.crt");
      const extra = cert.getExtension("1.3.6.1.4.1.32473.1.1");
      expect(extra?.critical).to.equal(true);
      expect(hex(new Uint8Array(extra!.value))).to.equal("0500");
    });

    it("signs with the requested algorithm", async () => {
      const x509 = await peculiar();
      const sigOid = async (over: Partial<IssueSpec>) =>
        new x509.X509Certificate((await issueCertificate(leafSpec(over))).der).signatureAlgorithm;
      const cases: [Partial<IssueSpec>, string | RegExp][] = [
        [{}, /SHA-256/],
        [{ hash: "SHA-1" }, /SHA-1/],
        [{ rsaPss: true }, /RSA-PSS/],
      ];
      for (const [over, expected] of cases) expect(JSON.stringify(await sigOid(over))).to.match(expected as RegExp);
      const ec = new X509Certificate((await issueCertificate(leafSpec({ issuer: { subject: ROOT, key: key("p384") } }))).der);
      const ecAlg = new x509.X509Certificate(ec.raw).signatureAlgorithm as { name: string; hash?: { name: string } };
      expect(ecAlg.name).to.equal("ECDSA");
      expect(ecAlg.hash?.name).to.equal("SHA-384", "ECDSA defaults to the curve's digest");
      const ed = await issueCertificate({ ...rootSpec(), key: key("ed25519") });
      const edCert = new X509Certificate(ed.der);
      expect(edCert.publicKey.asymmetricKeyType).to.equal("ed25519");
      expect(edCert.verify(edCert.publicKey)).to.equal(true);
    });

    it("produces a bad signature when signed with another key than the issuer's", async () => {
      const root = new X509Certificate((await issueCertificate(rootSpec())).der);
      const forged = new X509Certificate((await issueCertificate(leafSpec({
        issuer: { subject: ROOT, key: key("rsa1024") }, authorityKeyId: keyIdentifier(key("rsa2048")),
      }))).der);
      expect(forged.checkIssued(root)).to.equal(true, "names and key identifiers still match");
      expect(forged.verify(root.publicKey)).to.equal(false);
    });

    it("is deterministic for RSA PKCS#1 v1.5 and Ed25519", async () => {
      for (const issuerKey of [key("rsa2048"), key("ed25519")]) {
        const spec = leafSpec({ issuer: { subject: ROOT, key: issuerKey } });
        expect(hex((await issueCertificate(spec)).der)).to.equal(hex((await issueCertificate(spec)).der));
      }
    });

    it("refuses zero or malformed serials", async () => {
      for (const serial of ["0", "00", "xyz", ""]) {
        let error: unknown;
        await issueCertificate({ ...rootSpec(), serial }).catch((e: unknown) => (error = e));
        expect(error, serial).to.be.instanceOf(Error);
      }
    });

    it("loads @peculiar/x509 and reflect-metadata only when a certificate is issued", () => {
      const issueUrl = new URL("../src/pki/issue.js", import.meta.url).href;
      const script = `
        import { createRequire } from "node:module";
        const cache = createRequire(import.meta.url).cache;
        const loaded = () => Object.keys(cache).some((k) => /@peculiar|reflect-metadata/.test(k));
        const pki = await import(${JSON.stringify(issueUrl)});
        const before = loaded();
        const key = await pki.generateKey("ed25519");
        await pki.issueCertificate({ subject: "CN=a", key, serial: "01", notBefore: new Date(), notAfter: new Date() });
        console.log(JSON.stringify({ before, after: loaded() }));`;
      const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { timeout: 15_000 });
      expect(JSON.parse(out.toString())).to.deep.equal({ before: false, after: true });
    });
  });

  describe("DER helpers", () => {
    it("encodes IP addresses and CIDR ranges as address + mask", () => {
      expect(hex(ipBytes("127.0.0.1"))).to.equal("7f000001");
      expect(hex(ipBytes("::1"))).to.equal("00000000000000000000000000000001");
      expect(hex(ipBytes("2001:db8::8:800:200c:417a"))).to.equal("20010db80000000000080800200c417a");
      expect(hex(ipBytes("::ffff:10.0.0.1"))).to.equal("00000000000000000000ffff0a000001");
      expect(hex(cidrBytes("10.1.2.3/8"))).to.equal("0a000000ff000000");
      expect(hex(cidrBytes("fd00::/8"))).to.equal(`fd${"0".repeat(30)}ff${"0".repeat(30)}`);
      expect(hex(cidrBytes("192.168.1.7"))).to.equal("c0a80107ffffffff");
      expect(() => cidrBytes("10.0.0.0/33")).to.throw();
      expect(() => ipBytes("example.test")).to.throw();
    });

    it("refuses empty name constraints", () => {
      expect(() => nameConstraintsDer({})).to.throw();
    });
  });
});
