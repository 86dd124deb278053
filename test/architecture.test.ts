/**
 * I/O only at the edges: the pure core (parsing, validation, findings, advice, reports, policies) never
 * imports file, network or process modules. The edges are src/probe, src/input/read.ts, src/input/prompt.ts,
 * src/trust/system.ts, src/trust/host.ts, src/advise/aia.ts, src/advise/detect-os.ts, src/tableau/http.ts, src/cli and src/commands.
 */
import { expect } from "chai";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const SRC = new URL("../../src/", import.meta.url).pathname;
const PURE_DIRS = ["asn1", "words", "result", "cert", "validate", "findings", "report", "advise", "policy", "tableau"];
const PURE_FILES = ["types.ts", "proof/server-flight.ts", "trust/store.ts", "input/decode.ts", "input/pem.ts",
  "trust/errors.ts", "trust/os-stores.ts", "trust/windows.ts", "trust/macos.ts", "trust/apple-trust.ts", "trust/plist.ts", "trust/load-os.ts"];
const EDGES = new Set(["advise/aia.ts", "advise/detect-os.ts", "tableau/http.ts"]);
const FORBIDDEN = /from "node:(fs|fs\/promises|net|tls|http|https|child_process|dns)"|\bprocess\.(env|exit|stdout|stderr|stdin|argv)\b/;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : path.endsWith(".ts") ? [path] : [];
  });
}

describe("architecture: I/O only at the edges", () => {
  const pure = [...PURE_DIRS.flatMap((d) => filesUnder(join(SRC, d))), ...PURE_FILES.map((f) => join(SRC, f))]
    .map((path) => relative(SRC, path))
    .filter((rel) => !EDGES.has(rel));

  it("has pure modules to check", () => expect(pure.length).to.be.greaterThan(40));

  for (const rel of pure) {
    it(`src/${rel} does no file, network or process I/O`, () => {
      const text = readFileSync(join(SRC, rel), "utf8");
      expect(FORBIDDEN.exec(text)?.[0] ?? null).to.equal(null);
    });
  }
});
