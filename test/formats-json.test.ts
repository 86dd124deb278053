/**
 * The JSON report against its JSON Schema (docs/report.schema.json, draft 2020-12): real output of `verify` for every
 * scenario, live probes against local servers (TabPy-like, plain TLS), results that could not be checked, policy
 * findings, and the --report support file. The schema is strict: it also rejects drift.
 */
import { expect } from "chai";
import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import type { ValidateFunction } from "ajv";
import { startTabpyLikeServer, type RunningServer } from "../src/demo/servers.js";
import { hostile, tlsServer, type TestServer } from "./support/hostile-servers.js";
import { runCli } from "./support/cli.js";

const SCHEMA_PATH = "docs/report.schema.json";
const CA = "fixtures/ca";
const SCENARIOS = "fixtures/scenarios";
const HOST = "tabpy.chaincheck.test";

/** Compiles the repo's schema with ajv in strict mode (unknown keywords, missing types and the like are errors). */
function reportValidator(): ValidateFunction {
  const ajv = new Ajv2020.default({ strict: true, allErrors: true });
  return ajv.compile(JSON.parse(readFileSync(SCHEMA_PATH, "utf8")) as object);
}

function expectValid(validate: ValidateFunction, document: unknown, what: string): void {
  const ok = validate(document);
  expect(ok, `${what}: ${JSON.stringify(validate.errors?.slice(0, 3), null, 1)}`).to.equal(true);
}

describe("JSON report schema (docs/report.schema.json)", function () {
  this.timeout(20_000);
  let validate: ValidateFunction;
  let tmp: string;
  const servers: (TestServer | RunningServer)[] = [];
  const leaf = readFileSync(join(CA, "leaf.pem"), "utf8");
  const intermediate = readFileSync(join(CA, "intermediate.pem"), "utf8");
  const key = readFileSync(join(CA, "leaf.key.pem"), "utf8");

  before(async () => {
    validate = reportValidator();
    tmp = await mkdtemp(join(tmpdir(), "chaincheck-schema-"));
  });
  after(() => rm(tmp, { recursive: true, force: true }));
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it("is a draft 2020-12 schema that compiles in strict mode", () => {
    const schema = JSON.parse(readFileSync(SCHEMA_PATH, "utf8")) as { $schema: string };
    expect(schema.$schema).to.equal("https://json-schema.org/draft/2020-12/schema");
    expect(validate).to.be.a("function");
  });

  describe("verify output of every scenario", () => {
    for (const name of readdirSync(SCENARIOS).sort()) {
      it(name, async () => {
        const dir = join(SCENARIOS, name);
        const scenario = JSON.parse(readFileSync(join(dir, "scenario.json"), "utf8")) as { host: string | null; at: string; service?: string; partialChain?: boolean };
        const args = ["verify", join(dir, "presented.pem"), "--ca-file", join(dir, "trust.pem"), "--at", scenario.at, "--format", "json", "--target-os", "rhel"];
        if (scenario.host) args.push("--host", scenario.host);
        if (scenario.service) args.push("--service", scenario.service);
        if (scenario.partialChain) args.push("--partial-chain");
        const out = await runCli(args);
        expect(out.code, out.stderr).to.be.oneOf([0, 1]);
        expectValid(validate, JSON.parse(out.stdout), name);
      });
    }
  });

  it("verify with every policy finding (--min-days, pins)", async () => {
    const dir = join(SCENARIOS, "ok");
    const out = await runCli(["verify", join(dir, "presented.pem"), "--ca-file", join(dir, "trust.pem"), "--host", HOST, "--at", "2049-12-20T00:00:00Z",
      "--min-days", "90", "--expect-issuer", "CN=Someone Else", "--expect-fingerprint", "ab".repeat(32), "--format", "json"]);
    expect(out.code).to.equal(1);
    const doc = JSON.parse(out.stdout) as { results: { findings: { code: string }[] }[] };
    expect(doc.results[0]!.findings.map((f) => f.code)).to.include.members(["EXPIRES_TOO_SOON", "PIN_MISMATCH"]);
    expectValid(validate, doc, "policies");
  });

  it("verify with INPUT_NOTE findings (a PKCS#12 without MAC, OpenSSL trust settings in the --ca-file)", async () => {
    const out = await runCli(["verify", "fixtures/formats/chain-nomac.p12", "--ca-file", "fixtures/formats/root-trusted.pem", "--host", "tabpy.example.test",
      "--at", "2030-01-01T00:00:00Z", "--format", "json"]);
    expect(out.code, out.stderr).to.equal(0);
    const doc = JSON.parse(out.stdout) as { results: { findings: { code: string; severity: string }[] }[] };
    expect(doc.results[0]!.findings.filter((f) => f.code === "INPUT_NOTE").map((f) => f.severity)).to.deep.equal(["info", "info"]);
    expectValid(validate, doc, "input notes");
  });

  it("live probes (TabPy-like, plain TLS with --expect-same-chain) and results that could not be checked", async () => {
    const tabpy = await startTabpyLikeServer({ certPem: leaf + intermediate, keyPem: key });
    servers.push(tabpy);
    const plain = await tlsServer({ key, cert: leaf });
    const stall = await hostile.silent();
    const http = await hostile.plainHttp();
    const closed = await hostile.silent();
    await closed.close();
    servers.push(plain, stall, http);
    const targets = [tabpy, plain, stall, http, closed].map((s) => `127.0.0.1:${s.port}`);
    const report = join(tmp, "support.json");
    const out = await runCli([...targets, "--ca-file", join(CA, "root.pem"), "--servername", HOST, "--timeout", "800", "--format", "json", "--expect-same-chain", "--report", report]);
    expect(out.code).to.equal(1);
    const doc = JSON.parse(out.stdout) as { results: { status: string; service: string | null; headline: string | null }[] };
    expect(doc.results.map((r) => r.status)).to.deep.equal(["pass", "fail", "error", "error", "error"]);
    expect(doc.results[0]!.service).to.equal("tabpy");
    expect(doc.results.slice(2).map((r) => r.headline)).to.deep.equal(["CONNECTION_TIMEOUT", "NOT_TLS", "CONNECTION_REFUSED"]);
    expectValid(validate, doc, "live");
    expectValid(validate, JSON.parse(await readFile(report, "utf8")), "--report support file");
  });

  describe("rejects documents that break the contract", () => {
    type Doc = { results: Record<string, unknown>[]; [k: string]: unknown };
    let okJson = "";
    before(async () => {
      const dir = join(SCENARIOS, "ok");
      okJson = (await runCli(["verify", join(dir, "presented.pem"), "--ca-file", join(dir, "trust.pem"), "--host", HOST, "--at", "2030-01-01T00:00:00Z", "--format", "json"])).stdout;
    });
    const base = () => JSON.parse(okJson) as Doc;
    const rows: [string, (doc: Doc) => void][] = [
      ["an unknown status", (d) => void (d.results[0]!.status = "ok")],
      ["an undocumented field", (d) => void (d.results[0]!.extra = 1)],
      ["a missing field", (d) => void delete d.results[0]!.findings],
      ["a fingerprint with colons", (d) => void (d.results[0]!.path = ["AB:CD"])],
      ["status pass with trusted false", (d) => void (d.results[0]!.trusted = false)],
      ["another schemaVersion", (d) => void (d.schemaVersion = 3)],
    ];
    for (const [name, mutate] of rows) {
      it(name, () => {
        const doc = base();
        expectValid(validate, doc, "ok.json");
        mutate(doc);
        expect(validate(doc)).to.equal(false);
      });
    }
  });
});
