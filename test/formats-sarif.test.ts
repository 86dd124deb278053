/**
 * SARIF 2.1.0: one result per finding, ruleId = the finding code, rules from the catalog, levels from severities,
 * the target as location (file URI for verify; endpoint plus --targets-file line for live checks). The log is
 * validated against the subset of the OASIS SARIF 2.1.0 schema that chaincheck emits (property names, types and
 * required members as in sarif-schema-2.1.0.json; additionalProperties false so a typo fails).
 */
import { expect } from "chai";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import Ajv from "ajv";
import { FINDINGS } from "../src/words/findings.js";
import type { ChainResult } from "../src/result/verdict.js";
import type { JsonReport } from "../src/report/json.js";
import { artifactUri, renderSarif, SARIF_SCHEMA } from "../src/report/sarif.js";
import { tlsServer, type TestServer } from "./support/hostile-servers.js";
import { runCli } from "./support/cli.js";
import { readFileSync } from "node:fs";

const str = { type: "string" } as const;
const message = { type: "object", required: ["text"], additionalProperties: false, properties: { text: str } } as const;
const bag = { type: "object" } as const;
const artifactLocation = { type: "object", additionalProperties: false, properties: { uri: str, uriBaseId: str } } as const;
const SARIF_SUBSET = {
  type: "object", required: ["version", "runs"], additionalProperties: false,
  properties: {
    $schema: str,
    version: { enum: ["2.1.0"] },
    runs: { type: "array", items: {
      type: "object", required: ["tool"], additionalProperties: false,
      properties: {
        tool: { type: "object", required: ["driver"], additionalProperties: false, properties: {
          driver: { type: "object", required: ["name"], additionalProperties: false, properties: {
            name: str, version: str, semanticVersion: str,
            rules: { type: "array", items: { type: "object", required: ["id"], additionalProperties: false, properties: {
              id: str, name: str, shortDescription: message, fullDescription: message, help: message,
              defaultConfiguration: { type: "object", additionalProperties: false, properties: { level: { enum: ["none", "note", "warning", "error"] } } },
              properties: bag,
            } } },
          } },
        } },
        invocations: { type: "array", items: { type: "object", required: ["executionSuccessful"], properties: { executionSuccessful: { type: "boolean" } } } },
        results: { type: "array", items: {
          type: "object", required: ["message"], additionalProperties: false,
          properties: {
            ruleId: str, ruleIndex: { type: "integer", minimum: -1 }, level: { enum: ["none", "note", "warning", "error"] }, message,
            locations: { type: "array", items: { type: "object", additionalProperties: false, properties: {
              physicalLocation: { type: "object", additionalProperties: false, properties: {
                artifactLocation,
                region: { type: "object", additionalProperties: false, properties: { startLine: { type: "integer", minimum: 1 } } },
              } },
              logicalLocations: { type: "array", items: { type: "object", additionalProperties: false, properties: { name: str, fullyQualifiedName: str, kind: str } } },
            } } },
            partialFingerprints: { type: "object", additionalProperties: str },
            properties: bag,
          },
        } },
        properties: bag,
      },
    } },
  },
};

interface SarifLog {
  $schema: string;
  version: string;
  runs: {
    tool: { driver: { name: string; rules: { id: string; shortDescription: { text: string }; help: { text: string }; defaultConfiguration: { level: string } }[] } };
    results: { ruleId: string; ruleIndex: number; level: string; message: { text: string }; locations: { physicalLocation?: { artifactLocation: { uri: string }; region?: { startLine: number } }; logicalLocations?: { name: string; fullyQualifiedName: string }[] }[] }[];
  }[];
}

