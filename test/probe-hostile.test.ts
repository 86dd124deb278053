import { expect } from "chai";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { join } from "node:path";
import { parseCertificate } from "../src/cert/parse.js";
import { probe } from "../src/probe/probe.js";
import { parseTarget } from "../src/probe/target.js";
import type { ProbeErrorCode, ProbeOutcome, ProbeSuccess } from "../src/probe/types.js";
import type { ChainResult } from "../src/result/verdict.js";
import { probeErrorWords } from "../src/words/probe.js";
import { paddedCertificates } from "./support/big-chain.js";
import { runCli } from "./support/cli.js";
import { certificateFlightServer, hostile, tlsServer, type TestServer } from "./support/hostile-servers.js";
import { FIXTURES } from "./support/scenarios.js";
import { drip, tabpyInfo } from "./support/tabpy-answers.js";
import { CHAINCHECK_BIN } from "./support/bin.js";

const TIMEOUT = 1500;
/** Generous slack for a loaded CI machine; the deadline itself is what is asserted. */
const SLACK = 400;

/** The probe error, with the words reports give it (message, hint). */
function failure(outcome: ProbeOutcome, code: ProbeErrorCode) {
  if (outcome.ok) expect.fail(`expected ${code}, got a chain of ${outcome.presented.length}`);
  const error = { ...outcome.error, ...probeErrorWords(outcome.error) };
  expect(error.code, error.message).to.equal(code);
  expect(error.message).not.to.match(/[\r\n]/);
  return error;
}

const fixture = (name: string) => readFileSync(join(FIXTURES, "ca", name), "utf8");
const pemDer = (pem: string) => parseCertificate(Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ""), "base64")).der;
const hexOf = (list: readonly Uint8Array[]) => list.map((d) => Buffer.from(d).toString("hex"));

function chainOf(outcome: ProbeOutcome): ProbeSuccess {
  if (!outcome.ok) expect.fail(`probe failed: ${outcome.error.code} ${probeErrorWords(outcome.error).message}`);
  return outcome;
}

