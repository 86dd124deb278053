/**
 * The certificate-profile rules the validator enforces (issue 6, x509-limbo): RFC 5280 rules OpenSSL
 * applies in strict mode and pyca/cryptography applies, the CA/B Forum rules for server
 * certificates, name-constraint corner cases and the comparison budget. Each rule on a certificate
 * issued at run time, next to the clean control that must stay trusted.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseCertificate } from "../src/cert/parse.js";
import { tlv } from "../src/asn1/der.js";
import { issueCertificate, keyFromPem, type IssueSpec, type KeyPairPem } from "../src/pki/issue.js";
import { validateChain } from "../src/index.js";
import { FIXTURES, anchorsOf } from "./support/scenarios.js";

const key = (name: string): KeyPairPem => keyFromPem(readFileSync(join(FIXTURES, "keys", `${name}.key.pem`), "utf8"));
const notBefore = new Date("2025-01-01T00:00:00Z");
const notAfter = new Date("2030-01-01T00:00:00Z");
const at = new Date("2027-01-01T00:00:00Z");
const ROOT = { subject: "CN=Profile Test Root, O=chaincheck", key: key("p256-root") };
const HOST = "tabpy.profile.test";

type Spec = Partial<IssueSpec>;
const issue = async (spec: IssueSpec) => parseCertificate((await issueCertificate(spec)).der);
const root = (spec: Spec = {}) => issue({ ...ROOT, serial: "01", notBefore, notAfter, ca: true, ...spec });
const leaf = (spec: Spec = {}) =>
  issue({ subject: `CN=${HOST}`, key: key("p256-leaf"), issuer: ROOT, serial: "02", notBefore, notAfter, dnsNames: [HOST], ...spec });

async function verdict(leafSpec: Spec = {}, rootSpec: Spec = {}, when = at) {
  const r = await root(rootSpec);
  const v = validateChain([await leaf(leafSpec)], anchorsOf([r]), { host: HOST, at: when, partialChain: false, warnDays: 0 });
  const errors = v.findings.filter((f) => f.severity === "error");
  const warnings = v.findings.filter((f) => f.severity === "warning").map((f) => f.code);
  return { trusted: v.trusted, codes: [...new Set(errors.map((f) => f.code))], warnings, text: errors.map((f) => f.message).join("\n") };
}

describe("validator: certificate profile rules (RFC 5280, CA/B Forum BR)", function () {
  this.timeout(30_000);

  it("trusts the clean control chain", async () => {
    expect(await verdict()).to.include({ trusted: true });
  });

  it("rejects a leaf without authorityKeyIdentifier (RFC 5280 §4.2.1.1)", async () => {
    const v = await verdict({ authorityKeyId: false });
    expect(v.codes).to.deep.equal(["MALFORMED_CERTIFICATE"]);
    expect(v.text).to.include("no authorityKeyIdentifier");
  });

  it("rejects a CA without subjectKeyIdentifier (RFC 5280 §4.2.1.2)", async () => {
    const v = await verdict({}, { subjectKeyId: false });
    expect(v.text).to.include("CA certificate without subjectKeyIdentifier");
  });

  it("rejects a critical authorityKeyIdentifier; judges a trust anchor the same whether or not it has an AKI", async () => {
    const aki = (critical: boolean) => ({ oid: "2.5.29.35", critical, valueDer: tlv(0x30, tlv(0x80, Buffer.from("00112233", "hex"))) });
    expect((await verdict({ authorityKeyId: false, extraExtensions: [aki(true)] })).text).to.include("authorityKeyIdentifier is critical");
    // An anchor's AKI without keyIdentifier is not judged, as an anchor without AKI is not (OpenSSL exempts the last certificate).
    const noKeyId = { oid: "2.5.29.35", critical: false, valueDer: tlv(0x30, tlv(0x82, Buffer.from("01", "hex"))) };
    expect(await verdict({}, { authorityKeyId: false, extraExtensions: [noKeyId] })).to.include({ trusted: true });
    expect(await verdict({}, { authorityKeyId: false })).to.include({ trusted: true });
    // Key identifiers that contradict still make a self-issued certificate no strict-model anchor (OpenSSL: not self-signed).
    const contradicting = await verdict({}, { authorityKeyId: "0011223344" });
    expect(contradicting.codes).to.deep.equal(["PARTIAL_CHAIN_ANCHOR"]);
    expect(contradicting.text).to.not.include("MALFORMED");
  });

  it("rejects server certificates with keyCertSign but no cA, or with name constraints", async () => {
    expect((await verdict({ keyUsage: ["digitalSignature", "keyCertSign"] })).text).to.include("keyCertSign key usage without basicConstraints cA");
    expect((await verdict({ nameConstraints: { permittedDns: ["profile.test"] } })).text).to.include("nameConstraints in a certificate that is not a CA");
  });

  it("rejects a CA-issued leaf claiming cA=TRUE without keyCertSign, but trusts such a self-signed leaf installed as the anchor", async () => {
    expect((await verdict({ ca: true, keyUsage: ["digitalSignature"] })).text).to.include("cA=TRUE but keyUsage lacks keyCertSign");
    const selfSigned = await issue({ subject: `CN=${HOST}`, key: key("p256-leaf"), serial: "03", notBefore, notAfter, ca: true, keyUsage: ["digitalSignature"], dnsNames: [HOST] });
    const v = validateChain([selfSigned], anchorsOf([selfSigned]), { host: HOST, at, partialChain: false, warnDays: 0 });
    expect(v.trusted).to.equal(true);
  });

  it("warns about a critical subjectAltName beside a non-empty subject (CA/B Forum BR 7.1.2.7.12; no TLS client rejects it)", async () => {
    const san = { oid: "2.5.29.17", critical: true, valueDer: tlv(0x30, tlv(0x82, Buffer.from(HOST))) };
    const v = await verdict({ dnsNames: [], extraExtensions: [san] });
    expect(v).to.include({ trusted: true });
    expect(v.warnings).to.deep.equal(["CRITICAL_SUBJECT_ALT_NAME"]);
    expect((await verdict()).warnings).to.deep.equal([]);
  });

  it("rejects a dNSName outside the preferred name syntax (underscore, leading period)", async () => {
    const v = await verdict({ dnsNames: [HOST, "tabpy_prod.profile.test", ".profile.test"] });
    expect(v.codes).to.deep.equal(["MALFORMED_CERTIFICATE"]);
    expect(v.text).to.include('"tabpy_prod.profile.test", ".profile.test" not in the preferred name syntax');
  });

  it("reads a permitted DNS constraint with a leading period as permitting nothing, an excluded one as excluding subdomains", async () => {
    const permitted = await verdict({}, { nameConstraints: { permittedDns: [".profile.test"] } });
    expect(permitted.codes).to.deep.equal(["NAME_CONSTRAINTS_VIOLATION"]);
    expect(permitted.text).to.include("which is not a DNS name");
    expect((await verdict({}, { nameConstraints: { excludedDns: [".profile.test"] } })).codes).to.deep.equal(["NAME_CONSTRAINTS_VIOLATION"]);
    expect(await verdict({}, { nameConstraints: { permittedDns: ["profile.test"] } })).to.include({ trusted: true });
  });

  it("refuses a quadratic name-constraint check instead of doing it (PATH_BUDGET_EXCEEDED)", async () => {
    const permittedDns = Array.from({ length: 600 }, (_, i) => `n${i}.profile.test`);
    const dnsNames = [HOST, ...Array.from({ length: 500 }, (_, i) => `h${i}.profile.test`)];
    const started = performance.now();
    const v = await verdict({ dnsNames }, { nameConstraints: { permittedDns: [...permittedDns, "profile.test"] } });
    expect(v.codes).to.include("PATH_BUDGET_EXCEEDED");
    expect(v.text).to.include("name comparisons");
    expect(performance.now() - started).to.be.lessThan(5_000);
  });

  it("compares validity at one-second granularity (RFC 5280 §4.1.2.5): valid during the last second", async () => {
    expect(await verdict({}, {}, new Date(notAfter.getTime() + 999))).to.include({ trusted: true });
    expect((await verdict({}, {}, new Date(notAfter.getTime() + 1000))).codes).to.include("EXPIRED");
  });
});
