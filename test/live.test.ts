/**
 * `chaincheck HOST:PORT` end to end (issue 4): loopback servers present each core scenario's chain,
 * the real Rserve presents what its configuration sends, hostile ports end with the right code.
 * Every server binds 127.0.0.1 on a free port and is closed.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { hostile, tlsServer, type TestServer } from "./support/hostile-servers.js";
import { runCli } from "./support/cli.js";
import { FIXTURES, loadScenario } from "./support/scenarios.js";
import { skipUnlessRserve, startRealRserve } from "./support/rserve.js";
import { startRserveLikeServer, startTabpyLikeServer } from "../src/demo/servers.js";

interface JsonResult {
  target: string; service: string; chainKind: string; trusted: boolean; status: string; headline: string | null;
  presented: { sha256: string }[]; findings: { code: string; severity: string }[];
  connection: { order: string; protocol: string; serviceDetail: string; openssl: { authorized: boolean } | null };
  remediation: { install: { role: string }[]; verifiedAfterInstall: boolean | null };
}

async function probeJson(args: string[]): Promise<{ code: number; result: JsonResult; stderr: string }> {
  const out = await runCli([...args, "--format", "json"]);
  expect(out.stdout, out.stderr).to.not.equal("");
  return { code: out.code, result: (JSON.parse(out.stdout) as { results: JsonResult[] }).results[0]!, stderr: out.stderr };
}

/** The scenarios whose chain a TLS server can present as is (the leaf key matches the leaf). */
const SERVED = [
  "ok", "leaf-only-missing-intermediate", "leaf-only-trusted", "self-signed-leaf", "wrong-order", "extra-certificate",
  "duplicate-certificate", "expired-leaf", "wrong-host", "weak-rsa1024", "weak-sha1", "root-presented-untrusted",
  "cross-signed", "missing-root", "eku-client-only", "ecdsa-p256", "ed25519",
];

