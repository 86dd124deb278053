/** The README is part of the contract: it documents every finding code, option and exit code the code has. */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { FINDINGS } from "../src/words/findings.js";
import { runCli } from "./support/cli.js";

const README = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

describe("README stays true to the code", () => {
  it("lists every finding code with its severity, and no code that does not exist", () => {
    const rows = [...README.matchAll(/^\| `([A-Z_]+)` \| (error|warning|info) \|/gm)].map((m) => [m[1]!, m[2]!]);
    const documented = new Map(rows as [string, string][]);
    for (const [code, info] of Object.entries(FINDINGS)) expect(documented.get(code), code).to.equal(info.severity);
    expect([...documented.keys()].filter((c) => !(c in FINDINGS))).to.deep.equal([]);
  });

  for (const command of ["check", "verify", "tableau", "exporter", "demo"]) {
    it(`documents every option of \`${command}\``, async () => {
      const help = (await runCli([command, "--help"])).stdout;
      const options = [...help.matchAll(/^\s+(?:-\w, )?(--[a-z-]+)/gm)].map((m) => m[1]!).filter((o) => o !== "--help");
      expect(options.length).to.be.greaterThan(0);
      for (const option of options) expect(README, option).to.include(option);
    });
  }

  it("gives the two quick-start commands and the exit codes", () => {
    expect(README).to.include("npm ci && npm run demo");
    expect(README).to.include("npm test");
    for (const code of ["| 0 |", "| 1 |", "| 2 |", "| 3 |"]) expect(README).to.include(code);
  });
});
