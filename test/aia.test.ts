/** `--aia`: missing issuers fetched from caIssuers URLs on a loopback HTTP server, with limits. */
import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { aiaFindings, fetchMissingIssuers, issuerAvailable } from "../src/aia/fetch-issuers.js";
import { checkChain } from "../src/result/chain-result.js";
import { parseCertificate } from "../src/cert/parse.js";
import { tlv } from "../src/asn1/der.js";
import { generateKey, issueCertificate, type KeyPairPem } from "../src/pki/issue.js";
import type { ChainResult } from "../src/result/verdict.js";
import type { Certificate } from "../src/types.js";
import { runCli } from "./support/cli.js";
import { tlsServer, type TestServer } from "./support/hostile-servers.js";
import { anchorsOf } from "./support/scenarios.js";
import { reportFinding } from "../src/report/document.js";
import { aiaFailureWords } from "../src/words/findings.js";

const AT = new Date("2030-01-01T00:00:00Z");
const notBefore = new Date("2025-01-01T00:00:00Z");
const notAfter = new Date("2049-12-31T23:59:59Z");

describe("AIA caIssuers fetching (--aia)", () => {
  let server: Server;
  let base: string;
  const routes = new Map<string, (res: import("node:http").ServerResponse) => void>();
  let leaf: Certificate;
  let intermediate: Certificate;
  let root: Certificate;

  before(async () => {
    server = createServer((req, res) => {
      const route = routes.get(req.url ?? "");
      if (route) route(res);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const [rootKey, intKey, leafKey] = await Promise.all([generateKey("p256"), generateKey("p256"), generateKey("p256")]);
    const rootSpec = { subject: "CN=AIA Test Root", key: rootKey };
    const intSpec = { subject: "CN=AIA Test Intermediate", key: intKey };
    const r = await issueCertificate({ ...rootSpec, serial: "01", notBefore, notAfter, ca: true });
    const i = await issueCertificate({ ...intSpec, issuer: rootSpec, serial: "02", notBefore, notAfter, ca: true, caIssuersUrl: `${base}/root.der` });
    const l = await issueCertificate({
      subject: "CN=aia.chaincheck.test", key: leafKey, issuer: intSpec, serial: "03", notBefore, notAfter,
      dnsNames: ["aia.chaincheck.test"], caIssuersUrl: `${base}/int.p7c`,
    });
    [root, intermediate, leaf] = [r, i, l].map((c) => parseCertificate(c.der)) as [Certificate, Certificate, Certificate];
    routes.set("/root.der", (res) => res.writeHead(200, { "content-type": "application/pkix-cert" }).end(Buffer.from(root.der)));
    // Served as PEM here: the decoder tells formats apart by content, whatever the URL says.
    routes.set("/int.p7c", (res) => res.writeHead(200).end(i.pem));
  });

  after(() => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  }));

  it("climbs from the leaf to the root and the advice becomes provable", async () => {
    const anchors = anchorsOf([]);
    const fetched = await fetchMissingIssuers([leaf], { hasIssuer: issuerAvailable(anchors) });
    expect(fetched.errors).to.deep.equal([]);
    expect(fetched.certificates.map((c) => c.subject)).to.deep.equal(["CN=AIA Test Intermediate", "CN=AIA Test Root"]);
    const result = checkChain({
      target: "aia", service: "rserve", presented: [leaf], anchors, host: "aia.chaincheck.test", at: AT, partialChain: false,
      warnDays: 30, heldIntermediates: fetched.certificates, targetOs: "debian",
    });
    expect(result.trusted).to.equal(false);
    expect(result.remediation.install.map((i) => i.role)).to.deep.equal(["root", "intermediate"]);
    expect(result.remediation.verifiedAfterInstall).to.equal(true);
  });

  it("does not fetch what the trust store already has", async () => {
    let hits = 0;
    routes.set("/root.der", (res) => (hits++, res.writeHead(200).end(Buffer.from(root.der))));
    const fetched = await fetchMissingIssuers([leaf], { hasIssuer: issuerAvailable(anchorsOf([root])) });
    expect(fetched.certificates.map((c) => c.subject)).to.deep.equal(["CN=AIA Test Intermediate"]);
    expect(hits).to.equal(0);
  });

  it("does not fetch an intermediate the client's store holds (Windows CA store, macOS System keychain)", async () => {
    let hits = 0;
    routes.set("/int.p7c", (res) => (hits++, res.writeHead(200).end(Buffer.from(intermediate.der))));
    const fetched = await fetchMissingIssuers([leaf], { hasIssuer: issuerAvailable(anchorsOf([root]), [intermediate]) });
    expect([fetched.certificates.length, fetched.errors.length, hits]).to.deep.equal([0, 0, 0]);
  });

  it("gives up on an oversized answer, a stall and a 404, with one line each", async () => {
    routes.set("/int.p7c", (res) => res.writeHead(200).end(Buffer.alloc(200_000, 0x41)));
    const big = await fetchMissingIssuers([leaf], { hasIssuer: () => false, maxBytes: 64 * 1024 });
    expect(aiaFailureWords(big.errors[0]!.failure)).to.match(/larger than 65536 bytes/);
    expect(aiaFindings(big)[0]!.code).to.equal("AIA_FETCH_FAILED");
    expect(reportFinding(aiaFindings(big)[0]!).message).to.include(`${base}/int.p7c`);
    routes.set("/int.p7c", () => undefined); // never answers
    const started = Date.now();
    const stalled = await fetchMissingIssuers([leaf], { hasIssuer: () => false, timeoutMs: 300 });
    expect(Date.now() - started).to.be.lessThan(5000);
    expect(stalled.errors[0]!.url).to.match(/int\.p7c$/);
    routes.delete("/int.p7c");
    const missing = await fetchMissingIssuers([leaf], { hasIssuer: () => false });
    expect(aiaFailureWords(missing.errors[0]!.failure)).to.match(/HTTP 404/);
    expect(missing.certificates).to.deep.equal([]);
  });
});

