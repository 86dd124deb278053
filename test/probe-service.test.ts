import { expect } from "chai";
import { constants } from "node:crypto";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect as tlsConnect, type TLSSocket } from "node:tls";
import { startRserveLikeServer, startTabpyLikeServer, type RunningServer } from "../src/demo/servers.js";
import { probe } from "../src/probe/probe.js";
import { parseTarget } from "../src/probe/target.js";
import type { ProbeOptions, ProbeOutcome, ProbeSuccess } from "../src/probe/types.js";
import { detectService, TicketWatch } from "../src/probe/service.js";
import type { ChainResult } from "../src/result/verdict.js";
import { runCli } from "./support/cli.js";
import { tlsServer, type TestServer } from "./support/hostile-servers.js";
import { makeOpensslPki, skipUnlessOpenssl, pemChain, type OpensslPki } from "./support/openssl-pki.js";
import { skipUnlessRserve, startRealRserve } from "./support/rserve.js";
import { FIXTURES } from "./support/scenarios.js";
import { httpAnswer, response, TABPY_INFO, tabpyInfo } from "./support/tabpy-answers.js";
import { probeErrorWords } from "../src/words/probe.js";

const TIMEOUT = 1500;
const RSERVE_TLS_ID = "Rsrv0103QAP1\r\n\r\n--------------\r\n";

function success(outcome: ProbeOutcome): ProbeSuccess {
  if (!outcome.ok) expect.fail(`probe failed: ${outcome.error.code} ${probeErrorWords(outcome.error).message}`);
  return outcome;
}

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

  describe("without a blind wait, and never fooled by a slow TabPy", () => {
    const slowTabpy = (requests: string[], delayMs: number) => httpAnswer(requests, tabpyInfo, delayMs);

    for (const service of ["auto", "tabpy"] as const) {
      it(`a TabPy answering /info after 700 ms is TabPy (--service ${service}), not plain TLS`, async () => {
        const result = await run(slowTabpy([], 700), { timeoutMs: 3000, service });
        expect(result.service).to.deep.include({ service: "tabpy", detail: "TabPy 2.13.0, authentication off" });
      });
    }

    /** Connects with the ticket watch attached before the handshake, as the probe does, and runs detection alone. */
    async function detectOn(port: number, graceMs: number, tls: { maxVersion?: "TLSv1.2" } = {}) {
      const socket = tlsConnect({ host: "127.0.0.1", port, rejectUnauthorized: false, ...tls });
      socket.on("error", () => {});
      const tickets = new TicketWatch(socket);
      await once(socket, "secureConnect");
      try {
        return await detectService(socket, {
          mode: "auto", target: parseTarget(`127.0.0.1:${port}`), deadline: performance.now() + 60_000, graceMs, answerWaitMs: 1000, tickets,
        });
      } finally {
        socket.destroy();
      }
    }

    it("TLS 1.3: the session tickets, not a grace period, end the wait for Rserve's ID (TabPy-like server)", async () => {
      const tabpy: RunningServer = await startTabpyLikeServer({ certPem: pki.leaf.pem, keyPem: pki.leaf.key });
      try {
        // A one-minute grace period: waiting it out would fail the test by its own timeout.
        const info = await detectOn(tabpy.port, 60_000);
        expect(info).to.deep.include({ service: "tabpy", detail: "TabPy 2.13.0, authentication off" });
      } finally {
        await tabpy.close();
      }
    });

    it("TLS 1.3: an ID that comes with the tickets is read before anything is sent (Rserve-like server)", async () => {
      const rserve = await startRserveLikeServer({ certPem: pki.leaf.pem, keyPem: pki.leaf.key });
      try {
        expect(await detectOn(rserve.port, 60_000)).to.deep.include({ service: "rserve", detail: "Rserve 0103 QAP1 (TLS)" });
      } finally {
        await rserve.close();
      }
    });

    it("TLS 1.2 without tickets: the bounded grace period applies, so a late Rserve ID is awaited, nothing sent", async () => {
      const received: Buffer[] = [];
      server = await tlsServer(
        { key: pki.leaf.key, cert: pki.leaf.pem, maxVersion: "TLSv1.2", secureOptions: constants.SSL_OP_NO_TICKET },
        { onSecure: (s) => {
          s.on("data", (c: Buffer) => received.push(c));
          setTimeout(() => s.writable && s.write(RSERVE_TLS_ID), 150);
        } },
      );
      expect(await detectOn(server.port, 5000, { maxVersion: "TLSv1.2" })).to.deep.include({ service: "rserve" });
      expect(Buffer.concat(received).toString("latin1")).to.equal("");
    });
  });
});

