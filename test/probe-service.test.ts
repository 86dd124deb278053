import { expect } from "chai";
import type { TLSSocket } from "node:tls";
import { parseTarget, probe, type ProbeOptions, type ProbeOutcome, type ProbeSuccess } from "../src/probe/index.js";
import { tlsServer, type TestServer } from "./support/hostile-servers.js";
import { makeOpensslPki, skipUnlessOpenssl, pemChain, type OpensslPki } from "./support/openssl-pki.js";
import { skipUnlessRserve, startRealRserve } from "./support/rserve.js";

const TIMEOUT = 1500;
const RSERVE_TLS_ID = "Rsrv0103QAP1\r\n\r\n--------------\r\n";

function success(outcome: ProbeOutcome): ProbeSuccess {
  if (!outcome.ok) expect.fail(`probe failed: ${outcome.error.code} ${outcome.error.message}`);
  return outcome;
}

/** Minimal HTTPS endpoint: records each request head, answers with `respond(head)`, closes. */
function httpAnswer(requests: string[], respond: (head: string) => string) {
  return (socket: TLSSocket) => {
    let text = "";
    socket.on("data", (chunk: Buffer) => {
      text += chunk.toString("latin1");
      if (!text.includes("\r\n\r\n")) return;
      requests.push(text);
      socket.end(respond(text));
    });
  };
}

function response(status: string, headers: Record<string, string>, body = ""): string {
  const all = { "Content-Length": String(Buffer.byteLength(body)), Connection: "close", ...headers };
  return `HTTP/1.1 ${status}\r\n${Object.entries(all).map(([k, v]) => `${k}: ${v}`).join("\r\n")}\r\n\r\n${body}`;
}

const TABPY_INFO = JSON.stringify({
  description: "",
  creation_time: "0",
  state_path: "/tabpy",
  server_version: "2.13.0",
  name: "TabPy Server",
  versions: { v1: { features: {} } },
});

