/**
 * Issue 11, proof by OpenSSL too: the what-if is also checked by Node's OpenSSL client in a loopback TLS 1.2
 * handshake (127.0.0.1, free port, closed at once) presenting the same chain against the store plus exactly the
 * proposed anchors. Agreement (every key type), and disagreement: a cross-sign OpenSSL does not backtrack through
 * (the advice then names the set that satisfies both) and a trusted intermediate OpenSSL stops at (both verdicts).
 */
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Certificate } from "../src/types.js";
import { encodePem } from "../src/cert/pem.js";
import { opensslLoopbackVerdict } from "../src/proof/loopback.js";
import { chooseParameters } from "../src/proof/server-flight.js";
import { parseClientHello } from "../src/probe/tls-wire.js";
import { generateKey, issueCertificate } from "../src/pki/issue.js";
import { rawServer, tlsServer } from "./support/hostile-servers.js";
import { runOpensslProof } from "../src/app/openssl-proof.js";
import { FIXTURES, loadScenario, readPemCerts } from "./support/scenarios.js";
import { runCli } from "./support/cli.js";

const CA = join(FIXTURES, "ca");
const pemsOf = (certs: readonly Certificate[]) => certs.map((c) => encodePem(c.der));
const listeningServers = () => process.getActiveResourcesInfo().filter((r) => r === "TCPServerWrap").length;

interface Json {
  trusted: boolean;
  remediation: {
    install: { role: string; subject: string; source: string }[]; verifiedAfterInstall: boolean | null; proof: string | null;
    opensslProof?: { anchors: string; verdict: string; reason: string | null }[];
  };
}
const json = (stdout: string) => (JSON.parse(stdout) as { results: Json[] }).results[0]!;
const flat = (s: string | null) => (s ?? "").replace(/\s*\n\s*/g, " ");

