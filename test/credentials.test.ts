/**
 * The TabPy credentials check (issue 7) against the TabPy-like server with and without a password
 * file: each case asserts the finding, the exit code and that the password appears nowhere.
 */
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTabpyLikeServer, type RunningServer } from "../src/demo/servers.js";
import type { ChainResult } from "../src/result/verdict.js";
import { runCli, type CliRun } from "./support/cli.js";
import { makeHostileCertificate } from "./support/hostile-cert.js";
import { alternatingRelay, tlsServer, type TestServer } from "./support/hostile-servers.js";
import { FIXTURES } from "./support/scenarios.js";
import { drip, httpAnswer, response, TABPY_CHALLENGE } from "./support/tabpy-answers.js";

const PASSWORD = "Pa55-w0rd-NEVER-PRINTED";
const ENV = { TABPY_PASSWORD: PASSWORD, WRONG_PASSWORD: "not-the-password" };
const leaf = readFileSync(join(FIXTURES, "ca/leaf.pem"), "utf8");
const intermediate = readFileSync(join(FIXTURES, "ca/intermediate.pem"), "utf8");
const key = readFileSync(join(FIXTURES, "ca/leaf.key.pem"), "utf8");
const ROOT = join(FIXTURES, "ca/root.pem");
const OTHER_ROOT = join(FIXTURES, "ca/other-root.pem");

function codes(out: CliRun): string[] {
  return (JSON.parse(out.stdout) as { results: { findings: { code: string }[] }[] }).results[0]!.findings.map((f) => f.code);
}

function expectNoSecret(out: CliRun, ...files: string[]): void {
  expect(out.stdout).to.not.include(PASSWORD);
  expect(out.stderr).to.not.include(PASSWORD);
  for (const file of files) expect(readFileSync(file, "utf8")).to.not.include(PASSWORD);
}

