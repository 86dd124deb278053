import { expect } from "chai";
import { createServer } from "node:net";
import type { TlsOptions, TLSSocket } from "node:tls";
import { probe } from "../src/probe/probe.js";
import { parseTarget } from "../src/probe/target.js";
import type { ProbeOptions, ProbeOutcome, ProbeSuccess } from "../src/probe/types.js";
import { tlsServer } from "./support/hostile-servers.js";
import { hexList, makeOpensslPki, skipUnlessOpenssl, pemChain, type OpensslPki, type TestCert } from "./support/openssl-pki.js";
import { probeErrorWords } from "../src/words/probe.js";

const TIMEOUT = 1500;
const base: ProbeOptions = { timeoutMs: TIMEOUT, service: "tls" };

function success(outcome: ProbeOutcome): ProbeSuccess {
  if (!outcome.ok) expect.fail(`probe failed: ${outcome.error.code} ${probeErrorWords(outcome.error).message}`);
  return outcome;
}

/** Starts a server presenting `certs` (key of the first), probes it, and checks the server saw the connection close. */
async function probeServer(certs: TestCert[], tls: TlsOptions, options: Partial<ProbeOptions> = {}, host = "127.0.0.1") {
  const server = await tlsServer({ key: certs[0]!.key, cert: pemChain(...certs), ...tls }, { host });
  try {
    const target = parseTarget(host.includes(":") ? `[${host}]:${server.port}` : `${host}:${server.port}`);
    const outcome = await probe(target, { ...base, ...options });
    expect(await server.allClosed(1000), "server saw the connection closed").to.equal(true);
    return success(outcome);
  } finally {
    await server.close();
  }
}

async function ipv6Available(): Promise<boolean> {
  const s = createServer();
  return new Promise((resolve) => {
    s.once("error", () => resolve(false));
    s.listen(0, "::1", () => s.close(() => resolve(true)));
  });
}

