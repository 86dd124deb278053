/**
 * Trust store: subject index without parsing, exact-DER membership, PEM export, and the loaders
 * (SSL_CERT_FILE, SSL_CERT_DIR, distro bundles, /etc/ssl/certs, --ca-file) against fake and
 * temporary file systems. Fixtures: fixtures/formats (made by fixtures/formats/make.sh).
 */
import { expect } from "chai";
import { X509Certificate } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { decodeCertificates, encodePem, InputError } from "../src/input/decode.js";
import { toHex } from "../src/asn1/der.js";
import { issuerNameDer, subjectNameDer } from "../src/cert/shape.js";
import { nameKey } from "../src/cert/name.js";
import { nameDer, STRING_TAG } from "../src/pki/patch.js";
import { TrustStore, uniqueCertificates } from "../src/trust/store.js";
import { loadCaFiles, loadSystemTrustStore, SYSTEM_BUNDLES, SYSTEM_DIRECTORY, TrustStoreError } from "../src/trust/system.js";
import type { SystemStoreDeps } from "../src/trust/system.js";

const FIXTURES = fileURLToPath(new URL("../../fixtures/formats/", import.meta.url));
const der = (name: string): Uint8Array => new Uint8Array(new X509Certificate(readFileSync(join(FIXTURES, name))).raw);
const pem = (name: string): string => readFileSync(join(FIXTURES, name), "latin1");
const hex = (d: Uint8Array): string => Buffer.from(d).toString("hex");
const ROOT = der("root.pem");
const ROOT2 = der("root-same-subject.pem");
const INTER = der("intermediate.pem");
const LEAF = der("leaf.pem");
const FILES = { kind: "files" as const, description: "test", paths: [] };

async function storeError(p: Promise<unknown>): Promise<TrustStoreError> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  expect(e, "should throw TrustStoreError").to.be.instanceOf(TrustStoreError);
  return e as TrustStoreError;
}

/** Injected file system: `files` by path, `dirs` listing entry names. */
function fakeFs(files: Record<string, string | Uint8Array>, dirs: Record<string, string[]> = {}, env: Record<string, string> = {}): SystemStoreDeps {
  return {
    env,
    fileExists: (p) => p in files,
    readFile: (p) => {
      const f = files[p];
      if (f === undefined) throw Object.assign(new Error("ENOENT"), { code: "ENOENT" });
      return typeof f === "string" ? new Uint8Array(Buffer.from(f, "latin1")) : f;
    },
    listDir: (p) => dirs[p],
  };
}