/** An authorityInfoAccess extension value with one caIssuers entry per URL (RFC 5280 §4.2.2.1). */
function caIssuersExtension(urls: readonly string[]) {
  const caIssuers = Uint8Array.from([0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x02]);
  const entries = urls.map((url) => tlv(0x30, Uint8Array.from([...caIssuers, ...tlv(0x86, Buffer.from(url, "latin1"))])));
  return { oid: "1.3.6.1.5.5.7.1.1", critical: false, valueDer: tlv(0x30, Uint8Array.from(entries.flatMap((e) => [...e]))) };
}

/** Generous slack for a loaded 2-core machine; what is asserted is the bound, never a duration. */
const SLACK = 600;

describe("AIA downloads are bounded: one deadline, in parallel, a cap on URLs", function () {
  this.timeout(30000);
  let server: Server;
  let base: string;
  let hits: string[];
  const routes = new Map<string, (res: import("node:http").ServerResponse) => void>();
  let rootKey: KeyPairPem;
  let intKey: KeyPairPem;
  let leafKey: KeyPairPem;
  const rootSpec = () => ({ subject: "CN=AIA Bound Root", key: rootKey });
  const intSpec = () => ({ subject: "CN=AIA Bound Intermediate", key: intKey });
  let root: { der: Uint8Array; pem: string };
  let intermediate: { der: Uint8Array; pem: string };

  /** Sends headers announcing 100 kB, then one byte every 50 ms: never finishes. */
  const dripping = (res: import("node:http").ServerResponse) => {
    res.writeHead(200, { "content-length": "100000" });
    const timer = setInterval(() => res.write("A"), 50);
    res.on("close", () => clearInterval(timer));
  };

  const leafWith = async (urls: readonly string[], dnsNames: string[] = ["aia.chaincheck.test"], ipAddresses: string[] = []) =>
    issueCertificate({
      subject: "CN=aia.chaincheck.test", key: leafKey, issuer: intSpec(), serial: "33", notBefore, notAfter,
      dnsNames, ipAddresses, extraExtensions: [caIssuersExtension(urls)],
    });

  before(async () => {
    hits = [];
    server = createServer((req, res) => {
      hits.push(req.url ?? "");
      const route = routes.get(req.url ?? "");
      if (route) route(res);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    [rootKey, intKey, leafKey] = await Promise.all([generateKey("p256"), generateKey("p256"), generateKey("p256")]);
    root = await issueCertificate({ ...rootSpec(), serial: "11", notBefore, notAfter, ca: true });
    intermediate = await issueCertificate({ ...intSpec(), issuer: rootSpec(), serial: "22", notBefore, notAfter, ca: true });
  });
  beforeEach(() => {
    hits.length = 0;
    routes.clear();
  });
  after(() => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  }));

  it("six servers dripping bytes: all six tried at once, and all end by the deadline", async () => {
    const urls = Array.from({ length: 6 }, (_, i) => `${base}/drip${i}.der`);
    for (const url of urls) routes.set(new URL(url).pathname, dripping);
    const leaf = parseCertificate((await leafWith(urls)).der);
    const begin = performance.now();
    const fetched = await fetchMissingIssuers([leaf], { hasIssuer: () => false, deadline: begin + 800 });
    // Before: 3 s per URL, one after the other (18 s).
    expect(performance.now() - begin).to.be.lessThan(800 + SLACK);
    expect(fetched.errors.map((e) => e.url)).to.deep.equal(urls);
    for (const e of fetched.errors) expect(aiaFailureWords(e.failure)).to.match(/^no complete answer within \d+ ms$/);
    expect([...hits].sort()).to.deep.equal(urls.map((u) => new URL(u).pathname).sort());
  });

  it("tries at most 8 caIssuers URLs of a chain and says which it skipped", async () => {
    const urls = Array.from({ length: 12 }, (_, i) => `${base}/missing${i}.der`);
    const leaf = parseCertificate((await leafWith(urls)).der);
    const fetched = await fetchMissingIssuers([leaf], { hasIssuer: () => false });
    expect(hits).to.have.length(8);
    expect(fetched.errors.filter((e) => aiaFailureWords(e.failure) === "HTTP 404")).to.have.length(8);
    const skipped = fetched.errors.filter((e) => aiaFailureWords(e.failure).startsWith("not tried"));
    expect(skipped.map((e) => e.url)).to.deep.equal(urls.slice(8));
    expect(aiaFailureWords(skipped[0]!.failure)).to.equal("not tried: at most 8 caIssuers URLs are tried per chain");
  });

  it("nothing is tried once the deadline has passed", async () => {
    const leaf = parseCertificate((await leafWith([`${base}/int.der`])).der);
    const fetched = await fetchMissingIssuers([leaf], { hasIssuer: () => false, deadline: performance.now() - 1 });
    expect(hits).to.deep.equal([]);
    expect(fetched.errors.map((e) => ({ url: e.url, reason: aiaFailureWords(e.failure) }))).to.deep.equal([{ url: `${base}/int.der`, reason: "not tried: the time allowed for downloads ran out" }]);
  });

  it("keeps the URL each certificate came from, and an abort rejects with its reason", async () => {
    routes.set("/int.der", (res) => res.writeHead(200).end(Buffer.from(intermediate.der)));
    const leaf = parseCertificate((await leafWith([`${base}/int.der`])).der);
    const fetched = await fetchMissingIssuers([leaf], { hasIssuer: issuerAvailable(anchorsOf([parseCertificate(root.der)])) });
    expect(fetched.certificates.map((c) => c.subject)).to.deep.equal(["CN=AIA Bound Intermediate"]);
    expect(fetched.origins.get(fetched.certificates[0]!.sha256)).to.equal(`${base}/int.der`);
    routes.set("/int.der", dripping);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("watchdog")), 100);
    const outcome = await fetchMissingIssuers([leaf], { hasIssuer: () => false, signal: controller.signal }).then(() => "resolved", (e: Error) => e.message);
    expect(outcome).to.equal("watchdog");
  });

  describe("live, through the CLI", () => {
    let tls: TestServer | undefined;
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), "chaincheck-aia-"));
      writeFileSync(join(dir, "root.pem"), root.pem);
    });
    after(() => rmSync(dir, { recursive: true, force: true }));
    afterEach(async () => {
      await tls?.close();
      tls = undefined;
    });

    const serve = async (urls: readonly string[], onSecure?: (s: import("node:tls").TLSSocket) => void) => {
      const leaf = await leafWith(urls, [], ["127.0.0.1"]);
      tls = await tlsServer({ key: leafKey.privateKeyPem, cert: leaf.pem }, onSecure ? { onSecure } : {});
      return `127.0.0.1:${tls.port}`;
    };

    it("dripping caIssuers servers cannot stretch the target past --timeout", async () => {
      const urls = Array.from({ length: 5 }, (_, i) => `${base}/drip${i}.der`);
      for (const url of urls) routes.set(new URL(url).pathname, dripping);
      const target = await serve(urls, (s) => s.end());
      const begin = performance.now();
      const out = await runCli([target, "--aia", "--ca-file", join(dir, "root.pem"), "--timeout", "1500", "--format", "json"]);
      expect(performance.now() - begin).to.be.lessThan(1500 + SLACK);
      const result = (JSON.parse(out.stdout) as { results: ChainResult[] }).results[0]!;
      expect(result.findings.map((f) => f.code)).to.include.members(["ISSUER_NOT_FOUND", "AIA_FETCH_FAILED"]);
      expect(out.code).to.equal(1);
    });

    it("downloads overlap service detection: a server silent until --timeout still gets its issuer fetched", async () => {
      routes.set("/int.der", (res) => res.writeHead(200).end(Buffer.from(intermediate.der)));
      const target = await serve([`${base}/int.der`]);
      const out = await runCli([target, "--aia", "--ca-file", join(dir, "root.pem"), "--timeout", "1500", "--format", "json"]);
      const result = (JSON.parse(out.stdout) as { results: ChainResult[] }).results[0]!;
      expect(result.connection!.serviceDetail).to.match(/^no TabPy or Rserve answer within/);
      expect(hits).to.deep.equal(["/int.der"]);
      expect(result.remediation.install.map((i) => i.subject)).to.include("CN=AIA Bound Intermediate");
      expect(result.remediation.verifiedAfterInstall).to.equal(true);
    });
  });
});
