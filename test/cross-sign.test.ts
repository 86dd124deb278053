/**
 * A re-rooted CA (old root R1, new root R2, R2 cross-signed by R1): the server sends leaf + intermediate + the
 * cross-certificate. Whichever root the client trusts, no finding may tell the admin to remove a certificate some
 * issuer path needs: the cross-certificate is what R1-only clients build through (CROSS_CERTIFICATE, info), a
 * presented root on another path is ROOT_PRESENTED, and only a certificate on no issuer path is EXTRA_CERTIFICATE.
 * `openssl verify` agrees on every trusted/untrusted verdict.
 */
import { expect } from "chai";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateKey, issueCertificate, type IssuedCertificate } from "../src/pki/issue.js";
import { opensslVerify, skipUnlessOpenssl } from "./support/openssl-pki.js";
import { runCli } from "./support/cli.js";

interface Json {
  trusted: boolean;
  path: string[] | null;
  findings: { code: string; severity: string; message: string; remediation: string; certificate: string | null; evidence: Record<string, unknown> }[];
}
const result = (stdout: string) => (JSON.parse(stdout) as { results: Json[] }).results[0]!;
const sha = (c: IssuedCertificate) => createHash("sha256").update(c.der).digest("hex");

describe("cross-signed roots: no removal advice for a certificate another path needs", function () {
  this.timeout(60_000);
  const AT = "2030-01-01T00:00:00Z";
  const HOST = "cross.chaincheck.test";
  let dir: string;
  const file: Record<string, string> = {};
  const cert: Record<string, IssuedCertificate> = {};
  let keyR1: Awaited<ReturnType<typeof generateKey>>;

  before(async function () {
    skipUnlessOpenssl(this);
    dir = mkdtempSync(join(tmpdir(), "chaincheck-cross-"));
    const nb = new Date("2025-01-01T00:00:00Z");
    const na = new Date("2040-01-01T00:00:00Z");
    const [k1, k2, kI, kL, kStale] = await Promise.all([1, 2, 3, 4, 5].map(() => generateKey("p256")));
    keyR1 = k1!;
    const R1 = { subject: "CN=Old Root R1", key: k1! };
    const R2 = { subject: "CN=New Root R2", key: k2! };
    const I = { subject: "CN=Issuing CA", key: kI! };
    cert.r1 = await issueCertificate({ ...R1, serial: "01", notBefore: nb, notAfter: na, ca: true });
    cert.r2 = await issueCertificate({ ...R2, serial: "02", notBefore: nb, notAfter: na, ca: true });
    // The same subject and key as R2, issued by R1: clients that trust only R1 reach R2 through it.
    cert.cross = await issueCertificate({ ...R2, issuer: R1, serial: "03", notBefore: nb, notAfter: na, ca: true });
    cert.int = await issueCertificate({ ...I, issuer: R2, serial: "04", notBefore: nb, notAfter: na, ca: true });
    cert.leaf = await issueCertificate({ subject: `CN=${HOST}`, key: kL!, issuer: I, serial: "05", notBefore: nb, notAfter: na, ca: false, dnsNames: [HOST] });
    // An intermediate of the same name under another key (a stale copy): it signs nothing the server sends.
    cert.stale = await issueCertificate({ subject: "CN=Issuing CA", key: kStale!, issuer: R2, serial: "06", notBefore: nb, notAfter: na, ca: true });
    const write = (name: string, ...certs: IssuedCertificate[]) => writeFileSync((file[name] = join(dir, name)), certs.map((c) => c.pem).join(""));
    write("sent.pem", cert.leaf, cert.int, cert.cross);
    write("sent-with-r1.pem", cert.leaf, cert.int, cert.cross, cert.r1);
    write("sent-with-stale.pem", cert.leaf, cert.int, cert.cross, cert.stale);
    write("r1.pem", cert.r1);
    write("r2.pem", cert.r2);
    write("both.pem", cert.r1, cert.r2);
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  const verify = async (sent: string, store: string) => {
    const args = ["verify", file[sent]!, "--ca-file", file[store]!, "--host", HOST, "--at", AT, "--target-os", "debian"];
    const json = await runCli([...args, "--format", "json"]);
    const text = await runCli([...args, "--no-color", "--verbose"]);
    return { json: result(json.stdout), code: json.code, text: text.stdout, textCode: text.code };
  };
  const opensslSays = (store: IssuedCertificate[], sent: IssuedCertificate[]) =>
    opensslVerify({ trust: store, presented: sent, at: new Date(AT), host: HOST }, dir);
  const codesOf = (r: Json) => r.findings.map((f) => f.code);

  it("client trusts R1 only: trusted through the cross-certificate, nothing extra (openssl agrees)", async () => {
    const r = await verify("sent.pem", "r1.pem");
    expect([r.json.trusted, r.code]).to.deep.equal([true, 0]);
    expect(r.json.path).to.deep.equal([sha(cert.leaf!), sha(cert.int!), sha(cert.cross!), sha(cert.r1!)]);
    expect(codesOf(r.json)).to.not.include.members(["EXTRA_CERTIFICATE", "CROSS_CERTIFICATE", "ROOT_PRESENTED"]);
    expect(r.text).to.not.match(/Remove it|remove the root/);
    expect((await opensslSays([cert.r1!], [cert.leaf!, cert.int!, cert.cross!])).ok).to.equal(true);
  });

  for (const store of ["r2.pem", "both.pem"]) {
    it(`client trusts ${store === "r2.pem" ? "R2 only" : "R1 and R2"}: trusted at R2; the cross-certificate is a note, never "remove it" (openssl agrees)`, async () => {
      const r = await verify("sent.pem", store);
      expect([r.json.trusted, r.code]).to.deep.equal([true, 0]);
      expect(r.json.path).to.deep.equal([sha(cert.leaf!), sha(cert.int!), sha(cert.r2!)]);
      expect(codesOf(r.json)).to.not.include("EXTRA_CERTIFICATE");
      const note = r.json.findings.find((f) => f.code === "CROSS_CERTIFICATE")!;
      expect(note).to.deep.include({ severity: "info", certificate: sha(cert.cross!) });
      expect(note.evidence).to.deep.equal({ subject: "CN=New Root R2", position: 3, issuer: "CN=Old Root R1" });
      expect(note.message).to.include(`towards "CN=Old Root R1" (a cross-certificate): clients that trust only "CN=Old Root R1" build their path through it.`);
      expect(note.remediation).to.equal(`Keep it in the server's file while any client trusts only "CN=Old Root R1"; the others ignore it.`);
      expect(r.text).to.include("Cross-certificate for other clients");
      expect(r.text).to.include("on another path (cross-certificate)");
      expect(r.text).to.include("the leaf, 1 intermediate and 1 cross-certificate");
      expect(r.text).to.not.match(/Remove it|[0-9] not on the path|on no path|\[not on the path\]/);
      const trust = store === "r2.pem" ? [cert.r2!] : [cert.r1!, cert.r2!];
      expect((await opensslSays(trust, [cert.leaf!, cert.int!, cert.cross!])).ok).to.equal(true);
    });
  }

  it("the old root sent as well: ROOT_PRESENTED (optional), not EXTRA; the cross-certificate kept", async () => {
    const r = await verify("sent-with-r1.pem", "r2.pem");
    expect(r.json.trusted).to.equal(true);
    const byCode = new Map(r.json.findings.map((f) => [f.code, f]));
    expect(byCode.get("ROOT_PRESENTED")?.certificate).to.equal(sha(cert.r1!));
    expect(byCode.get("CROSS_CERTIFICATE")?.certificate).to.equal(sha(cert.cross!));
    expect(codesOf(r.json)).to.not.include("EXTRA_CERTIFICATE");
  });

  it("a certificate on no issuer path (same name, other key) is still EXTRA_CERTIFICATE", async () => {
    const r = await verify("sent-with-stale.pem", "r2.pem");
    expect(r.json.trusted).to.equal(true);
    const extra = r.json.findings.filter((f) => f.code === "EXTRA_CERTIFICATE");
    expect(extra.map((f) => [f.certificate, f.evidence.position])).to.deep.equal([[sha(cert.stale!), 4]]);
    expect(r.text).to.include("Remove it from the server's certificate file.");
    expect(r.json.findings.find((f) => f.code === "CROSS_CERTIFICATE")?.certificate).to.equal(sha(cert.cross!));
  });

  it("a presented certificate above an intermediate the server forgot (held with --intermediates) is not extra: the advice's path needs it (openssl agrees)", async () => {
    // leaf <- H (not sent; held) <- X (sent) <- R1 (trusted): the server sends leaf + X.
    const [kH, kX, kL] = await Promise.all([1, 2, 3].map(() => generateKey("p256")));
    const nb = new Date("2025-01-01T00:00:00Z");
    const na = new Date("2040-01-01T00:00:00Z");
    const R1 = { subject: "CN=Old Root R1", key: keyR1 };
    const X = { subject: "CN=Upper CA X", key: kX! };
    const H = { subject: "CN=Issuing CA H", key: kH! };
    const x = await issueCertificate({ ...X, issuer: R1, serial: "11", notBefore: nb, notAfter: na, ca: true });
    const h = await issueCertificate({ ...H, issuer: X, serial: "12", notBefore: nb, notAfter: na, ca: true });
    const leaf = await issueCertificate({ subject: `CN=${HOST}`, key: kL!, issuer: H, serial: "13", notBefore: nb, notAfter: na, ca: false, dnsNames: [HOST] });
    writeFileSync(join(dir, "gap.pem"), leaf.pem + x.pem);
    writeFileSync(join(dir, "h.pem"), h.pem);
    const args = ["verify", join(dir, "gap.pem"), "--ca-file", file["r1.pem"]!, "--host", HOST, "--at", AT, "--target-os", "debian"];
    const held = await runCli([...args, "--intermediates", join(dir, "h.pem"), "--format", "json"]);
    const r = result(held.stdout) as Json & { remediation: { install: { subject: string; source: string }[]; verifiedAfterInstall: boolean } };
    expect([r.trusted, held.code]).to.deep.equal([false, 1]);
    expect(codesOf(r)).to.include("ISSUER_NOT_FOUND").and.not.include.members(["EXTRA_CERTIFICATE", "CROSS_CERTIFICATE"]);
    expect(r.remediation.install.map((i) => [i.subject, i.source])).to.deep.equal([["CN=Issuing CA H", "held"]]);
    expect(r.remediation.verifiedAfterInstall).to.equal(true);
    const text = (await runCli([...args, "--intermediates", join(dir, "h.pem"), "--no-color", "--verbose"])).stdout;
    expect(text).to.not.include("Remove it");
    // OpenSSL: the chain as sent fails, also with H trusted (it stops at a trusted intermediate); sent with H it verifies through X.
    expect((await opensslSays([cert.r1!], [leaf, x])).ok).to.equal(false);
    const both = await opensslSays([cert.r1!, h], [leaf, x]);
    expect(both.ok).to.equal(false);
    expect((await opensslVerify({ trust: [cert.r1!], presented: [leaf, x, h], at: new Date(AT), host: HOST }, dir)).ok).to.equal(true);
  });

  it("a client trusting neither: untrusted; the advice installs R1 and keeps the chain (openssl agrees)", async () => {
    writeFileSync(join(dir, "other.pem"), cert.stale!.pem);
    const args = ["verify", file["sent.pem"]!, "--ca-file", join(dir, "other.pem"), "--intermediates", file["r1.pem"]!, "--host", HOST, "--at", AT, "--format", "json"];
    const out = await runCli(args);
    const r = result(out.stdout) as Json & { remediation: { install: { subject: string }[]; verifiedAfterInstall: boolean } };
    expect([r.trusted, out.code]).to.deep.equal([false, 1]);
    expect(r.remediation.install.map((i) => i.subject)).to.deep.equal(["CN=Old Root R1"]);
    expect(r.remediation.verifiedAfterInstall).to.equal(true);
    expect(codesOf(r)).to.not.include.members(["EXTRA_CERTIFICATE", "CROSS_CERTIFICATE"]);
    expect((await opensslSays([cert.stale!], [cert.leaf!, cert.int!, cert.cross!])).ok).to.equal(false);
  });
});
