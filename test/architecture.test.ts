/**
 * The layers (docs/ARCHITECTURE.md), checked by dependency-cruiser on the compiled output with the rules of
 * .dependency-cruiser.cjs: no cycles, no I/O in the core, the core never calls an edge, cli -> app -> core. What an
 * import graph cannot show, a process global (process.env, process.stdin, ...), is checked on the core's sources.
 */
import { expect } from "chai";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { cruise, type IConfiguration, type ICruiseResult } from "dependency-cruiser";

const ROOT = new URL("../../", import.meta.url).pathname;
const SRC = join(ROOT, "src");
const config = createRequire(import.meta.url)(join(ROOT, ".dependency-cruiser.cjs")) as IConfiguration;

/** Cruises `dir`/src (paths in the result are relative to `dir`). */
async function cruised(dir: string): Promise<ICruiseResult> {
  const { output } = await cruise(["src"], { ...config.options, baseDir: dir, ruleSet: { forbidden: config.forbidden! }, validate: true, outputType: "json" });
  return JSON.parse(output as string) as ICruiseResult;
}

const violations = (result: ICruiseResult) => result.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}${v.cycle ? ` (cycle ${v.cycle.map((c) => c.name).join(" -> ")})` : ""}`);

describe("architecture: the layers, checked by dependency-cruiser", function () {
  this.timeout(60_000);
  let result: ICruiseResult;
  before(async () => {
    result = await cruised(join(ROOT, "dist"));
  });

  it("cruises every module of the compiled output", () => {
    const modules = result.modules.filter((m) => m.source.startsWith("src/")).map((m) => m.source);
    const count = (pattern: RegExp) => modules.filter((m) => pattern.test(m)).length;
    expect(count(/^src\/(asn1|cert|findings|validate|words|result|policy|report|advise)\//), "core modules").to.be.greaterThan(60);
    expect(count(/^src\/app\//), "orchestration modules").to.be.greaterThan(10);
    expect(count(/^src\/cli\//), "command-line modules").to.be.greaterThan(15);
    expect(count(/^src\/(probe|proof|aia|trust|input|tableau|exporter|demo)\//), "edge folders").to.be.greaterThan(40);
  });

  it("no rule is broken: no cycle, no I/O below the edges, cli -> app -> core", () => {
    expect(violations(result)).to.deep.equal([]);
  });

  it("each rule fires on the import it forbids (a tree built to break them)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "chaincheck-layers-"));
    const files: Record<string, string> = {
      "src/cert/bad.js": 'import { readFileSync } from "node:fs"; import "../app/a.js"; export const x = readFileSync;',
      "src/app/a.js": 'import "../probe/probe.js"; import "./b.js"; export const a = 1;',
      "src/app/b.js": 'import "./a.js"; import "../cli/c.js"; export const b = 1;',
      "src/cli/c.js": 'import "../probe/probe.js"; export const c = 1;',
      "src/probe/probe.js": 'import "node:net"; export const p = 1;',
      "src/report/r.js": 'import "../probe/probe.js"; export const r = 1;',
    };
    try {
      for (const [path, text] of Object.entries(files)) {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), text);
      }
      const names = new Set((await cruised(dir)).summary.violations.map((v) => v.rule.name));
      expect([...names].sort()).to.deep.equal(config.forbidden!.map((r) => r.name!).sort());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("architecture: no process globals in the core", () => {
  const edgeRule = config.forbidden!.find((r) => r.name === "core-uses-no-edge") as { to: { path: string } };
  const EDGE = new RegExp(edgeRule.to.path.replace(/\\.js/g, "\\.ts"));
  const CORE_DIRS = ["asn1", "cert", "findings", "validate", "words", "result", "policy", "report", "advise", "input", "trust", "tableau", "exporter", "probe", "proof", "pki", "demo"];
  const GLOBALS = /\bprocess\.(env|exit|stdout|stderr|stdin|argv|on|once|off|chdir|cwd)\b/;
  const filesUnder = (dir: string): string[] => readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : path.endsWith(".ts") ? [path] : [];
  });
  const core = CORE_DIRS.flatMap((d) => filesUnder(join(SRC, d))).map((path) => `src/${relative(SRC, path)}`).filter((rel) => !EDGE.test(rel));

  it("has core modules to check", () => expect(core.length).to.be.greaterThan(100));

  for (const rel of core) {
    it(`${rel} reads no process global (environment, streams, exit, signals)`, () => {
      expect(GLOBALS.exec(readFileSync(join(ROOT, rel), "utf8"))?.[0] ?? null).to.equal(null);
    });
  }
});
