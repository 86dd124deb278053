/**
 * Terminal safety on every stderr path (issue 12): error messages carry file names, PEM labels, `--at` values,
 * option values, target lines and server banners, all chosen by someone else. Each goes through the reports'
 * neutralisation (src/report/safe-text.ts): one line, no raw control, escape or bidi character. And strict
 * `--at` parsing: an impossible date or time is a usage error.
 */
import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAt } from "../src/cli/options.js";
import { runCli, type CliRun } from "./support/cli.js";
import { rawServer, type TestServer } from "./support/hostile-servers.js";
import { FIXTURES } from "./support/scenarios.js";

const CA = join(FIXTURES, "ca");
/** ESC-based clear screen and OSC window title, BEL, CR, a newline, C1 CSI, RLO. */
const EVIL = "\u001b[2J\u001b]0;pwned\u0007\rforged\nline\u009b31m\u202eRLO";
/** Raw characters that must never reach the terminal from data (the message's own final newline aside). */
const RAW_UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

function expectInert(out: CliRun, code: number): void {
  expect(out.code, out.stderr).to.equal(code);
  for (const [name, text] of [["stderr", out.stderr], ["stdout", out.stdout]] as const) {
    expect(RAW_UNSAFE.test(text), `${name}: ${JSON.stringify(text)}`).to.equal(false);
    expect(text, name).not.to.match(/^forged/m);
  }
  if (code === 2) {
    expect(out.stderr).to.match(/^chaincheck: [^\n]*\n$/);
    expect(out.stderr).not.to.match(/\n\s+at /);
  }
}

describe("terminal safety of stderr", function () {
  this.timeout(20_000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "chaincheck-stderr-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("a hostile file name (missing file)", async () => {
    expectInert(await runCli(["verify", join(dir, `${EVIL}.pem`)]), 2);
  });

  it("a hostile PEM END label is shown escaped", async () => {
    const file = join(dir, "label.pem");
    writeFileSync(file, `-----BEGIN CERTIFICATE-----\nMIIB\n-----END ${EVIL.replace(/[\r\n]/g, "")}-----\n`);
    const out = await runCli(["verify", file]);
    expectInert(out, 2);
    expect(out.stderr).to.include("ends with -----END \\u{001b}[2J\\u{001b}]0;pwned\\u{0007}");
  });

  it("a hostile --at value", async () => {
    const out = await runCli(["verify", join(CA, "fullchain.pem"), "--at", `2030-01-01${EVIL}`]);
    expectInert(out, 2);
    expect(out.stderr).to.include("--at: \"2030-01-01\\u{001b}[2J");
  });

  it("hostile option values in commander's own errors and in ours", async () => {
    for (const args of [
      ["verify", join(CA, "fullchain.pem"), "--format", EVIL],
      ["verify", join(CA, "fullchain.pem"), "--target-os", EVIL],
      ["verify", join(CA, "fullchain.pem"), "--expect-fingerprint", EVIL],
      ["verify", join(CA, "fullchain.pem"), "--warn-days", EVIL],
      ["verify", join(CA, "fullchain.pem"), `--${EVIL}`],
      [`[${EVIL}]:9004`],
    ]) {
      expectInert(await runCli(args), 2);
    }
  });

  it("a hostile line in --targets-file names file:line, escaped", async () => {
    const file = join(dir, `fleet${EVIL.replace(/[\n\r/]/g, "")}.txt`);
    writeFileSync(file, `# fleet\nhost:99999${EVIL.replace(/\n/g, "")}\n`);
    const out = await runCli(["--targets-file", file]);
    expectInert(out, 2);
    expect(out.stderr).to.match(/:2: /);
  });

  it("a hostile --save-anchors / --output path", async () => {
    expectInert(await runCli(["verify", join(CA, "fullchain.pem"), "--output", join(dir, EVIL, "x.json")]), 2);
    expectInert(await runCli(["verify", join(CA, "fullchain.pem"), "--save-anchors", join(dir, EVIL, "anchors")]), 2);
  });

  it("a server banner with escape sequences, in every output mode", async () => {
    let server: TestServer | undefined;
    try {
      server = await rawServer((s) => s.write(`220 ${EVIL} ESMTP\r\n`));
      for (const extra of [[], ["-q"], ["--format", "json"], ["--verbose"]]) {
        expectInert(await runCli([`127.0.0.1:${server.port}`, "--timeout", "2000", "--no-color", ...extra]), 3);
      }
    } finally {
      await server?.close();
    }
  });
});

describe("--at: strict ISO 8601", () => {
  const now = () => new Date("2000-01-01T00:00:00Z");
  const valid: [string, string][] = [
    ["2030-01-01", "2030-01-01T00:00:00.000Z"],
    ["2032-02-29", "2032-02-29T00:00:00.000Z"],
    ["2000-02-29T12:00", "2000-02-29T12:00:00.000Z"],
    ["2030-06-30T23:59:59Z", "2030-06-30T23:59:59.000Z"],
    ["2030-01-01T12:00:00+02:00", "2030-01-01T10:00:00.000Z"],
    ["2030-01-01T00:30:00-0130", "2030-01-01T02:00:00.000Z"],
    ["2030-01-01 08:00:00.1234z", "2030-01-01T08:00:00.123Z"],
  ];
  for (const [input, iso] of valid) {
    it(`accepts ${input}`, () => expect(parseAt(input, now).toISOString()).to.equal(iso));
  }
  const invalid: [string, string][] = [
    ["2030-02-30", "2030-02 has 28 days"],
    ["2031-02-29", "2031-02 has 28 days"],
    ["2100-02-29", "2100-02 has 28 days"],
    ["2030-04-31", "2030-04 has 30 days"],
    ["2030-13-01", "there is no month 13"],
    ["2030-00-10", "there is no month 00"],
    ["2030-01-00", "2030-01 has 31 days"],
    ["2030-01-01T24:00:00Z", "hour 24 does not exist; hours run from 00 to 23"],
    ["2030-01-01T23:60:00Z", "minute 60 does not exist"],
    ["2030-12-31T23:59:60Z", "second 60 does not exist (leap seconds are not supported)"],
    ["2030-01-01T00:00:00+25:00", "the zone offset +25:00 does not exist"],
    ["1949-12-31", "years before 1950 are not supported: X.509 validity dates start in 1950"],
  ];
  for (const [input, why] of invalid) {
    it(`refuses ${input}: exit 2, one line`, async () => {
      const out = await runCli(["verify", join(CA, "fullchain.pem"), "--at", input]);
      expect(out.code).to.equal(2);
      expect(out.stderr).to.equal(`chaincheck: --at: "${input}" is not a valid time (${why})\n`);
    });
  }
  for (const input of ["2030-1-1", "2030-01-01T1:00", "30-01-01", "2030-01-01T00:00:00+2", "tomorrow", "2030-01-01T00:00:00.Z"]) {
    it(`refuses the malformed ${JSON.stringify(input)}`, async () => {
      const out = await runCli(["verify", join(CA, "fullchain.pem"), "--at", input]);
      expect(out.code).to.equal(2);
      expect(out.stderr).to.match(/^chaincheck: --at: ".*" is not an ISO 8601 time \(e\.g\. 2030-01-01 or 2030-01-01T00:00:00Z\)\n$/);
    });
  }
});