describe("trust: TrustStore", () => {
  const store = new TrustStore(FILES, [ROOT, ROOT2, INTER]);

  it("indexes by the normalised subject Name, without parsing", () => {
    // The intermediate's issuer Name is the roots' subject Name.
    const rootKey = nameKey(issuerNameDer(INTER));
    expect(nameKey(subjectNameDer(ROOT))).to.equal(rootKey);
    expect(store.candidatesBySubject(rootKey).map(hex)).to.deep.equal([hex(ROOT), hex(ROOT2)]);
    expect(store.candidatesBySubject(rootKey.toUpperCase())).to.have.length(2);
    expect(store.candidatesBySubject(nameKey(issuerNameDer(LEAF))).map(hex)).to.deep.equal([hex(INTER)]);
    expect(store.candidatesBySubject(nameKey(subjectNameDer(LEAF)))).to.deep.equal([]);
  });
  it("keys are the RFC 5280 §7.1 form of the Name: case, spacing and string type do not matter, RDN order does", () => {
    const name = (o: string, cn: string, tag: number = STRING_TAG.printable) => nameDer([[{ oid: "2.5.4.10", tag, value: o }], [{ oid: "2.5.4.3", tag, value: cn }]]);
    const key = nameKey(name("chaincheck fixtures", "Formats Root CA"));
    expect(nameKey(name(" Chaincheck   FIXTURES", "formats root ca ", STRING_TAG.utf8))).to.equal(key);
    expect(key).to.not.equal(toHex(name("chaincheck fixtures", "Formats Root CA")));
    expect(nameKey(nameDer([[{ oid: "2.5.4.3", tag: STRING_TAG.printable, value: "Formats Root CA" }], [{ oid: "2.5.4.10", tag: STRING_TAG.printable, value: "chaincheck fixtures" }]]))).to.not.equal(key);
  });
  it("contains() matches exact DER only", () => {
    expect(store.contains(ROOT)).to.equal(true);
    expect(store.contains(ROOT.slice())).to.equal(true);
    expect(store.contains(LEAF)).to.equal(false);
    const flipped = ROOT.slice();
    flipped[flipped.length - 1]! ^= 1;
    expect(store.contains(flipped)).to.equal(false);
  });
  it("exposes size, all() and pems() in source order, as copies", async () => {
    expect(store.size).to.equal(3);
    expect(store.all().map(hex)).to.deep.equal([ROOT, ROOT2, INTER].map(hex));
    store.all().pop();
    store.candidatesBySubject(nameKey(subjectNameDer(ROOT))).pop();
    expect(store.size).to.equal(3);
    expect(store.candidatesBySubject(nameKey(subjectNameDer(ROOT)))).to.have.length(2);
    const pems = store.pems();
    expect(pems[0]).to.equal(pem("root.pem"));
    const back = await decodeCertificates(new Uint8Array(Buffer.from(pems.join(""))));
    expect(back.certificates.map(hex)).to.deep.equal(store.all().map(hex));
  });
  it("keeps a malformed entry out of the index, with a warning", () => {
    const s = new TrustStore(FILES, [Uint8Array.from([0x30, 0x00]), ROOT]);
    expect(s.size).to.equal(2);
    expect(s.warnings).to.deep.equal(["certificate 1 of test is not a well-formed certificate; it is not used as an issuer"]);
    expect(s.candidatesBySubject(nameKey(subjectNameDer(ROOT)))).to.have.length(1);
  });
  it("uniqueCertificates drops exact duplicates only", () => {
    expect(uniqueCertificates([ROOT, INTER, ROOT.slice(), ROOT2, INTER]).map(hex)).to.deep.equal([ROOT, INTER, ROOT2].map(hex));
  });
});