describe("TabPy credentials check (--user, Tableau's Test Connection)", () => {
  let withAuth: RunningServer;
  let withoutAuth: RunningServer;
  let dir: string;

  before(async () => {
    withAuth = await startTabpyLikeServer({ certPem: leaf + intermediate, keyPem: key, auth: { users: { alice: PASSWORD } } });
    withoutAuth = await startTabpyLikeServer({ certPem: leaf + intermediate, keyPem: key });
    dir = mkdtempSync(join(tmpdir(), "chaincheck-credentials-"));
  });
  after(async () => {
    await Promise.all([withAuth.close(), withoutAuth.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  const check = (server: () => RunningServer, ...args: string[]) =>
    runCli([`127.0.0.1:${server().port}`, "--ca-file", ROOT, ...args], { env: ENV });

  it("right credentials: AUTH_OK (info), exit 0, the password in no output or report", async () => {
    const report = join(dir, "support.json");
    const html = join(dir, "support.html");
    const out = await check(() => withAuth, "--user", "alice", "--password-env", "TABPY_PASSWORD", "--format", "json", "--report", report);
    expect(codes(out)).to.include("AUTH_OK");
    expect(out.code).to.equal(0);
    const text = await check(() => withAuth, "--user", "alice", "--password-env", "TABPY_PASSWORD", "--no-color", "--report", html);
    const flat = text.stdout.replace(/\s+/g, " ");
    expect(flat).to.include("Settings > Extensions").and.include("connection type TabPy/External API");
    expect(text.stdout).to.match(/tsm security vizql-extsvc-ssl enable --connection-type tabpy --extsvc-host 127\.0\.0\.1 --extsvc-port \d+ --extsvc-username alice --extsvc-password …/);
    expect(flat).to.include("Manage Analytics Extension Connection");
    for (const format of ["junit", "sarif"]) {
      const machine = await check(() => withAuth, "--user", "alice", "--password-env", "TABPY_PASSWORD", "--format", format);
      expectNoSecret(machine);
    }
    expectNoSecret(out, report, html);
    expectNoSecret(text);
  });

  it("wrong password: AUTH_FAILED (error), exit 1, says a restart is needed after tabpy-user changes", async () => {
    const out = await check(() => withAuth, "--user", "alice", "--password-env", "WRONG_PASSWORD", "--format", "json");
    expect(codes(out)).to.include("AUTH_FAILED");
    expect(out.code).to.equal(1);
    expect(out.stdout).to.include("restart TabPy");
    expect(out.stdout).to.not.include("not-the-password");
  });

  it("unknown user: AUTH_FAILED, exit 1", async () => {
    const out = await check(() => withAuth, "--user", "mallory", "--password-env", "TABPY_PASSWORD", "--format", "json");
    expect(codes(out)).to.include("AUTH_FAILED");
    expect(out.code).to.equal(1);
    expectNoSecret(out);
  });

  it("no credentials against a password-protected TabPy: AUTH_REQUIRED (warning), exit 0", async () => {
    const out = await check(() => withAuth, "--format", "json");
    expect(codes(out)).to.include("AUTH_REQUIRED");
    expect(out.code).to.equal(0);
  });

  it("credentials to a TabPy without a password file: AUTH_NOT_ENABLED (406), exit 1", async () => {
    const out = await check(() => withoutAuth, "--user", "alice", "--password-env", "TABPY_PASSWORD", "--format", "json");
    expect(codes(out)).to.include("AUTH_NOT_ENABLED");
    expect(out.code).to.equal(1);
    expectNoSecret(out);
  });

  it("untrusted certificate: the credentials are not sent (no 406 from the server without a password file)", async () => {
    const out = await runCli([`127.0.0.1:${withoutAuth.port}`, "--ca-file", OTHER_ROOT, "--user", "alice", "--password-env", "TABPY_PASSWORD", "--format", "json"], { env: ENV });
    expect(codes(out)).to.include("AUTH_NOT_CHECKED").and.not.include("AUTH_NOT_ENABLED");
    expect(out.code).to.equal(1);
    expectNoSecret(out);
  });

  it("--send-credentials-untrusted sends them anyway and says so", async () => {
    const out = await runCli([`127.0.0.1:${withAuth.port}`, "--ca-file", OTHER_ROOT, "--user", "alice", "--password-env", "TABPY_PASSWORD", "--send-credentials-untrusted", "--format", "json"], { env: ENV });
    expect(codes(out)).to.include.members(["AUTH_OK", "CREDENTIALS_SENT_UNTRUSTED"]);
    expectNoSecret(out);
  });

  it("refuses Basic auth over plain HTTP, a missing password variable and a missing terminal (exit 2)", async () => {
    const http = await runCli(["http://127.0.0.1:9004/", "--user", "alice", "--password-env", "TABPY_PASSWORD"], { env: ENV });
    expect([http.code, http.stderr]).to.satisfy(([c, e]: [number, string]) => c === 2 && /plain HTTP/.test(e));
    const unset = await runCli([`127.0.0.1:${withAuth.port}`, "--user", "alice", "--password-env", "NOPE"], { env: ENV });
    expect(unset.code).to.equal(2);
    const noTty = await runCli([`127.0.0.1:${withAuth.port}`, "--user", "alice"], { env: ENV });
    expect(noTty.code).to.equal(2);
    expect(noTty.stderr).to.match(/^chaincheck: .*--password-env/);
    for (const out of [http, unset, noTty]) expectNoSecret(out);
  });
});

describe("credentials only over a connection Tableau would use, within --timeout", function () {
  this.timeout(30000);
  const servers: (TestServer | RunningServer)[] = [];
  const start = async <S extends TestServer | RunningServer>(server: Promise<S>): Promise<S> => {
    const s = await server;
    servers.push(s);
    return s;
  };
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  const authorized = (requests: string[]) => requests.filter((r) => /^authorization:/im.test(r));
  /** A TabPy with a password file: 401 without credentials, 406 if any reach it (so a leak shows). */
  const tabpyAnswer = (requests: string[], delayMs = 0) =>
    httpAnswer(requests, (head) => (/^authorization:/im.test(head) ? response("406 Not Acceptable", {}) : response("401 Unauthorized", TABPY_CHALLENGE)), delayMs);
  const run = (port: number, ...args: string[]) =>
    runCli([`127.0.0.1:${port}`, "--ca-file", ROOT, "--user", "alice", "--password-env", "TABPY_PASSWORD", "--format", "json", ...args], { env: ENV });
  const resultOf = (out: CliRun) => (JSON.parse(out.stdout) as { results: ChainResult[] }).results[0]!;

  it("TLS 1.1: never sent, even with --send-credentials-untrusted (AUTH_NOT_CHECKED beside LEGACY_TLS_VERSION)", async () => {
    const requests: string[] = [];
    const server = await start(tlsServer(
      { key, cert: leaf + intermediate, minVersion: "TLSv1", maxVersion: "TLSv1.1", ciphers: "DEFAULT:@SECLEVEL=0" },
      { onSecure: tabpyAnswer(requests) },
    ));
    const out = await run(server.port, "--send-credentials-untrusted");
    const result = resultOf(out);
    expect(result.connection!.protocol).to.equal("TLSv1.1");
    expect(codes(out)).to.include.members(["LEGACY_TLS_VERSION", "AUTH_NOT_CHECKED"]).and.not.include("AUTH_NOT_ENABLED");
    expect(result.findings.find((f) => f.code === "AUTH_NOT_CHECKED")!.message).to.include("only over TLS 1.2 or later");
    expect(authorized(requests)).to.deep.equal([]);
    expect(out.code).to.equal(1);
    expectNoSecret(out);
  });

  it("the second connection presents another certificate: CERTIFICATE_CHANGED (error, exit 1), nothing sent to it", async () => {
    const [first, second]: string[][] = [[], []];
    const other = await makeHostileCertificate();
    const a = await start(tlsServer({ key, cert: leaf + intermediate }, { onSecure: tabpyAnswer(first) }));
    const b = await start(tlsServer({ key: other.keyPem, cert: other.pem }, { onSecure: tabpyAnswer(second) }));
    const relay = await start(alternatingRelay([a.port, b.port]));
    const out = await run(relay.port);
    const result = resultOf(out);
    const changed = result.findings.find((f) => f.code === "CERTIFICATE_CHANGED")!;
    expect(changed.severity).to.equal("error");
    expect(changed.certificate).to.equal(result.presented[0]!.sha256);
    expect(changed.message).to.match(/^The second connection \(the credentials check\) presented another certificate, "CN=evil[\s\S]*" \(SHA-256 [0-9a-f]{16}…\), not the chain chaincheck judged on the first \(leaf "CN=Chaincheck Test Server, O=chaincheck"/);
    expect(result.trusted).to.equal(true);
    expect(result.headline).to.equal("CERTIFICATE_CHANGED");
    expect(codes(out)).to.not.include("AUTH_NOT_CHECKED");
    expect(out.code).to.equal(1);
    expect(authorized(first)).to.deep.equal([]);
    expect(second).to.have.length(0);
    expectNoSecret(out);
  });

  it("the same leaf with another chain after it is another chain too: CERTIFICATE_CHANGED", async () => {
    const second: string[] = [];
    const a = await start(tlsServer({ key, cert: leaf + intermediate }, { onSecure: tabpyAnswer([]) }));
    const b = await start(tlsServer({ key, cert: leaf }, { onSecure: tabpyAnswer(second) }));
    const relay = await start(alternatingRelay([a.port, b.port]));
    const out = await run(relay.port);
    const changed = resultOf(out).findings.find((f) => f.code === "CERTIFICATE_CHANGED")!;
    expect(changed.message).to.include("presented the same leaf with other certificates after it (1 certificate(s) instead of 2)");
    expect(second).to.deep.equal([]);
    expect(out.code).to.equal(1);
  });

  it("a slow first answer and a dripping second connection end together within --timeout", async () => {
    const a = await start(tlsServer({ key, cert: leaf + intermediate }, { onSecure: tabpyAnswer([], 1200) }));
    const b = await start(tlsServer({ key, cert: leaf + intermediate }, { onSecure: (s) => drip(s, response("401 Unauthorized", TABPY_CHALLENGE)) }));
    const relay = await start(alternatingRelay([a.port, b.port]));
    const begin = performance.now();
    const out = await run(relay.port, "--timeout", "2000");
    // Before: the second connection had a --timeout of its own (2000 ms after the 1200 ms of the first).
    expect(performance.now() - begin).to.be.lessThan(2000 + 700);
    const result = resultOf(out);
    expect(result.service).to.equal("tabpy");
    expect(result.findings.find((f) => f.code === "AUTH_NOT_CHECKED")!.message).to.match(/cut short|--timeout/);
    expectNoSecret(out);
  });
});
