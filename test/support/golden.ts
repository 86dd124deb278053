/**
 * Golden files: compare with test/golden/<name>. A missing golden is a failure, never created silently (CI would
 * otherwise pass on a golden it just wrote); UPDATE_GOLDEN=1 writes or rewrites them.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { expect } from "chai";

const GOLDEN_DIR = new URL("../../../test/golden/", import.meta.url).pathname;

export function expectGolden(name: string, actual: string): void {
  const path = join(GOLDEN_DIR, name);
  if (process.env.UPDATE_GOLDEN === "1") {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  if (!existsSync(path)) expect.fail(`golden file test/golden/${name} is missing (UPDATE_GOLDEN=1 npm test writes it; then read it)`);
  expect(actual, `golden ${name} differs (UPDATE_GOLDEN=1 rewrites it)`).to.equal(readFileSync(path, "utf8"));
}