describe("trust: loadSystemTrustStore (injected file system)", () => {
  const bundle = pem("root.pem") + pem("intermediate.pem");
  const debian = SYSTEM_BUNDLES[0]!;

  it("picks the first existing distro bundle, in order", async () => {
    for (const [i, path] of SYSTEM_BUNDLES.entries()) {
      const later = Object.fromEntries(SYSTEM_BUNDLES.slice(i).map((p, j) => [p, j === 0 ? bundle : pem("leaf.pem")]));
      const store = await loadSystemTrustStore(fakeFs(later));
      expect(store.source).to.deep.equal({ kind: "system", description: `system store ${path} (2 certificates)`, paths: [path] });
      expect(store.all().map(hex)).to.deep.equal([ROOT, INTER].map(hex));
    }
  });
  it("falls back to the /etc/ssl/certs directory", async () => {
    const store = await loadSystemTrustStore(fakeFs(
      { "/etc/ssl/certs/0a1b2c3d.0": pem("root.pem"), "/etc/ssl/certs/Formats_Root.pem": pem("root.pem"), "/etc/ssl/certs/inter.crt": pem("intermediate.pem") },
      { [SYSTEM_DIRECTORY]: ["Formats_Root.pem", "0a1b2c3d.0", "inter.crt", "README", "0a1b2c3d.r0"] },
    ));
    expect(store.source.description).to.equal("system store directory /etc/ssl/certs (2 certificates)");
    expect(store.size).to.equal(2);
  });
  it("throws a one-line error that names --ca-file when nothing exists (never Node's roots)", async () => {
    const e = await storeError(loadSystemTrustStore(fakeFs({})));
    expect(e.code).to.equal("NO_SYSTEM_STORE");
    expect(e.message).to.equal(
      "no system trust store found (looked for /etc/ssl/certs/ca-certificates.crt, /etc/pki/tls/certs/ca-bundle.crt, " +
      "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem, /etc/ssl/ca-bundle.pem, /etc/ssl/cert.pem, /etc/ssl/certs); " +
      "pass --ca-file FILE with the CA certificates to trust");
  });
  it("honours SSL_CERT_FILE over the distro bundles", async () => {
    const store = await loadSystemTrustStore(fakeFs({ [debian]: bundle, "/opt/ca.pem": pem("leaf.pem") }, {}, { SSL_CERT_FILE: "/opt/ca.pem" }));
    expect(store.source).to.deep.equal({ kind: "system", description: "system store SSL_CERT_FILE=/opt/ca.pem (1 certificate)", paths: ["/opt/ca.pem"] });
  });
  it("reports a missing SSL_CERT_FILE instead of silently falling back", async () => {
    const e = await storeError(loadSystemTrustStore(fakeFs({ [debian]: bundle }, {}, { SSL_CERT_FILE: "/opt/nope.pem" })));
    expect({ code: e.code, message: e.message }).to.deep.equal({
      code: "SYSTEM_STORE_UNREADABLE",
      message: "SSL_CERT_FILE names /opt/nope.pem, which is not an existing file; fix the variable or pass --ca-file FILE with the CA certificates to trust",
    });
  });
  it("honours SSL_CERT_DIR (colon list, hashed names, *.pem, *.crt), skipping broken files", async () => {
    const store = await loadSystemTrustStore(fakeFs(
      { "/a/5ed36f99.0": pem("root.pem"), "/a/5ed36f99.1": pem("root-same-subject.pem"), "/b/inter.crt": pem("intermediate.pem"), "/b/bad.pem": "-----BEGIN CERTIFICATE-----\n!!\n-----END CERTIFICATE-----\n", "/b/notes.txt": pem("leaf.pem") },
      { "/a": ["5ed36f99.1", "5ed36f99.0"], "/b": ["inter.crt", "bad.pem", "notes.txt"] },
      { SSL_CERT_DIR: "/a::/missing:/b" },
    ));
    expect(store.source).to.deep.equal({ kind: "system", description: "system store SSL_CERT_DIR=/a::/missing:/b (3 certificates)", paths: ["/a", "/b"] });
    expect(store.all().map(hex)).to.deep.equal([ROOT, ROOT2, INTER].map(hex));
    expect(store.warnings).to.deep.equal(['skipped /b/bad.pem: block 1 is not valid base64 (unexpected character "!" on line 2)']);
  });
  it("combines SSL_CERT_FILE and SSL_CERT_DIR, without duplicates", async () => {
    const store = await loadSystemTrustStore(fakeFs(
      { "/f.pem": pem("root.pem"), "/d/x.pem": pem("root.pem") + pem("leaf.pem") }, { "/d": ["x.pem"] },
      { SSL_CERT_FILE: "/f.pem", SSL_CERT_DIR: "/d" },
    ));
    expect(store.source.description).to.equal("system store SSL_CERT_FILE=/f.pem, SSL_CERT_DIR=/d (2 certificates)");
    expect(store.all().map(hex)).to.deep.equal([ROOT, LEAF].map(hex));
  });
  it("says when SSL_CERT_DIR holds no certificates", async () => {
    const e = await storeError(loadSystemTrustStore(fakeFs({}, { "/d": [] }, { SSL_CERT_DIR: "/d" })));
    expect({ code: e.code, message: e.message }).to.deep.equal({
      code: "SYSTEM_STORE_EMPTY", message: "SSL_CERT_DIR=/d holds no certificates; pass --ca-file FILE with the CA certificates to trust",
    });
  });
  it("reports a broken system bundle in one line", async () => {
    const e = await storeError(loadSystemTrustStore(fakeFs({ [debian]: "-----BEGIN CERTIFICATE-----\nMIIB\n" })));
    expect({ code: e.code, message: e.message }).to.deep.equal({
      code: "SYSTEM_STORE_UNREADABLE",
      message: "cannot use the system trust store: /etc/ssl/certs/ca-certificates.crt: block 1 (BEGIN CERTIFICATE on line 1) has no matching END line; pass --ca-file FILE with the CA certificates to trust",
    });
  });
  it("reports an unreadable system bundle", async () => {
    const deps = { ...fakeFs({ [debian]: bundle }), readFile: () => { throw Object.assign(new Error("denied"), { code: "EACCES" }); } };
    const e = await storeError(loadSystemTrustStore(deps));
    expect(e.message).to.equal("cannot read the system trust store /etc/ssl/certs/ca-certificates.crt (EACCES); pass --ca-file FILE with the CA certificates to trust");
  });
});

