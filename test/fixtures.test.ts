import { expect } from "chai";
import { createPrivateKey, createPublicKey, X509Certificate } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { connect, createServer } from "node:tls";
import type { AddressInfo } from "node:net";
import { generateFixtures } from "../fixtures/gen/generate.js";
import { HEADLINE_RANK, SEVERITY } from "../fixtures/gen/scenario.js";
import type { Code } from "../fixtures/gen/scenario.js";
import { SCENARIOS } from "../fixtures/gen/scenarios/index.js";

const FIXTURES = fileURLToPath(new URL("../../fixtures/", import.meta.url));
const SCENARIO_DIR = join(FIXTURES, "scenarios");

/** Scenario names the project's issues require. */
const REQUIRED = `ok ok-wildcard wildcard-too-deep ok-ip-san wrong-host cn-only expired-leaf expired-intermediate
  expired-root not-yet-valid expiring-soon expired-leaf-missing-root leaf-only-missing-intermediate leaf-only-trusted
  missing-root root-presented-untrusted root-presented-trusted self-signed-leaf self-signed-leaf-trusted partial-anchor
  partial-anchor-partial-mode wrong-order extra-certificate duplicate-certificate intermediate-not-ca
  intermediate-no-keycertsign pathlen-exceeded eku-client-only eku-intermediate-client-only leaf-key-usage-invalid
  bad-signature name-constraints-ok name-constraints-violation name-constraints-excluded-ip unknown-critical-extension
  weak-sha1 weak-rsa1024 cross-signed issuer-loop long-chain ecdsa-p256 ecdsa-p384 ecdsa-p521 rsa-pss ed25519
  full-chain-as-rserve`.split(/\s+/);

interface Row {
  description: string; host: string | null; at: string; service?: string; partialChain?: boolean; leafKey: string;
  expect: { trusted: boolean; chainKind: string; headline: Code | null; codes: Code[]; path: string[] | null };
}

const readRow = (name: string): Row => JSON.parse(readFileSync(join(SCENARIO_DIR, name, "scenario.json"), "utf8")) as Row;

/** Scenarios holding, on purpose, one certificate Node (OpenSSL) cannot load: which file, at which position. */
const UNLOADABLE: Readonly<Record<string, { file: string; index: number }>> = {
  "malformed-intermediate-utf8": { file: "presented.pem", index: 1 },
  "malformed-leaf-utf8": { file: "presented.pem", index: 0 },
  "unreadable-held-intermediate": { file: "intermediates.pem", index: 0 },
};

function readPems(file: string, unloadable?: number): X509Certificate[] {
  const pems = readFileSync(file, "utf8").match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----\n/g) ?? [];
  return pems.flatMap((pem, i) => {
    if (i !== unloadable) return [new X509Certificate(pem)];
    expect(() => new X509Certificate(pem), `${file} #${i + 1} is meant to be unloadable`).to.throw();
    return [];
  });
}