describe("probe: service detection", function () {
  this.timeout(20000);
  let pki: OpensslPki;
  let server: TestServer | undefined;
  before(function () {
    skipUnlessOpenssl(this);
    pki = makeOpensslPki();
  });
  after(() => pki?.cleanup());
  afterEach(async () => {
    if (server) {
      expect(await server.allClosed(1000), "server saw every connection closed").to.equal(true);
      await server.close();
      server = undefined;
    }
  });

  async function run(onSecure: (s: TLSSocket) => void, options: Partial<ProbeOptions> = {}, tls = {}) {
    server = await tlsServer({ key: pki.leaf.key, cert: pemChain(pki.leaf, pki.intermediate), ...tls }, { onSecure });
    return success(await probe(parseTarget(`127.0.0.1:${server.port}`), { timeoutMs: TIMEOUT, service: "auto", ...options }));
  }

  for (const maxVersion of ["TLSv1.2", "TLSv1.3"] as const) {
    it(`detects Rserve from its 32-byte ID after the handshake (${maxVersion})`, async () => {
      const result = await run((s) => s.write(RSERVE_TLS_ID), {}, { maxVersion });
      expect(result.service.service).to.equal("rserve");
      expect(result.service.detail).to.equal("Rserve 0103 QAP1 (TLS)");
      expect(result.service.rserveId).to.equal("Rsrv0103QAP1--------------");
      expect(result.order).to.equal("wire");
    });
  }

  it("detects Rserve even when its ID comes late (after GET /info went out)", async () => {
    const result = await run((s) => setTimeout(() => s.writable && s.write(RSERVE_TLS_ID), 120));
    expect(result.service.service).to.equal("rserve");
  });

  it("reports Rserve's authentication attribute", async () => {
    const result = await run((s) => s.write("Rsrv0103QAP1\r\n\r\nARuc----------\r\n"));
    expect(result.service.detail).to.equal("Rserve 0103 QAP1 (TLS), authentication required (crypt)");
  });

  it("detects TabPy from GET /info JSON, with Host and Connection: close", async () => {
    const requests: string[] = [];
    const result = await run(httpAnswer(requests, () => response("200 OK", { "Content-Type": "application/json" }, TABPY_INFO)));
    expect(result.service).to.deep.include({ service: "tabpy", detail: "TabPy 2.13.0, authentication off" });
    expect(result.service.tabpy).to.deep.include({ httpStatus: 200, authRequired: false, version: "2.13.0" });
    expect((result.service.tabpy!.info as { name: string }).name).to.equal("TabPy Server");
    expect(requests).to.have.length(1);
    expect(requests[0]).to.match(/^GET \/info HTTP\/1\.1\r\n/);
    expect(requests[0]).to.include(`Host: 127.0.0.1:${server!.port}\r\n`).and.include("Connection: close\r\n");
    expect(requests[0]).not.to.match(/authorization/i);
  });

  it("reads a chunked /info answer", async () => {
    const chunked = `${TABPY_INFO.length.toString(16)}\r\n${TABPY_INFO}\r\n0\r\n\r\n`;
    const result = await run(httpAnswer([], () => `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${chunked}`));
    expect(result.service.detail).to.equal("TabPy 2.13.0, authentication off");
  });

  it("detects TabPy with authentication from 401 and its realm", async () => {
    const result = await run(httpAnswer([], () => response("401 Unauthorized", { "WWW-Authenticate": 'Basic realm="TabPy Server"' })));
    expect(result.service).to.deep.include({ service: "tabpy", detail: "TabPy, authentication required" });
    expect(result.service.tabpy).to.deep.include({ httpStatus: 401, authRequired: true });
  });

  it("sends Basic credentials when given (tabpyAuth) and says they were accepted", async () => {
    const requests: string[] = [];
    const result = await run(
      httpAnswer(requests, (head) =>
        head.includes(`Authorization: Basic ${Buffer.from("alice:s3cr3t").toString("base64")}\r\n`)
          ? response("200 OK", { "Content-Type": "application/json" }, TABPY_INFO)
          : response("401 Unauthorized", { "WWW-Authenticate": 'Basic realm="TabPy Server"' }),
      ),
      { tabpyAuth: { username: "alice", password: "s3cr3t" } },
    );
    expect(result.service.detail).to.equal("TabPy 2.13.0, authentication on, credentials accepted");
    expect(JSON.stringify(result)).not.to.include("s3cr3t");
  });

  it("names another HTTPS server and says it is not TabPy", async () => {
    const result = await run(httpAnswer([], () => response("404 Not Found", { Server: "nginx/1.25.3" }, "<html>nope</html>")));
    expect(result.service.service).to.equal("tls");
    expect(result.service.detail).to.equal("HTTPS server (nginx/1.25.3) answered GET /info with 404 Not Found: not TabPy");
  });

  it("reports a silent TLS server as plain TLS, within the deadline, without an error", async () => {
    const start = performance.now();
    const result = await run(() => {});
    expect(result.service.service).to.equal("tls");
    expect(result.service.detail).to.match(/^no TabPy or Rserve answer/);
    expect(performance.now() - start).to.be.lessThan(TIMEOUT + 200);
  });

  it("service 'tls' skips detection: nothing is sent after the handshake", async () => {
    const requests: string[] = [];
    const result = await run(httpAnswer(requests, () => response("200 OK", {}, TABPY_INFO)), { service: "tls" });
    expect(result.service).to.deep.equal({ service: "tls", detail: "service detection skipped" });
    expect(requests).to.deep.equal([]);
  });

  it("service 'rserve' on a TabPy endpoint says it does not look like Rserve, and sends nothing", async () => {
    const requests: string[] = [];
    const result = await run(httpAnswer(requests, () => response("200 OK", {}, TABPY_INFO)), { service: "rserve" });
    expect(result.service.service).to.equal("tls");
    expect(result.service.detail).to.match(/no Rserve ID string within \d+ ms after the handshake: this does not look like Rserve$/);
    expect(requests).to.deep.equal([]);
  });

  it("service 'tabpy' asks /info at once and says when Rserve answers instead", async () => {
    const result = await run((s) => s.write(RSERVE_TLS_ID), { service: "tabpy" });
    expect(result.service.service).to.equal("rserve");
    expect(result.service.detail).to.equal("Rserve 0103 QAP1 (TLS): Rserve, not TabPy");
  });

  it("keeps the chain when the server hangs up right after the handshake", async () => {
    const result = await run((s) => s.end());
    expect(result.presented).to.have.length(2);
    expect(result.service.service).to.equal("tls");
  });
});

describe("probe: the real Rserve (Debian r-cran-rserve), when installed", function () {
  this.timeout(60000);
  let pki: OpensslPki;
  before(async function () {
    await skipUnlessRserve(this);
    skipUnlessOpenssl(this);
    pki = makeOpensslPki();
  });
  after(() => pki?.cleanup());

  it("detects Rserve on its TLS port and reads the chain OpenSSL completed from tls.ca", async () => {
    const rserve = await startRealRserve({ certPem: pki.leaf.pem, keyPem: pki.leaf.key, caPem: pemChain(pki.intermediate, pki.root) });
    try {
      const result = success(await probe(parseTarget(`127.0.0.1:${rserve.port}`), { timeoutMs: 5000, service: "auto", ca: [pki.root.pem] }));
      expect(result.service).to.deep.include({ service: "rserve", detail: "Rserve 0103 QAP1 (TLS)" });
      expect(result.order).to.equal("wire");
      expect(result.presented.map((d) => Buffer.from(d).toString("hex"))).to.deep.equal(
        [pki.leaf, pki.intermediate, pki.root].map((c) => Buffer.from(c.der).toString("hex")),
      );
      expect(result.openssl).to.deep.equal({ authorized: true, reason: null });
    } finally {
      await rserve.close();
    }
  });
});
