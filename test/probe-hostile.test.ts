import { expect } from "chai";
import { createServer, type AddressInfo } from "node:net";
import { parseTarget, probe, type ProbeErrorCode, type ProbeOutcome } from "../src/probe/index.js";
import { hostile, type TestServer } from "./support/hostile-servers.js";

const TIMEOUT = 1500;
/** Generous slack for a loaded CI machine; the deadline itself is what is asserted. */
const SLACK = 400;

function failure(outcome: ProbeOutcome, code: ProbeErrorCode) {
  if (outcome.ok) expect.fail(`expected ${code}, got a chain of ${outcome.presented.length}`);
  expect(outcome.error.code, outcome.error.message).to.equal(code);
  expect(outcome.error.message).not.to.match(/[\r\n]/);
  return outcome.error;
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
    if (outcome.error.code === "CONNECTION_TIMEOUT") expect(outcome.error.message).to.match(/^name resolution of/);
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
});