describe("OpenSSL's loopback verdict (src/proof/loopback.ts)", () => {
  for (const name of ["ok", "ecdsa-p256", "ecdsa-p384", "ecdsa-p521", "ed25519", "rsa-pss"]) {
    it(`${name}: accepted against its root, rejected against another; the server is closed`, async () => {
      const s = loadScenario(name);
      const chain = s.presented.map((c) => c.der);
      const before = listeningServers();
      const good = await opensslLoopbackVerdict(chain, s.presented[0]!, pemsOf(s.trust));
      expect([good.verdict, good.reason]).to.deep.equal(["accepted", null]);
      const bad = await opensslLoopbackVerdict(chain, s.presented[0]!, [readFileSync(join(CA, "other-root.pem"), "utf8")]);
      expect(bad.verdict).to.equal("rejected");
      expect(bad.reason).to.match(/^UNABLE_TO_GET_ISSUER_CERT_LOCALLY: /);
      // Handles are released on a later turn of the event loop: wait for it (bounded).
      for (let i = 0; i < 50 && listeningServers() > before; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(listeningServers()).to.equal(before);
      expect(good.elapsedMs).to.be.a("number");
    });
  }

  it("a trusted intermediate alone: rejected, as strict clients do (unable to get issuer certificate)", async () => {
    const s = loadScenario("leaf-only-missing-intermediate");
    const v = await opensslLoopbackVerdict(s.presented.map((c) => c.der), s.presented[0]!, [readFileSync(join(CA, "intermediate.pem"), "utf8")]);
    expect([v.verdict, v.reason]).to.deep.equal(["rejected", "UNABLE_TO_GET_ISSUER_CERT: unable to get issuer certificate"]);
  });

  it("a key that cannot sign an ECDHE exchange: \"unavailable\" with the reason, never a verdict, within the bound", async () => {
    const s = loadScenario("ok");
    const dsa = { ...s.presented[0]!, publicKey: { type: "dsa", bits: 2048 } };
    const started = Date.now();
    const v = await opensslLoopbackVerdict(s.presented.map((c) => c.der), dsa, pemsOf(s.trust), { timeoutMs: 1000 });
    expect([v.verdict, v.reason]).to.deep.equal(["unavailable", "a dsa server key cannot sign a TLS 1.2 ECDHE key exchange"]);
    expect(Date.now() - started).to.be.lessThan(1500);
  });

  it("picks the suite and signature scheme from what the ClientHello offers, and says when it cannot", () => {
    const hello = (suites: number[], schemes: number[]) => {
      const ext = (type: number, values: number[]) => {
        const list = Buffer.alloc(2 + 2 * values.length);
        list.writeUInt16BE(2 * values.length);
        values.forEach((v, i) => list.writeUInt16BE(v, 2 + 2 * i));
        return Buffer.concat([Buffer.from([type >> 8, type & 255, list.length >> 8, list.length & 255]), list]);
      };
      const exts = Buffer.concat([ext(0x000a, [29]), ext(0x000d, schemes)]);
      const suiteBytes = Buffer.alloc(2 + 2 * suites.length);
      suiteBytes.writeUInt16BE(2 * suites.length);
      suites.forEach((v, i) => suiteBytes.writeUInt16BE(v, 2 + 2 * i));
      return parseClientHello(Buffer.concat([Buffer.from([3, 3]), Buffer.alloc(32), Buffer.from([0]), suiteBytes, Buffer.from([1, 0]), Buffer.from([exts.length >> 8, exts.length & 255]), exts]));
    };
    const leafOf = (name: string) => loadScenario(name).presented[0]!;
    expect(chooseParameters(hello([0xc02b, 0xc02f], [0x0403, 0x0804]), leafOf("ok"))).to.deep.equal({ cipherSuite: 0xc02f, signatureScheme: 0x0804, group: "x25519" });
    expect(chooseParameters(hello([0xc02b, 0xc02f], [0x0403, 0x0804]), leafOf("ecdsa-p256"))).to.deep.equal({ cipherSuite: 0xc02b, signatureScheme: 0x0403, group: "x25519" });
    expect(chooseParameters(hello([0xc02b], [0x0807]), leafOf("ed25519"))).to.deep.include({ signatureScheme: 0x0807 });
    expect(chooseParameters(hello([0xc02b], [0x0403]), leafOf("ok"))).to.match(/no ECDHE cipher suite for a rsa key/);
    expect(chooseParameters(hello([0xc02f], [0x0403]), leafOf("ok"))).to.match(/no signature scheme/);
  });
});

describe("the what-if, confirmed by OpenSSL (verify and live)", () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "chaincheck-proof-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("agreement: the proof says OpenSSL confirmed it (JSON and text)", async () => {
    const s = loadScenario("root-presented-untrusted");
    const args = ["verify", join(s.dir, "presented.pem"), "--ca-file", join(s.dir, "trust.pem"), "--host", s.host!];
    const r = json((await runCli([...args, "--format", "json"])).stdout);
    expect(r.remediation.opensslProof).to.deep.equal([{ anchors: "advised", verdict: "accepted", reason: null }]);
    expect(r.remediation.verifiedAfterInstall).to.equal(true);
    const text = flat((await runCli([...args, "--no-color"])).stdout);
    expect(text).to.include("(re-checked by chaincheck, strict model). Confirmed by OpenSSL too (a loopback TLS handshake with this chain, trusting the store plus exactly these certificates; host name not compared).");
    // With --at, OpenSSL (which verifies now) is said to have checked another time.
    const at = json((await runCli([...args, "--at", "2030-01-01T00:00:00Z", "--format", "json"])).stdout);
    expect(at.remediation.proof).to.include("at the current time, not at chaincheck's validation time");
  });

  it("nothing proven: OpenSSL is not asked", async () => {
    const s = loadScenario("leaf-only-missing-intermediate");
    const r = json((await runCli(["verify", join(s.dir, "presented.pem"), "--ca-file", join(s.dir, "trust.pem"), "--host", s.host!, "--format", "json"])).stdout);
    expect(r.remediation.opensslProof).to.equal(undefined);
  });

  describe("disagreement", () => {
    const files: Record<string, string> = {};
    before(async () => {
      const nb = new Date("2025-01-01T00:00:00Z");
      const na = new Date("2049-12-31T00:00:00Z");
      const [kX, kY, kA, kL] = await Promise.all(["p256", "p256", "p256", "p256"].map((k) => generateKey(k as "p256")));
      const X = { subject: "CN=Cross Root X", key: kX };
      const Y = { subject: "CN=Cross Root Y", key: kY };
      const A = { subject: "CN=Cross Int", key: kA };
      const rootX = await issueCertificate({ ...X, serial: "01", notBefore: nb, notAfter: na, ca: true });
      // The same intermediate (subject and key) twice: under Y (nobody trusts Y) and under X.
      const intY = await issueCertificate({ ...A, issuer: Y, serial: "03", notBefore: nb, notAfter: na, ca: true });
      const intX = await issueCertificate({ ...A, issuer: X, serial: "04", notBefore: nb, notAfter: na, ca: true });
      const leaf = await issueCertificate({ subject: "CN=cross.chaincheck.test", key: kL, issuer: A, serial: "05", notBefore: nb, notAfter: na, ca: false, dnsNames: ["cross.chaincheck.test"] });
      const write = (name: string, text: string) => {
        files[name] = join(dir, name);
        writeFileSync(files[name]!, text);
      };
      write("nobacktrack.pem", leaf.pem + intY.pem + intX.pem);
      write("partial.pem", leaf.pem + intX.pem);
      write("rootX.pem", rootX.pem);
      write("intY.pem", intY.pem);
      write("leaf.key.pem", kL.privateKeyPem);
      write("leaf.pem", leaf.pem);
    });
    const verify = (file: string, store: string, ...extra: string[]) =>
      ["verify", files[file]!, "--ca-file", store, "--intermediates", files["rootX.pem"]!, "--host", "cross.chaincheck.test", "--target-os", "debian", ...extra];

    it("a cross-sign OpenSSL does not backtrack through: both verdicts, then the set that satisfies both is advised", async () => {
      const r = json((await runCli(verify("nobacktrack.pem", join(CA, "other-root.pem"), "--format", "json"))).stdout);
      expect(r.remediation.opensslProof!.map((c) => [c.anchors, c.verdict])).to.deep.equal([["advised", "rejected"], ["path", "accepted"]]);
      expect(r.remediation.opensslProof![0]!.reason).to.match(/^UNABLE_TO_GET_ISSUER_CERT_LOCALLY/);
      expect(r.remediation.install.map((i) => [i.role, i.subject, i.source])).to.deep.equal([["root", "CN=Cross Root X", "held"], ["intermediate", "CN=Cross Int", "presented"]]);
      expect(r.remediation.verifiedAfterInstall).to.equal(true);
      const proof = flat(r.remediation.proof);
      expect(proof).to.include(`chaincheck accepts "CN=Cross Root X", but OpenSSL rejects "CN=Cross Root X" (UNABLE_TO_GET_ISSUER_CERT_LOCALLY`);
      expect(proof).to.include(`The set above is therefore "CN=Cross Int" and "CN=Cross Root X": with it both accept the chain`);
    });

    it("a trusted intermediate OpenSSL stops at: both verdicts stated, the advice is not called verified", async () => {
      const r = json((await runCli(verify("partial.pem", files["intY.pem"]!, "--format", "json"))).stdout);
      expect(r.remediation.opensslProof!.map((c) => [c.anchors, c.verdict])).to.deep.equal([["advised", "rejected"], ["path", "rejected"]]);
      expect(r.remediation.verifiedAfterInstall).to.equal(false);
      const proof = flat(r.remediation.proof);
      expect(proof).to.include(`Both verdicts: chaincheck accepts "CN=Cross Root X"; OpenSSL rejects "CN=Cross Root X" (UNABLE_TO_GET_ISSUER_CERT: unable to get issuer certificate)`);
      expect(proof).to.include("No set to install satisfies both");
      const text = (await runCli([...verify("partial.pem", files["intY.pem"]!), "--no-color"])).stdout;
      expect(text).to.include("Proof (not verified):");
    });

    it("live: the same check runs on the chain as sent", async () => {
      const server = await tlsServer({ cert: readFileSync(files["nobacktrack.pem"]!, "utf8"), key: readFileSync(files["leaf.key.pem"]!, "utf8") });
      try {
        const out = await runCli([`127.0.0.1:${server.port}`, "--servername", "cross.chaincheck.test", "--ca-file", join(CA, "other-root.pem"), "--intermediates", files["rootX.pem"]!, "--service", "tls", "--timeout", "5000", "--format", "json"]);
        const r = json(out.stdout);
        expect(r.remediation.opensslProof!.map((c) => c.verdict)).to.deep.equal(["rejected", "accepted"]);
        expect(r.remediation.install.map((i) => i.subject)).to.deep.equal(["CN=Cross Root X", "CN=Cross Int"]);
      } finally {
        await server.close();
      }
    });
  });

  it("leaf-only live server with the intermediate and root held: confirmed by OpenSSL against store + both", async () => {
    const leaf = readPemCerts(join(CA, "leaf.pem"));
    expect(leaf).to.have.length(1);
    const server = await tlsServer({ cert: readFileSync(join(CA, "leaf.pem"), "utf8"), key: readFileSync(join(CA, "leaf.key.pem"), "utf8") });
    try {
      const out = await runCli([`127.0.0.1:${server.port}`, "--servername", "tabpy.chaincheck.test", "--ca-file", join(CA, "other-root.pem"), "--intermediates", join(CA, "intermediate.pem"), "--intermediates", join(CA, "root.pem"), "--service", "tls", "--timeout", "5000", "--format", "json"]);
      const r = json(out.stdout);
      expect(r.remediation.install.map((i) => i.role)).to.deep.equal(["root", "intermediate"]);
      expect(r.remediation.opensslProof).to.deep.equal([{ anchors: "advised", verdict: "accepted", reason: null }]);
    } finally {
      await server.close();
    }
  });
});

