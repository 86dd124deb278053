/**
 * Issue 11, OpenSSL's second opinion stated exactly: the OpenSSL line says what OpenSSL was asked (the chain, against
 * the same store, without the host name) and never "agrees" beside a FAIL for another reason. Loopback TLS servers.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { tlsServer, type TestServer } from "./support/hostile-servers.js";
import { FIXTURES } from "./support/scenarios.js";
import { runCli } from "./support/cli.js";
import { connect, type TLSSocket } from "node:tls";
import { handleVerifyError, opensslVerdict } from "../src/probe/peer.js";

const CA = join(FIXTURES, "ca");
const pem = (name: string) => readFileSync(join(CA, `${name}.pem`), "utf8");

interface Json { status: string; headline: string | null; findings: { code: string }[]; connection: { openssl: { authorized: boolean; comparison: string } | null } }
const json = (stdout: string) => (JSON.parse(stdout) as { results: Json[] }).results[0]!;
/** The OpenSSL field of the text report, unwrapped. */
const opensslLine = (text: string) => /^ {2}OpenSSL {5}(.*(?:\n {14}.*)*)/m.exec(text)?.[1]!.replace(/\n\s+/g, " ") ?? "";

describe("OpenSSL's second opinion, stated exactly (live)", () => {
  let server: TestServer;
  before(async () => {
    server = await tlsServer({ cert: pem("leaf") + pem("intermediate"), key: readFileSync(join(CA, "leaf.key.pem"), "utf8") });
  });
  after(() => server.close());
  const args = (servername: string, ...extra: string[]) =>
    [`127.0.0.1:${server.port}`, "--servername", servername, "--ca-file", join(CA, "root.pem"), "--service", "tls", "--timeout", "5000", "--no-color", ...extra];

  it("trusted chain, wrong host name: OpenSSL trusts the chain (host name not compared), never \"agrees\" beside the FAIL", async () => {
    const r = json((await runCli(args("wrong.chaincheck.test", "--format", "json"))).stdout);
    expect([r.status, r.headline]).to.deep.equal(["fail", "HOSTNAME_MISMATCH"]);
    expect(r.connection.openssl).to.deep.include({ authorized: true, comparison: "agrees" });
    expect(r.findings.map((f) => f.code)).to.not.include("OPENSSL_DISAGREES");
    const line = opensslLine((await runCli(args("wrong.chaincheck.test"))).stdout);
    expect(line).to.equal("trusts the chain (host name not compared); chaincheck fails it for HOSTNAME_MISMATCH");
    expect(line).to.not.include("agrees");
  });

  it("trusted chain, right name: OpenSSL trusts the chain, as chaincheck does", async () => {
    const out = await runCli(args("tabpy.chaincheck.test"));
    expect(out.code).to.equal(0);
    expect(opensslLine(out.stdout)).to.equal("trusts the chain (host name not compared), as chaincheck does");
  });

  it("untrusted for both: \"not trusted (reason); agrees with chaincheck on the chain\"", async () => {
    const out = await runCli([...args("tabpy.chaincheck.test").filter((a) => a !== join(CA, "root.pem") && a !== "--ca-file"), "--ca-file", join(CA, "other-root.pem")]);
    expect(opensslLine(out.stdout)).to.match(/^not trusted \(.+\); agrees with chaincheck on the chain \(host name not compared\)$/);
  });

  it("with --at the verdicts are not compared, and the line says so", async () => {
    const out = await runCli(args("tabpy.chaincheck.test", "--at", "2031-01-01T00:00:00Z"));
    expect(opensslLine(out.stdout)).to.equal("trusts the chain at the current time (host name not compared); not compared with chaincheck, which checked at 2031-01-01T00:00:00.000Z (--at)");
    expect(json((await runCli(args("tabpy.chaincheck.test", "--at", "2031-01-01T00:00:00Z", "--format", "json"))).stdout).connection.openssl!.comparison).to.equal("other-time");
  });
});

describe("Node's private verify result (handle.verifyError), which the OpenSSL line and the loopback proof read", () => {
  let server: TestServer;
  before(async () => {
    server = await tlsServer({ cert: pem("leaf") + pem("intermediate"), key: readFileSync(join(CA, "leaf.key.pem"), "utf8") });
  });
  after(() => server.close());
  const connectTo = (ca: string) =>
    new Promise<TLSSocket>((resolve, reject) => {
      const socket = connect({ host: "127.0.0.1", port: server.port, servername: "tabpy.chaincheck.test", ca, rejectUnauthorized: false }, () => resolve(socket));
      socket.once("error", reject);
    });

  it("still exists: an untrusted chain gives OpenSSL's full error, a trusted one null (if this fails, Node changed its internals)", async () => {
    const untrusted = await connectTo(pem("other-root"));
    try {
      const error = handleVerifyError(untrusted);
      expect(error, "TLSSocket._handle.verifyError() is gone or no longer returns an Error: OpenSSL's messages would silently disappear").to.be.instanceOf(Error);
      expect(error!.message).to.be.a("string").and.not.equal("");
      expect(opensslVerdict(untrusted).reason).to.include(error!.message);
    } finally {
      untrusted.destroy();
    }
    const trusted = await connectTo(pem("root"));
    try {
      expect(handleVerifyError(trusted)).to.equal(null);
    } finally {
      trusted.destroy();
    }
  });
});