describe("trust: loaders on a real file system", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "chaincheck-trust-"));
    mkdirSync(join(dir, "certs"));
    writeFileSync(join(dir, "bundle.pem"), pem("root.pem") + pem("intermediate.pem"));
    writeFileSync(join(dir, "certs", "Formats_Root.pem"), pem("root.pem"));
    symlinkSync("Formats_Root.pem", join(dir, "certs", "0a1b2c3d.0"));
    symlinkSync("missing.pem", join(dir, "certs", "dangling.pem"));
    writeFileSync(join(dir, "store.p12"), readFileSync(join(FIXTURES, "chain-aes.p12")));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("reads SSL_CERT_FILE and SSL_CERT_DIR (symlinked hashes, dangling links skipped)", async () => {
    const file = await loadSystemTrustStore({ env: { SSL_CERT_FILE: join(dir, "bundle.pem") } });
    expect(file.size).to.equal(2);
    const certs = await loadSystemTrustStore({ env: { SSL_CERT_DIR: join(dir, "certs") } });
    expect(certs.all().map(hex)).to.deep.equal([hex(ROOT)]);
    expect(certs.warnings).to.deep.equal([]);
  });
  it("loads this host's system bundle, if it has one", async function () {
    if (!existsSync(SYSTEM_BUNDLES[0]!)) this.skip();
    const store = await loadSystemTrustStore({ env: {} });
    expect(store.source.description).to.match(/^system store \/etc\/ssl\/certs\/ca-certificates\.crt \(\d+ certificates\)$/);
    expect(store.size).to.be.greaterThan(10);
  });
  it("loadCaFiles reads every format, names the files, removes duplicates", async () => {
    const store = await loadCaFiles([join(dir, "bundle.pem"), join(dir, "store.p12")], { passwordEnv: "PW", env: { PW: "chaincheck-test" } });
    expect(store.source).to.deep.equal({
      kind: "files",
      description: `--ca-file ${join(dir, "bundle.pem")}, ${join(dir, "store.p12")} (3 certificates)`,
      paths: [join(dir, "bundle.pem"), join(dir, "store.p12")],
    });
    expect(store.all().map(hex)).to.deep.equal([ROOT, INTER, LEAF].map(hex));
    expect(store.pems()[0]).to.equal(encodePem(ROOT));
  });
  it("loadCaFiles passes file errors through and refuses an empty list", async () => {
    const missing = await loadCaFiles([join(dir, "nope.pem")]).catch((e: unknown) => e);
    expect(missing).to.be.instanceOf(InputError);
    expect((missing as InputError).message).to.equal(`${join(dir, "nope.pem")}: no such file`);
    const none = await storeError(loadCaFiles([]));
    expect({ code: none.code, message: none.message }).to.deep.equal({ code: "NO_CA_FILES", message: "no --ca-file given" });
  });
});
