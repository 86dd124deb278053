/** Golden files: compare with test/golden/<name>; UPDATE_GOLDEN=1 rewrites them. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { expect } from "chai";

const GOLDEN_DIR = new URL("../../../test/golden/", import.meta.url).pathname;

export function expectGolden(name: string, actual: string): void {
  const path = join(GOLDEN_DIR, name);
  if (process.env.UPDATE_GOLDEN === "1" || !existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    if (process.env.UPDATE_GOLDEN !== "1" && process.env.CI) throw new Error(`golden file ${name} is missing (run UPDATE_GOLDEN=1 npm test)`);
    return;
  }
  expect(actual, `golden ${name} differs (UPDATE_GOLDEN=1 rewrites it)`).to.equal(readFileSync(path, "utf8"));
}