describe("CLI: SERVICE_MISMATCH when --service names the other service (or none answers as it)", function () {
  this.timeout(30000);
  const fixture = (name: string) => readFileSync(join(FIXTURES, "ca", name), "utf8");
  const rootFile = join(FIXTURES, "ca/root.pem");
  let tabpy: RunningServer;
  let rserve: TestServer;
  before(async () => {
    tabpy = await startTabpyLikeServer({ certPem: fixture("leaf.pem") + fixture("intermediate.pem"), keyPem: fixture("leaf.key.pem") });
    // Speaks first and keeps the connection open whatever it is sent, as Rserve does until it reads a whole command.
    rserve = await tlsServer({ key: fixture("leaf.key.pem"), cert: fixture("leaf.pem") }, { onSecure: (s) => s.write(RSERVE_TLS_ID) });
  });
  after(async () => {
    await Promise.all([tabpy?.close(), rserve?.close()]);
  });

  const check = async (...args: string[]) => {
    const out = await runCli(["--ca-file", rootFile, "--format", "json", "--timeout", "3000", ...args]);
    return { out, results: (JSON.parse(out.stdout) as { results: ChainResult[] }).results };
  };
  const mismatch = (result: ChainResult) => result.findings.find((f) => f.code === "SERVICE_MISMATCH");

  it("--service rserve against TabPy: error, exit 1, Tableau's RServe connection type would fail", async () => {
    const { out, results } = await check(`127.0.0.1:${tabpy.port}`, "--service", "rserve");
    expect(out.code).to.equal(1);
    const finding = mismatch(results[0]!)!;
    expect(finding.severity).to.equal("error");
    expect(results[0]!.trusted, "the chain itself is fine").to.equal(true);
    expect(results[0]!.headline).to.equal("SERVICE_MISMATCH");
    expect(finding.message).to.match(/^--service rserve expects Rserve on 127\.0\.0\.1:\d+, but it answers neither as TabPy nor as Rserve \(no Rserve ID string within \d+ ms after the handshake: this does not look like Rserve\): Tableau's RServe connection type would fail\.$/);
    const text = await runCli(["--ca-file", rootFile, `127.0.0.1:${tabpy.port}`, "--service", "rserve", "--no-color"]);
    expect(text.code).to.equal(1);
    expect(text.stdout).to.include("SERVICE_MISMATCH");
  });

  it("--service tabpy against Rserve: error naming Rserve and the RServe connection type", async () => {
    const { out, results } = await check(`127.0.0.1:${rserve.port}`, "--service", "tabpy", "--intermediates", join(FIXTURES, "ca/intermediate.pem"));
    expect(out.code).to.equal(1);
    const finding = mismatch(results[0]!)!;
    expect(finding.message).to.include("but it answers as Rserve (Rserve 0103 QAP1 (TLS): Rserve, not TabPy): Tableau's TabPy/External API connection type would fail.");
    expect(finding.remediation).to.include("configure Tableau's connection as RServe");
  });

  it("service= in --targets-file decides per target; auto never reports a mismatch", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "chaincheck-targets-")), "targets.txt");
    writeFileSync(file, `127.0.0.1:${tabpy.port} service=tabpy\n127.0.0.1:${tabpy.port} service=rserve\n127.0.0.1:${rserve.port}\n127.0.0.1:${tabpy.port}\n`);
    const { results } = await check("--targets-file", file);
    expect(results.map((r) => mismatch(r) !== undefined)).to.deep.equal([false, true, false, false]);
    expect(results.map((r) => r.service)).to.deep.equal(["tabpy", "tls", "rserve", "tabpy"]);
    rmSync(join(file, ".."), { recursive: true, force: true });
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

  it("auto-detection on TLS 1.3 (tickets first, then the ID) finds Rserve every time; --service tabpy is SERVICE_MISMATCH", async () => {
    const rserve = await startRealRserve({ certPem: pki.leaf.pem, keyPem: pki.leaf.key, caPem: pemChain(pki.intermediate, pki.root) });
    try {
      const target = parseTarget(`127.0.0.1:${rserve.port}`);
      for (let i = 0; i < 5; i++) {
        const result = success(await probe(target, { timeoutMs: 5000, service: "auto" }));
        expect(result.tls.protocol).to.equal("TLSv1.3");
        expect(result.service).to.deep.include({ service: "rserve", detail: "Rserve 0103 QAP1 (TLS)" });
      }
      const out = await runCli([`127.0.0.1:${rserve.port}`, "--service", "tabpy", "--format", "json", "--timeout", "5000"]);
      const codes = (JSON.parse(out.stdout) as { results: ChainResult[] }).results[0]!.findings.map((f) => f.code);
      expect(codes).to.include("SERVICE_MISMATCH");
      expect(out.code).to.equal(1);
    } finally {
      await rserve.close();
    }
  });
});
