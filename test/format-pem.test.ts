/**
 * Issue 11, clean PEM: `--format pem` prints the chain as presented (live, wire order) or the file's certificates
 * (verify, leaf first), one block per certificate and nothing else, a `# TARGET` line per group when there are several;
 * the exit code follows the verdict. `-v` PEM blocks in the text report are flush left so they copy as shown.
 */
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tlsServer, type TestServer } from "./support/hostile-servers.js";
import { FIXTURES, loadScenario, readPemCerts } from "./support/scenarios.js";
import { runCli } from "./support/cli.js";

const CA = join(FIXTURES, "ca");
const pem = (name: string) => readFileSync(join(CA, `${name}.pem`), "utf8");
const OPENSSL = "/usr/bin/openssl";
const BLOCK = /-----BEGIN CERTIFICATE-----\n(?:[A-Za-z0-9+/=]{1,64}\n)+-----END CERTIFICATE-----\n/g;

describe("--format pem", () => {
  let server: TestServer;
  let dir: string;
  before(async () => {
    server = await tlsServer({ cert: pem("leaf") + pem("intermediate"), key: readFileSync(join(CA, "leaf.key.pem"), "utf8") });
  });
  after(() => server.close());
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "chaincheck-pem-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const live = (...extra: string[]) => [`127.0.0.1:${server.port}`, "--servername", "tabpy.chaincheck.test", "--service", "tls", "--timeout", "5000", "--format", "pem", ...extra];

  it("live: the presented chain in wire order, nothing else; openssl x509 and openssl verify read it", async () => {
    const out = await runCli(live("--ca-file", join(CA, "root.pem")));
    expect(out.code).to.equal(0);
    expect(out.stdout.replace(BLOCK, "")).to.equal("");
    expect(out.stdout).to.equal(pem("leaf") + pem("intermediate"));
    if (!existsSync(OPENSSL)) return;
    const file = join(dir, "chain.pem");
    writeFileSync(file, out.stdout);
    expect(execFileSync(OPENSSL, ["x509", "-noout", "-subject"], { input: out.stdout, encoding: "utf8" })).to.include("Chaincheck Test Server");
    expect(execFileSync(OPENSSL, ["verify", "-CAfile", join(CA, "root.pem"), "-untrusted", file, file], { encoding: "utf8" })).to.include(": OK");
  });

  it("the exit code follows the verdict (untrusted: 1; not checked: 3), as in every format", async () => {
    const untrusted = await runCli(live("--ca-file", join(CA, "other-root.pem")));
    expect(untrusted.code).to.equal(1);
    expect(untrusted.stdout).to.equal(pem("leaf") + pem("intermediate"));
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const refused = await runCli([`127.0.0.1:${port}`, "--format", "pem", "--timeout", "2000"]);
    expect([refused.code, refused.stdout]).to.deep.equal([3, ""]);
  });

  it("several targets: a `# TARGET` line before each group", async () => {
    const s = loadScenario("self-signed-leaf");
    const file = join(s.dir, "presented.pem");
    const out = await runCli([`127.0.0.1:${server.port}`, `127.0.0.1:${server.port}`, "--ca-file", join(CA, "root.pem"), "--service", "tls", "--timeout", "5000", "--format", "pem"]);
    const groups = out.stdout.split(/^# (.*)\n/m);
    expect(groups[0]).to.equal("");
    expect(groups.slice(1)).to.deep.equal([`127.0.0.1:${server.port}`, pem("leaf") + pem("intermediate"), `127.0.0.1:${server.port}`, pem("leaf") + pem("intermediate")]);
    const verify = await runCli(["verify", file, "--format", "pem", "--ca-file", join(s.dir, "trust.pem")]);
    expect(verify.stdout).to.equal(readFileSync(file, "utf8"));
    expect(verify.code).to.equal(1);
  });

  it("verify: the file's certificates leaf first, whatever the container (PKCS#7 here)", async () => {
    const formats = join(FIXTURES, "formats");
    const out = await runCli(["verify", join(formats, "chain.p7b.der"), "--ca-file", join(formats, "root.pem"), "--format", "pem"]);
    const shas = readPemCerts(join(formats, "chain.pem")).map((c) => c.sha256);
    writeFileSync(join(dir, "out.pem"), out.stdout);
    expect(readPemCerts(join(dir, "out.pem")).map((c) => c.sha256)).to.deep.equal(shas);
    expect(out.stdout.replace(BLOCK, "")).to.equal("");
  });

  it("-v: PEM blocks of the chain and of the certificates to install are flush left, without tree glyphs", async () => {
    const s = loadScenario("root-presented-untrusted");
    const out = await runCli(["verify", join(s.dir, "presented.pem"), "--ca-file", join(s.dir, "trust.pem"), "--host", s.host!, "--at", "2030-01-01T00:00:00Z", "-v", "--no-color"]);
    const lines = out.stdout.split("\n");
    const pemLines = lines.filter((l) => /BEGIN CERTIFICATE|END CERTIFICATE|^[A-Za-z0-9+/=]{64}$/.test(l.trim()));
    expect(pemLines.length).to.be.greaterThan(20);
    for (const l of pemLines) expect(l, l).to.match(/^(-----(BEGIN|END) CERTIFICATE-----|[A-Za-z0-9+/=]+)$/);
    // Every block copies out as a certificate: as many blocks as the text shows, each one parseable.
    const blocks = out.stdout.match(BLOCK) ?? [];
    expect(blocks.length).to.equal(s.presented.length + 1);
    writeFileSync(join(dir, "copied.pem"), blocks.join(""));
    expect(readPemCerts(join(dir, "copied.pem"))).to.have.length(blocks.length);
  });
});