describe("live check through the CLI (chaincheck HOST:PORT)", () => {
  describe("every core scenario served over TLS: same verdict as offline, chain in wire order", () => {
    for (const name of SERVED) {
      it(name, async () => {
        const s = loadScenario(name);
        const json = JSON.parse(readFileSync(join(s.dir, "scenario.json"), "utf8")) as { leafKey: string };
        const key = readFileSync(join(s.dir, json.leafKey), "utf8");
        const server = await tlsServer({ cert: readFileSync(join(s.dir, "presented.pem"), "utf8"), key, minVersion: "TLSv1", ciphers: "DEFAULT:@SECLEVEL=0" });
        try {
          const { code, result } = await probeJson([
            `127.0.0.1:${server.port}`, "--servername", s.host!, "--ca-file", join(s.dir, "trust.pem"),
            "--at", s.at.toISOString(), "--service", "tls", "--timeout", "5000",
          ]);
          expect(result.connection.order).to.equal("wire");
          expect(result.presented.map((c) => c.sha256)).to.deep.equal(s.presented.map((c) => c.sha256));
          expect(result.trusted).to.equal(s.expect.trusted);
          expect(result.headline).to.equal(s.expect.headline);
          const codes = [...new Set(result.findings.map((f) => f.code))].sort();
          expect(codes).to.deep.equal([...s.expect.codes].sort());
          expect(code).to.equal(s.expect.trusted ? 0 : 1);
        } finally {
          await server.close();
        }
      });
    }
  });

  it("OpenSSL's verdict is compared when validating at the current time (OPENSSL_DISAGREES when it differs)", async () => {
    const s = loadScenario("weak-sha1");
    const key = readFileSync(join(s.dir, "../../keys/leaf.key.pem"), "utf8");
    const server = await tlsServer({ cert: readFileSync(join(s.dir, "presented.pem"), "utf8"), key, ciphers: "DEFAULT:@SECLEVEL=0" });
    try {
      const { result } = await probeJson([`127.0.0.1:${server.port}`, "--servername", s.host!, "--ca-file", join(s.dir, "trust.pem"), "--service", "tls"]);
      expect(result.connection.openssl).to.not.equal(null);
      // The probe lowers OpenSSL's security level to see weak servers, so a weak signature is not a disagreement.
      expect(result.findings.map((f) => f.code)).to.include("WEAK_SIGNATURE_ALGORITHM").and.not.include("OPENSSL_DISAGREES");
    } finally {
      await server.close();
    }
  });

  it("OPENSSL_DISAGREES names both verdicts when OpenSSL accepts what chaincheck rejects (a 100-certificate chain)", async () => {
    const s = loadScenario("long-chain");
    const json = JSON.parse(readFileSync(join(s.dir, "scenario.json"), "utf8")) as { leafKey: string };
    const server = await tlsServer({ cert: readFileSync(join(s.dir, "presented.pem"), "utf8"), key: readFileSync(join(s.dir, json.leafKey), "utf8") });
    try {
      const { result } = await probeJson([`127.0.0.1:${server.port}`, "--servername", s.host!, "--ca-file", join(s.dir, "trust.pem"), "--service", "tls"]);
      expect(result.connection.openssl?.authorized).to.equal(true);
      expect(result.headline).to.equal("PATH_BUDGET_EXCEEDED");
      const disagreement = result.findings.find((f) => f.code === "OPENSSL_DISAGREES") as { message: string } | undefined;
      expect(disagreement?.message).to.match(/chaincheck says: not trusted \(PATH_BUDGET_EXCEEDED\).*OpenSSL.*says: trusted/);
    } finally {
      await server.close();
    }
  });

  describe("TabPy-like and Rserve-like servers (service detection)", () => {
    const leaf = readFileSync(join(FIXTURES, "ca/leaf.pem"), "utf8");
    const intermediate = readFileSync(join(FIXTURES, "ca/intermediate.pem"), "utf8");
    const key = readFileSync(join(FIXTURES, "ca/leaf.key.pem"), "utf8");
    const root = join(FIXTURES, "ca/root.pem");

    it("TabPy presenting leaf + intermediate: trusted, service tabpy", async () => {
      const server = await startTabpyLikeServer({ certPem: leaf + intermediate, keyPem: key });
      try {
        const { code, result } = await probeJson([`127.0.0.1:${server.port}`, "--ca-file", root]);
        expect([code, result.service, result.trusted, result.chainKind]).to.deep.equal([0, "tabpy", true, "full"]);
        expect(result.connection.serviceDetail).to.match(/TabPy 2\.13\.0/);
      } finally {
        await server.close();
      }
    });

    it("TabPy with authentication on and no --user: AUTH_REQUIRED (warning)", async () => {
      const server = await startTabpyLikeServer({ certPem: leaf + intermediate, keyPem: key, auth: { users: { alice: "s3cret" } } });
      try {
        const { code, result } = await probeJson([`127.0.0.1:${server.port}`, "--ca-file", root]);
        expect(result.findings.map((f) => f.code)).to.include("AUTH_REQUIRED");
        expect([code, result.status]).to.deep.equal([0, "warn"]);
        expect((await probeJson([`127.0.0.1:${server.port}`, "--ca-file", root, "--fail-on", "warning"])).code).to.equal(1);
      } finally {
        await server.close();
      }
    });

    it("Rserve-like presenting the leaf only: leaf-only, advice for the intermediate, server-side tls.ca", async () => {
      const server = await startRserveLikeServer({ certPem: leaf, keyPem: key });
      try {
        const { code, result } = await probeJson([`127.0.0.1:${server.port}`, "--ca-file", root, "--intermediates", join(FIXTURES, "ca/intermediate.pem")]);
        expect([code, result.service, result.chainKind, result.headline]).to.deep.equal([1, "rserve", "leaf-only", "ISSUER_NOT_FOUND"]);
        expect(result.remediation.install.map((i) => i.role)).to.deep.equal(["intermediate"]);
        expect(result.remediation.verifiedAfterInstall).to.equal(true);
      } finally {
        await server.close();
      }
    });
  });

  describe("real Rserve (Debian r-cran-rserve)", () => {
    before(async function () {
      await skipUnlessRserve(this);
    });
    const leaf = () => readFileSync(join(FIXTURES, "ca/leaf.pem"), "utf8");
    const intermediate = () => readFileSync(join(FIXTURES, "ca/intermediate.pem"), "utf8");
    const rootPem = () => readFileSync(join(FIXTURES, "ca/root.pem"), "utf8");
    const keyPem = () => readFileSync(join(FIXTURES, "ca/leaf.key.pem"), "utf8");

    it("tls.cert = a full-chain file: chaincheck sees 1 certificate and says so", async () => {
      const rserve = await startRealRserve({ certPem: leaf() + intermediate() + rootPem(), keyPem: keyPem() });
      try {
        const { code, result } = await probeJson([`127.0.0.1:${rserve.port}`, "--ca-file", join(FIXTURES, "ca/root.pem")]);
        expect([code, result.service, result.chainKind, result.presented.length]).to.deep.equal([1, "rserve", "leaf-only", 1]);
        expect(result.findings.map((f) => f.code)).to.include.members(["LEAF_ONLY", "ISSUER_NOT_FOUND"]);
        const text = await runCli([`127.0.0.1:${rserve.port}`, "--ca-file", join(FIXTURES, "ca/root.pem"), "--no-color"]);
        expect(text.stdout).to.match(/tls\.ca/);
      } finally {
        await rserve.close();
      }
    });

    it("tls.ca = intermediate + root: chaincheck sees the whole chain and trusts it", async () => {
      const rserve = await startRealRserve({ certPem: leaf(), keyPem: keyPem(), caPem: intermediate() + rootPem() });
      try {
        const { code, result } = await probeJson([`127.0.0.1:${rserve.port}`, "--ca-file", join(FIXTURES, "ca/root.pem")]);
        expect([code, result.service, result.chainKind, result.presented.length, result.trusted]).to.deep.equal([0, "rserve", "full", 3, true]);
      } finally {
        await rserve.close();
      }
    });
  });

  describe("ports that give no chain: one line, status error, exit 3, within the timeout", () => {
    const cases: [string, () => Promise<TestServer>, string][] = [
      ["silent after accept", hostile.silent, "CONNECTION_TIMEOUT"],
      ["reset", hostile.reset, "CONNECTION_RESET"],
      ["plain HTTP", hostile.plainHttp, "NOT_TLS"],
      ["SMTP banner", hostile.smtpBanner, "NOT_TLS"],
      ["half a TLS record, then a stall", hostile.halfTlsRecord, "CONNECTION_TIMEOUT"],
      ["random bytes", hostile.randomBytes, "NOT_TLS"],
      ["Rserve's plain QAP1 port", hostile.rservePlain, "NOT_TLS"],
    ];
    for (const [label, start, code] of cases) {
      it(`${label}: ${code}`, async () => {
        const server = await start();
        const started = Date.now();
        try {
          const { code: exit, result } = await probeJson([`127.0.0.1:${server.port}`, "--timeout", "1500", "--ca-file", join(FIXTURES, "ca/root.pem")]);
          expect(Date.now() - started).to.be.lessThan(5000);
          expect([exit, result.status, result.headline]).to.deep.equal([3, "error", code]);
        } finally {
          await server.close();
        }
      });
    }

    it("connection refused: CONNECTION_REFUSED; a usage error is exit 2 without a stack trace", async () => {
      const server = await hostile.silent();
      const port = server.port;
      await server.close();
      const { code, result } = await probeJson([`127.0.0.1:${port}`, "--ca-file", join(FIXTURES, "ca/root.pem")]);
      expect([code, result.headline]).to.deep.equal([3, "CONNECTION_REFUSED"]);
      const bad = await runCli(["not a target:99999"]);
      expect(bad.code).to.equal(2);
      expect(bad.stderr).to.match(/^chaincheck: /).and.not.match(/\n\s+at /);
    });
  });
});
