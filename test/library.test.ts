/** The library API: `import { verifyChain } from "chaincheck"` returns the CLI's result object. */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { InputError, verifyChain } from "../src/index.js";
import { FIXTURES } from "./support/scenarios.js";

const pem = (file: string) => readFileSync(join(FIXTURES, file), "utf8");
const AT = new Date("2030-01-01T00:00:00Z");

describe("library: verifyChain", () => {
  it("PEM leaf + intermediates + anchors: trusted, with the path and no advice", async () => {
    const result = await verifyChain({ leaf: pem("ca/leaf.pem"), intermediates: [pem("ca/intermediate.pem")], anchors: [pem("ca/root.pem")], host: "tabpy.chaincheck.test", at: AT });
    expect([result.trusted, result.status, result.chainKind, result.path?.length]).to.deep.equal([true, "pass", "full", 3]);
    expect(result.remediation.install).to.deep.equal([]);
  });

  it("DER bytes work as well as PEM; a wrong host is HOSTNAME_MISMATCH", async () => {
    const der = new Uint8Array(Buffer.from(pem("ca/leaf.pem").replace(/-----[^-]+-----|\s/g, ""), "base64"));
    const result = await verifyChain({ leaf: der, intermediates: [pem("ca/intermediate.pem")], anchors: [pem("ca/root.pem")], host: "other.example", at: AT });
    expect([result.trusted, result.headline]).to.deep.equal([false, "HOSTNAME_MISMATCH"]);
  });

  it("partialChain: an intermediate anchor is enough for partial-chain clients only", async () => {
    const options = { leaf: pem("ca/leaf.pem"), anchors: [pem("ca/intermediate.pem")], host: "tabpy.chaincheck.test", at: AT };
    expect((await verifyChain(options)).headline).to.equal("PARTIAL_CHAIN_ANCHOR");
    expect((await verifyChain({ ...options, partialChain: true })).trusted).to.equal(true);
  });

  it("service rserve: judged as Rserve sends its file, the leaf alone (the rest held, so the advice can name it)", async () => {
    const result = await verifyChain({ leaf: pem("ca/fullchain.pem"), anchors: [pem("ca/root.pem")], host: "tabpy.chaincheck.test", at: AT, service: "rserve" });
    expect([result.trusted, result.chainKind, result.presented.length, result.headline]).to.deep.equal([false, "leaf-only", 1, "ISSUER_NOT_FOUND"]);
    expect(result.remediation.install.map((i) => [i.role, i.source, i.kind])).to.deep.equal([["intermediate", "held", "certificate"]]);
    expect(result.remediation.verifiedAfterInstall).to.equal(true);
    expect(result.findings.find((f) => f.code === "ISSUER_NOT_FOUND")!.evidence).to.include({ subject: "CN=Chaincheck Test Server, O=chaincheck" });
  });

  it("without anchors it reads the system store (SSL_CERT_FILE honoured)", async () => {
    const saved = process.env.SSL_CERT_FILE;
    const savedDir = process.env.SSL_CERT_DIR;
    process.env.SSL_CERT_FILE = join(FIXTURES, "ca/root.pem");
    delete process.env.SSL_CERT_DIR;
    try {
      const result = await verifyChain({ leaf: pem("ca/fullchain.pem"), host: "tabpy.chaincheck.test", at: AT });
      expect(result.trusted).to.equal(true);
      expect(result.trustStore).to.include("ca/root.pem");
    } finally {
      if (saved === undefined) delete process.env.SSL_CERT_FILE; else process.env.SSL_CERT_FILE = saved;
      if (savedDir !== undefined) process.env.SSL_CERT_DIR = savedDir;
    }
  });

  it("malformed input throws a one-line InputError", async () => {
    let caught: unknown;
    try {
      await verifyChain({ leaf: "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n", anchors: [] });
    } catch (err) {
      caught = err;
    }
    expect(caught).to.be.instanceOf(InputError);
    expect((caught as Error).message).to.not.include("\n");
  });
});