describe("SARIF 2.1.0", function () {
  this.timeout(20_000);
  const validate = new Ajv.default({ strict: true, allErrors: true }).compile(SARIF_SUBSET);
  const parse = (text: string): SarifLog => {
    const log = JSON.parse(text) as SarifLog;
    expect(validate(log), JSON.stringify(validate.errors?.slice(0, 3))).to.equal(true);
    return log;
  };
  const scenario = (name: string, format = "json", ...extra: string[]) => {
    const dir = join("fixtures/scenarios", name);
    return ["verify", join(dir, "presented.pem"), "--ca-file", join(dir, "trust.pem"), "--host", "tabpy.chaincheck.test", "--at", "2030-01-01T00:00:00Z", "--format", format, ...extra];
  };
  let results: ChainResult[];
  before(async () => {
    results = [];
    for (const name of ["ok", "expiring-soon", "leaf-only-missing-intermediate", "weak-sha1", "wrong-order"]) {
      results.push((JSON.parse((await runCli(scenario(name))).stdout) as JsonReport).results[0]!);
    }
  });

  it("one result per finding, ruleId = code, rules from the catalog, levels from severities", () => {
    const log = parse(renderSarif(results, { version: "1.2.3" }));
    expect(log.$schema).to.equal(SARIF_SCHEMA);
    const [run] = log.runs;
    const findings = results.flatMap((r) => r.findings.map((f) => ({ r, f })));
    expect(run!.results).to.have.length(findings.length);
    const rules = run!.tool.driver.rules;
    expect(rules.map((x) => x.id)).to.deep.equal([...new Set(findings.map(({ f }) => f.code))].sort());
    for (const rule of rules) {
      const info = FINDINGS[rule.id as keyof typeof FINDINGS];
      expect(rule.shortDescription.text).to.equal(info.title);
      expect(rule.defaultConfiguration.level).to.equal({ error: "error", warning: "warning", info: "note" }[info.severity]);
      expect(findings.some(({ f }) => f.code === rule.id && f.remediation === rule.help.text)).to.equal(true);
    }
    run!.results.forEach((res, k) => {
      const { r, f } = findings[k]!;
      expect(res.ruleId).to.equal(f.code);
      expect(rules[res.ruleIndex]!.id).to.equal(f.code);
      expect(res.level).to.equal({ error: "error", warning: "warning", info: "note" }[f.severity]);
      expect(res.message.text.startsWith(f.message)).to.equal(true);
      if (!res.message.text.endsWith(f.message)) expect(res.message.text).to.include(`Fix: ${f.remediation}`);
      expect(res.locations[0]!.physicalLocation!.artifactLocation.uri).to.equal(r.target);
    });
  });

  it("a clean run has rules and results empty", () => {
    const log = parse(renderSarif([results[0]!], { version: "1" }));
    expect(log.runs[0]!.results).to.deep.equal([]);
    expect(log.runs[0]!.tool.driver.rules).to.deep.equal([]);
  });

  it("file targets become URI references: relative paths stay relative, absolute ones are file URIs", () => {
    expect(artifactUri("fixtures/my bundle.pem")).to.equal("fixtures/my%20bundle.pem");
    expect(artifactUri("..\\certs\\a#1.pem")).to.equal("../certs/a%231.pem");
    expect(artifactUri(resolve("/tmp/x y.pem"))).to.equal("file:///tmp/x%20y.pem");
  });

  it("`--format sarif` for verify and for live targets from a targets file (file + line, endpoint)", async () => {
    const verify = parse((await runCli(scenario("missing-root", "sarif"))).stdout);
    expect(verify.runs[0]!.results[0]!.ruleId).to.equal("ISSUER_NOT_FOUND");

    const servers: TestServer[] = [];
    const tmp = await mkdtemp(join(tmpdir(), "chaincheck-sarif-"));
    try {
      const ca = (n: string) => readFileSync(join("fixtures/ca", n), "utf8");
      servers.push(await tlsServer({ key: ca("leaf.key.pem"), cert: ca("leaf.pem") }));
      const target = `127.0.0.1:${servers[0]!.port}`;
      const file = join(tmp, "fleet.txt");
      await writeFile(file, `# fleet\n\n${target} servername=tabpy.chaincheck.test service=tls\n`);
      const out = await runCli(["--targets-file", file, "--ca-file", "fixtures/ca/root.pem", "--format", "sarif", "--output", join(tmp, "out.sarif")]);
      expect(out.code).to.equal(1);
      const log = parse(readFileSync(join(tmp, "out.sarif"), "utf8"));
      const located = log.runs[0]!.results.find((r) => r.ruleId === "ISSUER_NOT_FOUND")!;
      expect(located.locations[0]!.physicalLocation).to.deep.equal({ artifactLocation: { uri: artifactUri(file) }, region: { startLine: 3 } });
      expect(located.locations[0]!.logicalLocations).to.deep.equal([{ name: target, fullyQualifiedName: `tls://${target}`, kind: "resource" }]);
    } finally {
      await Promise.all(servers.map((s) => s.close()));
      await rm(tmp, { recursive: true, force: true });
    }
  });

  it("hostile certificate text stays valid JSON with bidi controls escaped", () => {
    const nasty = "CN=\u202eevil\u0000\u001b[2J\"}]";
    const r = results[2]!;
    const text = renderSarif([{ ...r, target: nasty, findings: r.findings.map((f) => ({ ...f, message: nasty, remediation: nasty })) }], { version: "1" });
    expect(text).to.not.include("\u202e").and.not.include("\u0000").and.not.include("\u001b");
    const log = parse(text);
    expect(log.runs[0]!.results[0]!.message.text).to.equal(nasty);
  });
});
