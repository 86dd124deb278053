/** The golden-file helper: a missing golden fails the test and is not written, unless UPDATE_GOLDEN=1. */
import { expect } from "chai";
import { existsSync } from "node:fs";
import { expectGolden } from "./support/golden.js";

describe("golden files", () => {
  it("a missing golden is a failure, and the helper does not create it", function () {
    if (process.env.UPDATE_GOLDEN === "1") this.skip();
    const name = "no-such-golden-file.txt";
    expect(() => expectGolden(name, "anything\n")).to.throw(/golden file test\/golden\/no-such-golden-file\.txt is missing/);
    expect(existsSync(new URL(`../../test/golden/${name}`, import.meta.url))).to.equal(false);
  });
});