describe("probe: presented chain from the wire", function () {
  this.timeout(20000);
  let pki: OpensslPki;
  before(function () {
    skipUnlessOpenssl(this);
    pki = makeOpensslPki();
  });
  after(() => pki?.cleanup());

  const chains: [string, (p: OpensslPki) => TestCert[]][] = [
    ["[leaf]", (p) => [p.leaf]],
    ["[leaf, intermediate]", (p) => [p.leaf, p.intermediate]],
    ["[leaf, root, intermediate] (wrong order)", (p) => [p.leaf, p.root, p.intermediate]],
    ["[leaf, intermediate, unrelated, intermediate] (extra + duplicate)", (p) => [p.leaf, p.intermediate, p.unrelated, p.intermediate]],
  ];
  const versions: { name: string; tls: TlsOptions; protocol: string; cipher?: string }[] = [
    { name: "TLS 1.2", tls: { maxVersion: "TLSv1.2" }, protocol: "TLSv1.2" },
    // Node sets TLS 1.3 suites through `ciphers` (it has no separate `ciphersuites` option).
    ...["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"].map((cipher) => ({
      name: `TLS 1.3 ${cipher}`,
      tls: { minVersion: "TLSv1.3" as const, ciphers: cipher },
      protocol: "TLSv1.3",
      cipher,
    })),
  ];

  for (const v of versions) {
    for (const [name, pick] of chains) {
      it(`${v.name}: returns ${name} exactly as sent`, async () => {
        const certs = pick(pki);
        const result = await probeServer(certs, v.tls);
        expect(result.order).to.equal("wire");
        expect(hexList(result.presented)).to.deep.equal(hexList(certs.map((c) => c.der)));
        expect(result.tls.protocol).to.equal(v.protocol);
        if (v.cipher) expect(result.tls.cipher).to.equal(v.cipher);
        // Node's walk of the peer stack agrees (undocumented, but measured): same order, extras kept.
        expect(hexList(result.crossCheck)).to.deep.equal(hexList(certs.map((c) => c.der)));
      });
    }
  }

  it("works over IPv6 (::1), TLS 1.2 and 1.3", async function () {
    if (!(await ipv6Available())) this.skip();
    const certs = [pki.leaf, pki.intermediate, pki.unrelated, pki.intermediate];
    for (const maxVersion of ["TLSv1.2", "TLSv1.3"] as const) {
      const result = await probeServer(certs, { maxVersion }, {}, "::1");
      expect(result.order).to.equal("wire");
      expect(hexList(result.presented)).to.deep.equal(hexList(certs.map((c) => c.der)));
      expect(result.tls.remoteAddress).to.equal("::1");
      expect(result.target.family).to.equal(6);
    }
  });

  it("sees a TLS 1.0 server with an RSA-1024 / SHA-1 certificate", async () => {
    const certs = [pki.legacyLeaf, pki.legacyRoot];
    const result = await probeServer(certs, { minVersion: "TLSv1", maxVersion: "TLSv1", ciphers: "DEFAULT:@SECLEVEL=0" });
    expect(result.tls.protocol).to.equal("TLSv1");
    expect(result.order).to.equal("wire");
    expect(hexList(result.presented)).to.deep.equal(hexList(certs.map((c) => c.der)));
  });

  it("sees a TLS 1.2 server with the same legacy certificate", async () => {
    const certs = [pki.legacyLeaf];
    const result = await probeServer(certs, { maxVersion: "TLSv1.2", ciphers: "DEFAULT:@SECLEVEL=0" });
    expect(result.tls.protocol).to.equal("TLSv1.2");
    expect(hexList(result.presented)).to.deep.equal(hexList([pki.legacyLeaf.der]));
  });

  it("reads the chain after a HelloRetryRequest (server insists on P-384)", async () => {
    const certs = [pki.leaf, pki.intermediate];
    const result = await probeServer(certs, { minVersion: "TLSv1.3", ecdhCurve: "P-384" });
    expect(result.order).to.equal("wire");
    expect(hexList(result.presented)).to.deep.equal(hexList(certs.map((c) => c.der)));
  });

  it("never resumes: a second probe of the same server still reads the Certificate message", async () => {
    const server = await tlsServer({ key: pki.leaf.key, cert: pemChain(pki.leaf, pki.intermediate) });
    try {
      const target = parseTarget(`127.0.0.1:${server.port}`);
      for (let i = 0; i < 3; i++) expect(success(await probe(target, base)).order).to.equal("wire");
    } finally {
      await server.close();
    }
  });

  it("reports a stapled OCSP response, in TLS 1.2 and 1.3", async () => {
    const staple = Buffer.from("not really an OCSP response");
    for (const maxVersion of ["TLSv1.2", "TLSv1.3"] as const) {
      const server = await tlsServer(
        { key: pki.leaf.key, cert: pemChain(pki.leaf, pki.intermediate), maxVersion },
        { setup: (s) => s.on("OCSPRequest", (_c: Buffer, _i: Buffer, cb: (e: Error | null, r?: Buffer) => void) => cb(null, staple)) },
      );
      try {
        const result = success(await probe(parseTarget(`127.0.0.1:${server.port}`), base));
        expect(result.tls.ocspStapled, maxVersion).to.equal(true);
        expect(Buffer.from(result.tls.ocspResponse!).equals(staple)).to.equal(true);
      } finally {
        await server.close();
      }
    }
    const plain = await probeServer([pki.leaf], {});
    expect(plain.tls.ocspStapled).to.equal(false);
    expect(plain.tls.ocspResponse).to.equal(undefined);
  });

  it("sends SNI for host names and for an explicit servername, never for IP targets", async () => {
    const seen: (string | false)[] = [];
    const server = await tlsServer(
      { key: pki.leaf.key, cert: pemChain(pki.leaf) },
      { onSecure: (s: TLSSocket) => seen.push(s.servername ?? false) },
    );
    try {
      const byName = success(await probe(parseTarget(`localhost:${server.port}`, 1), { ...base, servername: undefined }));
      const byIp = success(await probe(parseTarget(`127.0.0.1:${server.port}`), base));
      const explicit = success(await probe(parseTarget(`127.0.0.1:${server.port}`), { ...base, servername: "tabpy.example.test" }));
      expect([byName.tls.servername, byIp.tls.servername, explicit.tls.servername]).to.deep.equal(["localhost", null, "tabpy.example.test"]);
      await new Promise((r) => setTimeout(r, 50));
      expect(seen).to.deep.equal(["localhost", false, "tabpy.example.test"]);
    } finally {
      await server.close();
    }
  });

  it("reports OpenSSL's verdict against options.ca, with the precise reason", async () => {
    const full = await probeServer([pki.leaf, pki.intermediate], {}, { ca: [pki.root.pem] });
    expect(full.openssl).to.deep.equal({ authorized: true, reason: null });
    const leafOnly = await probeServer([pki.leaf], {}, { ca: [pki.root.pem] });
    expect(leafOnly.openssl?.authorized).to.equal(false);
    expect(leafOnly.openssl?.reason).to.match(/unable to (get local issuer certificate|verify the first certificate)/);
    const wrongRoot = await probeServer([pki.leaf, pki.intermediate], {}, { ca: [pki.unrelated.pem] });
    expect(wrongRoot.openssl?.authorized).to.equal(false);
    expect(wrongRoot.openssl?.reason).to.be.a("string").and.not.equal("");
    const none = await probeServer([pki.leaf], {});
    expect(none.openssl).to.equal(undefined);
  });

  it("keeps Node's hostname check out of OpenSSL's verdict (names are the validator's job)", async () => {
    // The unrelated certificate has no SAN for 127.0.0.1 (Node would even check IP targets against "localhost").
    const result = await probeServer([pki.unrelated], {}, { ca: [pki.unrelated.pem] });
    expect(result.openssl).to.deep.equal({ authorized: true, reason: null });
  });

  it("reports elapsed time and the target it was given", async () => {
    const result = await probeServer([pki.leaf], {});
    expect(result.elapsedMs).to.be.a("number").and.be.greaterThan(0).and.lessThan(TIMEOUT);
    expect(result.target.host).to.equal("127.0.0.1");
  });
});