describe("probe: hostile and non-TLS servers", function () {
  this.timeout(10000);
  let server: TestServer | undefined;
  afterEach(async () => {
    if (server) {
      expect(await server.allClosed(1000), "server saw every connection closed").to.equal(true);
      await server.close();
      server = undefined;
    }
  });

  async function against(start: () => Promise<TestServer>, timeoutMs = TIMEOUT) {
    server = await start();
    const begin = performance.now();
    const outcome = await probe(parseTarget(`127.0.0.1:${server.port}`), { timeoutMs, service: "auto" });
    return { outcome, took: performance.now() - begin, port: server.port };
  }

  it("accepts and stays silent: CONNECTION_TIMEOUT at the deadline, saying what was seen", async () => {
    const { outcome, took, port } = await against(hostile.silent);
    const error = failure(outcome, "CONNECTION_TIMEOUT");
    expect(error.message).to.equal(`connected to 127.0.0.1:${port}, no TLS answer within ${TIMEOUT} ms`);
    expect(took).to.be.within(TIMEOUT - 50, TIMEOUT + SLACK);
  });

  it("a plain HTTP server that waits for a full request (TabPy without TLS): CONNECTION_TIMEOUT", async () => {
    const { outcome, took } = await against(hostile.plainHttpWaiting);
    expect(failure(outcome, "CONNECTION_TIMEOUT").hint).to.match(/plain-text service/);
    expect(took).to.be.lessThan(TIMEOUT + SLACK);
  });

  it("sends half a TLS record and stalls: CONNECTION_TIMEOUT naming the bytes received", async () => {
    const { outcome, took } = await against(hostile.halfTlsRecord);
    expect(failure(outcome, "CONNECTION_TIMEOUT").message).to.match(/received 7 bytes of TLS, then the handshake stalled \(1500 ms\)$/);
    expect(took).to.be.within(TIMEOUT - 50, TIMEOUT + SLACK);
  });

  it("resets the connection: CONNECTION_RESET", async () => {
    const { outcome, took } = await against(hostile.reset);
    failure(outcome, "CONNECTION_RESET");
    expect(took).to.be.lessThan(500);
  });

  it("hangs up after the ClientHello: CONNECTION_RESET, before any answer", async () => {
    const { outcome } = await against(hostile.hangUp);
    expect(failure(outcome, "CONNECTION_RESET").message).to.match(/closed the connection during the TLS handshake, before answering the ClientHello$/);
  });

  it("answers plain HTTP: NOT_TLS, speaks plain HTTP, with the TabPy hint", async () => {
    const { outcome, took, port } = await against(hostile.plainHttp);
    const error = failure(outcome, "NOT_TLS");
    expect(error.message).to.equal(`127.0.0.1:${port} speaks plain HTTP ("HTTP/1.1 400 Bad Request", server TornadoServer/6.4.1)`);
    expect(error.hint).to.include("TABPY_TRANSFER_PROTOCOL=https");
    expect(took).to.be.lessThan(500);
  });

  it("sends an SMTP banner: NOT_TLS naming it", async () => {
    const { outcome, took, port } = await against(hostile.smtpBanner);
    const error = failure(outcome, "NOT_TLS");
    expect(error.message).to.equal(`127.0.0.1:${port} sent a SMTP banner "220 mail.example.test ESMTP Postfix (Debian/GNU)", not TLS`);
    expect(took).to.be.lessThan(500);
  });

  it("sends random bytes: NOT_TLS with the first bytes", async () => {
    const { outcome, took } = await against(hostile.randomBytes);
    expect(failure(outcome, "NOT_TLS").message).to.match(/sent \d+ bytes that are not TLS \(first bytes( [0-9a-f]{2}){8}\)|sent ".*", not TLS/);
    expect(took).to.be.lessThan(140);
  });

  it("is Rserve's plain port: NOT_TLS with the qap.tls.port hint", async () => {
    const { outcome, took, port } = await against(hostile.rservePlain);
    const error = failure(outcome, "NOT_TLS");
    expect(error.message).to.equal(`127.0.0.1:${port} answered with Rserve's plain QAP1 banner: this is Rserve's non-TLS port`);
    expect(error.hint).to.equal("qap.tls.port in Rserv.conf is the TLS port");
    expect(took).to.be.lessThan(500);
  });

  it("answers with a TLS alert: TLS_HANDSHAKE_FAILED naming the alert", async () => {
    const { outcome, port } = await against(hostile.tlsAlert);
    const error = failure(outcome, "TLS_HANDSHAKE_FAILED");
    expect(error.message).to.equal(`127.0.0.1:${port} sent TLS alert handshake_failure (40) during the handshake`);
    expect(error.hint).to.match(/no TLS version or cipher suite in common/);
  });

  it("nothing listens: CONNECTION_REFUSED", async () => {
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()));
    const port = (s.address() as AddressInfo).port;
    await new Promise<void>((r) => s.close(() => r()));
    const outcome = await probe(parseTarget(`127.0.0.1:${port}`), { timeoutMs: TIMEOUT, service: "auto" });
    expect(failure(outcome, "CONNECTION_REFUSED").message).to.equal(`127.0.0.1:${port} refused the connection (nothing listens on port ${port})`);
  });

  it("a name that does not resolve: DNS_ERROR (or a timeout naming resolution)", async () => {
    // .invalid never resolves (RFC 6761 §6.4); offline resolvers may answer EAI_AGAIN, also a DNS_ERROR.
    const outcome = await probe(parseTarget("chaincheck-probe-test.invalid:9004"), { timeoutMs: TIMEOUT, service: "auto" });
    if (outcome.ok) expect.fail("resolved a .invalid name");
    expect(outcome.error.code).to.be.oneOf(["DNS_ERROR", "CONNECTION_TIMEOUT"]);
    if (outcome.error.code === "CONNECTION_TIMEOUT") expect(probeErrorWords(outcome.error).message).to.match(/^name resolution of/);
  });

  it("an abort signal rejects with its reason and closes the connection", async () => {
    server = await hostile.silent();
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("stop")), 100);
    const pending = probe(parseTarget(`127.0.0.1:${server.port}`), { timeoutMs: 5000, service: "auto", signal: controller.signal });
    let reason: unknown;
    await pending.then(() => expect.fail("resolved"), (e: unknown) => (reason = e));
    expect((reason as Error).message).to.equal("stop");
  });

  it("leaves no timers or sockets behind after a batch of failures", async () => {
    const count = () => process.getActiveResourcesInfo().filter((r) => r === "TCPSocketWrap" || r === "Timeout").length;
    server = await hostile.halfTlsRecord();
    const before = count();
    const target = parseTarget(`127.0.0.1:${server.port}`);
    await Promise.all(Array.from({ length: 8 }, () => probe(target, { timeoutMs: 300, service: "auto" })));
    expect(await server.allClosed(1000)).to.equal(true);
    // Destroyed handles are released on a later loop turn.
    await new Promise((r) => setTimeout(r, 20));
    expect(count()).to.be.at.most(before);
  });

  describe("TLS servers that drip, flood or oversize, within --timeout", () => {
    const leafPem = fixture("leaf.pem");
    const intermediatePem = fixture("intermediate.pem");
    const key = fixture("leaf.key.pem");
    let padding: { pem: string; der: Uint8Array }[];
    before(async () => {
      padding = await paddedCertificates(14);
    });

    it("drips its answer to GET /info a byte at a time: waited for until --timeout, then cut off", async () => {
      const { outcome, took } = await against(() => tlsServer({ key, cert: leafPem }, { onSecure: (s) => drip(s, tabpyInfo()) }));
      const result = chainOf(outcome);
      expect(result.service.service).to.equal("tls");
      expect(result.service.detail).to.match(/^the answer to GET \/info was cut short \(not finished within \d+ ms \(the rest of --timeout\)\): "HTTP\//);
      expect(took).to.be.within(TIMEOUT - 50, TIMEOUT + SLACK);
    });

    it("floods GET /info with one-byte records: stops reading after 1024 pieces, long before --timeout", async () => {
      const flood = `HTTP/1.1 200 OK\r\nX-Flood: ${"a".repeat(200_000)}`;
      const { outcome, took } = await against(() => tlsServer({ key, cert: leafPem }, { onSecure: (s) => drip(s, flood, 1, 0) }), 5000);
      expect(chainOf(outcome).service.detail).to.match(/cut short \(chaincheck stopped reading after \d+ bytes in 1024 pieces\)/);
      expect(took).to.be.lessThan(5000);
    });

    for (const maxVersion of ["TLSv1.2", "TLSv1.3"] as const) {
      it(`a chain above OpenSSL's 100 KiB certificate-list limit (${maxVersion}): every certificate sent, in wire order`, async () => {
        const cert = leafPem + intermediatePem + padding.map((p) => p.pem).join("");
        const { outcome, took } = await against(() => tlsServer({ key, cert, maxVersion }));
        const result = chainOf(outcome);
        expect(hexOf(result.presented)).to.deep.equal(hexOf([pemDer(leafPem), pemDer(intermediatePem), ...padding.map((p) => p.der)]));
        expect(result.order).to.equal("wire");
        expect(result.tls.protocol).to.equal(maxVersion);
        expect(result.oversized).to.deep.include({ complete: true, limitBytes: 102400 });
        expect(result.oversized!.messageBytes).to.be.greaterThan(102400).and.equal(result.oversized!.receivedBytes);
        expect(result.service).to.deep.equal({ service: "tls", detail: "not detected: the TLS handshake did not complete" });
        expect(took).to.be.lessThan(TIMEOUT);
      });
    }

    it("an oversized Certificate message cut short, then silence: the whole certificates that came, at the deadline", async () => {
      const certs = [pemDer(leafPem), pemDer(intermediatePem), ...padding.map((p) => p.der)];
      const upTo = (n: number) => 3 + certs.slice(0, n).reduce((sum, c) => sum + 3 + c.length, 0);
      const sendBytes = upTo(5) + 100; // five whole certificates and the start of the sixth
      const { outcome, took } = await against(() => certificateFlightServer(certs, { sendBytes, then: "stall" }));
      const result = chainOf(outcome);
      expect(hexOf(result.presented)).to.deep.equal(hexOf(certs.slice(0, 5)));
      expect(result.oversized).to.deep.include({ complete: false, cut: "deadline", receivedBytes: sendBytes });
      expect(result.tls).to.deep.include({ protocol: "TLSv1.2", cipher: "0xC02F" });
      expect(took).to.be.within(TIMEOUT - 50, TIMEOUT + SLACK);
    });

    it("an oversized Certificate message cut short by a close: reported at once", async () => {
      const certs = [pemDer(leafPem), ...padding.map((p) => p.der)];
      const { outcome, took } = await against(() => certificateFlightServer(certs, { sendBytes: 40_000, then: "close" }));
      const result = chainOf(outcome);
      expect(result.presented.length).to.be.within(2, 5);
      expect(result.oversized).to.deep.include({ complete: false, cut: "closed" });
      expect(took).to.be.lessThan(TIMEOUT - 200);
    });

    it("more than the 1 MiB chaincheck records: the certificates of the first MiB, without waiting for the rest", async () => {
      const many = [pemDer(leafPem), ...Array.from({ length: 9 }, () => padding.map((p) => p.der)).flat()];
      const { outcome, took } = await against(() => certificateFlightServer(many, { then: "stall" }), 5000);
      const result = chainOf(outcome);
      expect(result.oversized).to.deep.include({ complete: false, cut: "recording-cap" });
      expect(result.presented.length).to.be.within(100, 125);
      expect(hexOf(result.presented.slice(0, 2))).to.deep.equal(hexOf(many.slice(0, 2)));
      expect(took).to.be.lessThan(5000);
    });

    it("not one whole certificate of an oversized message arrived: TLS_HANDSHAKE_FAILED saying exactly why", async () => {
      const { outcome } = await against(() => certificateFlightServer(padding.map((p) => p.der).concat(padding.map((p) => p.der)), { sendBytes: 1000, then: "close" }));
      const error = failure(outcome, "TLS_HANDSHAKE_FAILED");
      expect(error.message).to.match(/the server's Certificate message announces \d+ bytes, more than OpenSSL's 102400-byte limit for a certificate list, so the handshake aborted; 1000 bytes of it arrived \(then the server closed the connection\), not one whole certificate$/);
    });
  });
});