describe("the OpenSSL proof is bounded (a live target's --timeout, verify's default)", () => {
  it("loopback: a budget too small for a handshake, or a cancelled check, gives \"unavailable\" at once, never a hang", async () => {
    const s = loadScenario("ok");
    const chain = s.presented.map((c) => c.der);
    const before = listeningServers();
    let started = Date.now();
    const tiny = await opensslLoopbackVerdict(chain, s.presented[0]!, pemsOf(s.trust), { timeoutMs: 1 });
    expect(tiny.verdict).to.equal("unavailable");
    expect(tiny.reason).to.match(/no answer within 1 ms/);
    expect(Date.now() - started).to.be.lessThan(1000);
    started = Date.now();
    const controller = new AbortController();
    controller.abort();
    const cancelled = await opensslLoopbackVerdict(chain, s.presented[0]!, pemsOf(s.trust), { signal: controller.signal });
    expect([cancelled.verdict, cancelled.reason]).to.deep.equal(["unavailable", "the loopback check could not run: the check was cancelled"]);
    expect(Date.now() - started).to.be.lessThan(1000);
    for (let i = 0; i < 50 && listeningServers() > before; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(listeningServers()).to.equal(before);
  });

  it("no time left of the deadline: OpenSSL is not asked (each set stays unanswered, no handshake started)", async () => {
    const s = loadScenario("ok");
    const plan = { chain: s.presented, candidates: [{ anchors: "advised" as const, certificates: s.trust }] };
    const before = listeningServers();
    const outcome = await runOpensslProof(plan, [], true, { deadline: performance.now() + 10 });
    expect(outcome.checks).to.have.length(1);
    expect(outcome.checks[0]).to.deep.include({ anchors: "advised", verdict: "unavailable" });
    expect(outcome.checks[0]!.reason).to.match(/^no time was left within the timeout \(\d+ ms\)$/);
    expect(listeningServers()).to.equal(before);
    // With time left (verify's default budget), the same plan is confirmed.
    expect((await runOpensslProof(plan, [], true)).checks.map((c) => c.verdict)).to.deep.equal(["accepted"]);
  });

  it("live: --aia downloads that stall use up --timeout; the proof then says OpenSSL could not be asked, within the bound", async function () {
    this.timeout(20_000);
    // An AIA server that accepts and never answers.
    const stall = await rawServer(() => {});
    const nb = new Date("2025-01-01T00:00:00Z");
    const na = new Date("2049-12-31T00:00:00Z");
    const [kR, kI, kL, kS, kU] = await Promise.all([1, 2, 3, 4, 5].map(() => generateKey("p256")));
    const R = { subject: "CN=Budget Root", key: kR! };
    const I = { subject: "CN=Budget Int", key: kI! };
    const root = await issueCertificate({ ...R, serial: "01", notBefore: nb, notAfter: na, ca: true });
    const int = await issueCertificate({ ...I, issuer: R, serial: "02", notBefore: nb, notAfter: na, ca: true });
    const leaf = await issueCertificate({ subject: "CN=budget.chaincheck.test", key: kL!, issuer: I, serial: "03", notBefore: nb, notAfter: na, ca: false, dnsNames: ["budget.chaincheck.test"] });
    // A stray certificate whose issuer is published only at the stalling URL.
    const stray = await issueCertificate({
      subject: "CN=Stray CA", key: kS!, issuer: { subject: "CN=Unknown CA", key: kU! }, serial: "04", notBefore: nb, notAfter: na, ca: true,
      caIssuersUrl: `http://127.0.0.1:${stall.port}/unknown.crt`,
    });
    const dir = mkdtempSync(join(tmpdir(), "chaincheck-proof-budget-"));
    writeFileSync(join(dir, "root.pem"), root.pem);
    const server = await tlsServer({ cert: leaf.pem + int.pem + stray.pem, key: kL!.privateKeyPem });
    try {
      const started = Date.now();
      const out = await runCli([`127.0.0.1:${server.port}`, "--servername", "budget.chaincheck.test", "--ca-file", join(CA, "other-root.pem"), "--intermediates", join(dir, "root.pem"),
        "--service", "tls", "--aia", "--timeout", "1500", "--format", "json"]);
      expect(Date.now() - started).to.be.lessThan(1500 + 1500);
      const r = json(out.stdout) as Json & { findings: { code: string }[] };
      expect(r.findings.map((f) => f.code)).to.include("AIA_FETCH_FAILED").and.not.include("CONNECTION_TIMEOUT");
      expect(r.remediation.install.map((i) => i.subject)).to.deep.equal(["CN=Budget Root"]);
      expect(r.remediation.opensslProof).to.have.length(1);
      expect(r.remediation.opensslProof![0]).to.deep.include({ anchors: "advised", verdict: "unavailable" });
      expect(r.remediation.opensslProof![0]!.reason).to.match(/^no time was left within the timeout/);
      expect(flat(r.remediation.proof)).to.match(/OpenSSL's check could not run: no time was left within the timeout \(\d+ ms\)\./);
    } finally {
      await server.close();
      await stall.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
