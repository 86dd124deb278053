/** The ora spinner: on stderr only for a terminal and the text format; never in JSON, --quiet, --output or when piped. */
import { expect } from "chai";
import { Writable } from "node:stream";
import { startTabpyLikeServer, type RunningServer } from "../src/demo/servers.js";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rawServer } from "./support/hostile-servers.js";
import { runCli } from "./support/cli.js";
import { FIXTURES } from "./support/scenarios.js";

/** A fake terminal: what ora needs of a TTY write stream. */
function terminal(): { stream: Writable; written: () => string } {
  let text = "";
  const stream = Object.assign(new Writable({ write(chunk, _enc, done) { text += String(chunk); done(); } }), {
    isTTY: true, columns: 80, cursorTo: () => true, moveCursor: () => true, clearLine: () => true,
  });
  return { stream, written: () => text };
}

describe("progress spinner", () => {
  let server: RunningServer;
  before(async () => {
    const pem = (f: string) => readFileSync(join(FIXTURES, "ca", f), "utf8");
    server = await startTabpyLikeServer({ certPem: pem("leaf.pem") + pem("intermediate.pem"), keyPem: pem("leaf.key.pem") });
  });
  after(() => server.close());

  const cases: [string, boolean, string[], boolean][] = [
    ["a terminal, text", true, [], true],
    ["a terminal, --format json", true, ["--format", "json"], false],
    ["a terminal, --quiet", true, ["--quiet"], false],
    ["stderr piped, text", false, [], false],
  ];
  for (const [what, tty, extra, spins] of cases) {
    it(`${what}: ${spins ? "spins on stderr" : "no spinner"}`, async () => {
      const term = terminal();
      const out = await runCli([`127.0.0.1:${server.port}`, "--ca-file", join(FIXTURES, "ca/root.pem"), "--no-color", ...extra], {
        stderrIsTTY: tty, progressStream: term.stream,
      });
      expect(out.code).to.equal(0);
      expect(term.written().includes("checking 1 target(s)") || term.written().includes("checked 1/1"), term.written()).to.equal(spins);
      expect(out.stdout).to.not.include("checking 1 target");
    });
  }

  it("a hostile target label from a --targets-file is neutralised (no raw bidi, C1 or zero-width character reaches the terminal)", async () => {
    // The URL's path is not part of the host (it is dropped before the host is checked) but is the label shown.
    const dir = mkdtempSync(join(tmpdir(), "chaincheck-progress-"));
    const stall = await rawServer(() => {});
    try {
      const file = join(dir, "targets.txt");
      writeFileSync(file, `https://127.0.0.1:1/\u202eevil\u009b2J\u200bx\n127.0.0.1:${stall.port} service=tls\n`);
      const term = terminal();
      const out = await runCli(["--targets-file", file, "--timeout", "600", "--no-color"], { stderrIsTTY: true, progressStream: term.stream });
      expect(out.code).to.equal(3);
      const shown = term.written();
      expect(shown).to.include("checked 1/2 (https://127.0.0.1:1/\\u{202e}evil\\u{009b}2J\\u{200b}x)");
      expect(shown).to.not.match(/[\u202e\u009b\u200b]/);
    } finally {
      await stall.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