describe("CLI: hostile servers within --timeout, with findings", function () {
  this.timeout(30000);
  const leafPem = fixture("leaf.pem");
  const intermediatePem = fixture("intermediate.pem");
  const key = fixture("leaf.key.pem");
  const ROOT = join(FIXTURES, "ca/root.pem");
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("CHAIN_TOO_LARGE (error, exit 1): the received chain is judged and shown, text and JSON", async () => {
    const padding = await paddedCertificates(14);
    server = await tlsServer({ key, cert: leafPem + intermediatePem + padding.map((p) => p.pem).join("") });
    const target = `127.0.0.1:${server.port}`;
    const json = await runCli([target, "--ca-file", ROOT, "--format", "json", "--timeout", "5000"]);
    expect(json.code, json.stderr).to.equal(1);
    const result = (JSON.parse(json.stdout) as { results: ChainResult[] }).results[0]!;
    expect(result.status).to.equal("fail");
    expect(result.presented).to.have.length(16);
    expect(result.trusted).to.equal(true); // the leaf and intermediate still make a path: only the size fails
    expect(result.headline).to.equal("CHAIN_TOO_LARGE");
    const finding = result.findings.find((f) => f.code === "CHAIN_TOO_LARGE")!;
    expect(finding.certificate).to.equal(result.presented[0]!.sha256);
    expect(finding.message).to.match(/^The server's Certificate message is \d+ bytes, more than the 102400 bytes OpenSSL accepts/).and.include("16 certificate(s) from the leaf");
    const text = await runCli([target, "--ca-file", ROOT, "--no-color", "--timeout", "5000"]);
    expect(text.code).to.equal(1);
    expect(text.stdout).to.include("CHAIN_TOO_LARGE").and.not.match(/\n\s+at /);
  });

  it("a slow-drip TabPy answer ends with the target's --timeout (text, exit 0: a trusted plain TLS server)", async () => {
    server = await tlsServer({ key, cert: leafPem + intermediatePem }, { onSecure: (s) => drip(s, tabpyInfo()) });
    const begin = performance.now();
    const out = await runCli([`127.0.0.1:${server.port}`, "--ca-file", ROOT, "--timeout", "1500", "--format", "json"]);
    expect(performance.now() - begin).to.be.lessThan(1500 + SLACK);
    const result = (JSON.parse(out.stdout) as { results: ChainResult[] }).results[0]!;
    expect(result.connection!.serviceDetail).to.match(/cut short/);
    expect(out.code).to.equal(0);
  });

  it("a name lookup that hangs: CONNECTION_TIMEOUT at --timeout, and the process exits without waiting for the resolver", async () => {
    const preload = new URL("./support/slow-dns.js", import.meta.url).pathname;
    const begin = performance.now();
    const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = spawn(process.execPath, ["--import", preload, CHAINCHECK_BIN, "tabpy.hang.test:9004", "--timeout", "1000", "--format", "json"], { stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      child.stdout.on("data", (c: Buffer) => (out += c.toString()));
      child.on("exit", (exitCode) => resolve({ code: exitCode, stdout: out }));
    });
    // Generous: process start-up on a loaded machine; the resolver's own give-up would take 60 s.
    expect(performance.now() - begin).to.be.lessThan(1000 + 4000);
    expect(code).to.equal(3);
    const finding = (JSON.parse(stdout) as { results: ChainResult[] }).results[0]!.findings[0]!;
    expect(finding.code).to.equal("CONNECTION_TIMEOUT");
    expect(finding.message).to.equal("name resolution of tabpy.hang.test did not finish within 1000 ms");
  });
});
