/** `--aia`: missing issuers fetched from caIssuers URLs on a loopback HTTP server, with limits. */
import { expect } from "chai";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { aiaFindings, fetchMissingIssuers, issuerAvailable } from "../src/advise/aia.js";
import { checkChain } from "../src/check.js";
import { parseCertificate } from "../src/cert/parse.js";
import { generateKey, issueCertificate } from "../src/pki/issue.js";
import type { Certificate } from "../src/types.js";
import { anchorsOf } from "./support/scenarios.js";

const AT = new Date("2030-01-01T00:00:00Z");
const notBefore = new Date("2025-01-01T00:00:00Z");
const notAfter = new Date("2049-12-31T23:59:59Z");

describe("AIA caIssuers fetching (--aia)", () => {
  let server: Server;
  let base: string;
  const routes = new Map<string, (res: import("node:http").ServerResponse) => void>();
  let leaf: Certificate;
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
    [root, leaf] = [r, l].map((c) => parseCertificate(c.der)) as [Certificate, Certificate];
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

  it("gives up on an oversized answer, a stall and a 404, with one line each", async () => {
    routes.set("/int.p7c", (res) => res.writeHead(200).end(Buffer.alloc(200_000, 0x41)));
    const big = await fetchMissingIssuers([leaf], { hasIssuer: () => false, maxBytes: 64 * 1024 });
    expect(big.errors[0]!.reason).to.match(/larger than 65536 bytes/);
    expect(aiaFindings(big)[0]!.code).to.equal("AIA_FETCH_FAILED");
    expect(aiaFindings(big)[0]!.message).to.include(`${base}/int.p7c`);
    routes.set("/int.p7c", () => undefined); // never answers
    const started = Date.now();
    const stalled = await fetchMissingIssuers([leaf], { hasIssuer: () => false, timeoutMs: 300 });
    expect(Date.now() - started).to.be.lessThan(5000);
    expect(stalled.errors[0]!.url).to.match(/int\.p7c$/);
    routes.delete("/int.p7c");
    const missing = await fetchMissingIssuers([leaf], { hasIssuer: () => false });
    expect(missing.errors[0]!.reason).to.match(/HTTP 404/);
    expect(missing.certificates).to.deep.equal([]);
  });
});