const cn = (cert: X509Certificate): string => /^CN=(.*)$/m.exec(cert.subject)?.[1] ?? "";
const samePublicKey = (a: KeyObject, b: KeyObject): boolean =>
  a.export({ type: "spki", format: "der" }).equals(b.export({ type: "spki", format: "der" }));

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe("fixtures", function () {
  this.timeout(30_000);

  it("has a directory for every required scenario and no directory without a row", () => {
    const dirs = readdirSync(SCENARIO_DIR).sort();
    expect(dirs).to.deep.equal(SCENARIOS.map((s) => s.name).sort());
    expect(dirs).to.include.members(REQUIRED);
  });

  describe("every scenario is complete and parses", () => {
    for (const name of readdirSync(SCENARIO_DIR).sort()) {
      it(name, () => {
        const dir = join(SCENARIO_DIR, name);
        const row = readRow(name);
        const broken = UNLOADABLE[name];
        const read = (file: string) => readPems(join(dir, file), broken?.file === file ? broken.index : undefined);
        const presented = read("presented.pem");
        const trust = read("trust.pem");
        const extra = existsSync(join(dir, "intermediates.pem")) ? read("intermediates.pem") : [];
        expect(presented.length).to.be.greaterThan(0);
        expect(trust.length).to.be.greaterThan(0);
        expect(row.description).to.be.a("string").and.have.length.greaterThan(20);
        expect(new Date(row.at).toISOString().replace(".000", "")).to.equal(row.at);
        const leafKey = createPrivateKey(readFileSync(join(dir, row.leafKey)));
        // An unloadable leaf has no key to compare; its scenario says why (MALFORMED_CERTIFICATE).
        if (!(broken?.file === "presented.pem" && broken.index === 0)) {
          expect(samePublicKey(createPublicKey(leafKey), presented[0]!.publicKey)).to.equal(true, "leafKey fits the leaf");
        } else expect(row.expect.codes).to.include("MALFORMED_CERTIFICATE");

        const { codes, headline, trusted, path, chainKind } = row.expect;
        expect(codes).to.deep.equal([...codes].sort());
        for (const code of codes) expect(SEVERITY).to.have.property(code);
        const errors = codes.filter((c) => SEVERITY[c] === "error");
        expect(headline).to.equal(HEADLINE_RANK.find((c) => errors.includes(c)) ?? null);
        expect(trusted).to.equal(errors.length === 0);
        expect(["self-signed", "leaf-only", "full"]).to.include(chainKind);
        if (path) {
          const names = [...presented, ...trust, ...extra].map(cn);
          for (const n of path) expect(names).to.include(n);
          expect(trust.map(cn)).to.include(path[path.length - 1]);
        }
      });
    }
  });

  it("holds the default hierarchy in ca/", () => {
    const [root, intermediate, leaf] = ["root", "intermediate", "leaf"].map((n) => readPems(join(FIXTURES, "ca", `${n}.pem`))[0]!);
    expect(readPems(join(FIXTURES, "ca", "fullchain.pem")).map((c) => c.fingerprint256))
      .to.deep.equal([leaf!.fingerprint256, intermediate!.fingerprint256]);
    expect(root!.verify(root!.publicKey) && intermediate!.verify(root!.publicKey) && leaf!.verify(intermediate!.publicKey))
      .to.equal(true);
    for (const host of ["tabpy.chaincheck.test", "rserve.chaincheck.test", "localhost"]) {
      expect(leaf!.checkHost(host, { subject: "never" }), host).to.equal(host);
    }
    for (const ip of ["127.0.0.1", "::1"]) expect(leaf!.checkIP(ip), ip).to.equal(ip);
    const key = createPrivateKey(readFileSync(join(FIXTURES, "ca", "leaf.key.pem")));
    expect(samePublicKey(createPublicKey(key), leaf!.publicKey)).to.equal(true);
  });

  it("regenerates byte for byte from the committed keys", async () => {
    const tmp = mkdtempSync(join(tmpdir(), "chaincheck-fixtures-"));
    try {
      cpSync(join(FIXTURES, "keys"), join(tmp, "keys"), { recursive: true });
      const summary = await generateFixtures({ dir: tmp });
      expect(summary.newKeys).to.deep.equal([]);
      const randomised = new Set(["ecdsa-p256", "ecdsa-p384", "ecdsa-p521", "rsa-pss"]);
      for (const file of filesUnder(tmp)) {
        const rel = relative(tmp, file);
        const [top, scenario, base] = rel.split(/[\\/]/);
        if (top === "scenarios" && randomised.has(scenario ?? "") && base !== "scenario.json") continue;
        expect(readFileSync(file).equals(readFileSync(join(FIXTURES, rel))), rel).to.equal(true);
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  describe("trusted scenarios serve over TLS to a strict Node client", () => {
    const now = Date.now();
    const validNow = (c: X509Certificate): boolean => Date.parse(c.validFrom) <= now && now <= Date.parse(c.validTo);
    // Leaf and anchors valid in real time (not the time-sensitive scenarios). cross-signed is included: its
    // expired intA comes first, and OpenSSL gets through only by preferring the unexpired intB.
    const servable = SCENARIOS.filter((s) => s.expect.trusted && !s.partialChain && s.service === undefined)
      .map((s) => s.name)
      .filter((name) => [...readPems(join(SCENARIO_DIR, name, "presented.pem")).slice(0, 1),
        ...readPems(join(SCENARIO_DIR, name, "trust.pem"))].every(validNow));
    for (const name of servable) {
      it(name, async () => {
        const dir = join(SCENARIO_DIR, name);
        const row = readRow(name);
        const server = createServer({
          key: readFileSync(join(dir, row.leafKey)), cert: readFileSync(join(dir, "presented.pem")),
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        try {
          const host = row.host ?? "localhost";
          const ip = /^[\d.:]+$/.test(host);
          const authorized = await new Promise<string>((resolve) => {
            const socket = connect({
              host: "127.0.0.1", port: (server.address() as AddressInfo).port, ca: readFileSync(join(dir, "trust.pem")),
              servername: ip ? undefined : host, rejectUnauthorized: false,
              checkServerIdentity: () => undefined,
            }, () => {
              resolve(socket.authorized ? "authorized" : String(socket.authorizationError));
              socket.destroy();
            });
            socket.setTimeout(5_000, () => { resolve("timeout"); socket.destroy(); });
            socket.on("error", (err) => resolve(err.message));
          });
          expect(authorized).to.equal("authorized");
        } finally {
          await new Promise((resolve) => server.close(resolve));
        }
      });
    }
  });
});
