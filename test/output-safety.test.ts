/**
 * Where chaincheck writes (issues 11 and 12): --save-anchors creates each file exclusively and never writes
 * through a planted symbolic link (--force replaces the file or link, never its target); --output and --report
 * never overwrite an input of the run; a missing folder, a file where a folder is expected, a procfs path, a full
 * device or a FIFO nobody reads is exit 2 with one `chaincheck:` line, never "internal error", never a hang, and
 * what can be checked before the run is checked before any server is probed.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { existsSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hostile, type TestServer } from "./support/hostile-servers.js";
import { runCli, type CliRun } from "./support/cli.js";
import { FIXTURES } from "./support/scenarios.js";

const CA = join(FIXTURES, "ca");
const AT = ["--at", "2030-01-01T00:00:00Z", "--target-os", "debian"];
/** A leaf-only chain whose advice installs the intermediate (a file --save-anchors writes). */
const LEAF_ONLY = ["verify", join(CA, "leaf.pem"), "--ca-file", join(CA, "root.pem"), "--intermediates", join(CA, "intermediate.pem"), ...AT];

function expectOneLine(out: CliRun, pattern: RegExp): void {
  expect(out.code, out.stderr).to.equal(2);
  expect(out.stderr).to.match(/^chaincheck: [^\n]*\n$/);
  expect(out.stderr).to.match(pattern);
  expect(out.stderr).not.to.include("internal error");
}

describe("safe writes: --save-anchors, --output, --report", function () {
  this.timeout(30_000);
  let dir: string;
  let names: string[];
  const path = (...p: string[]) => join(dir, ...p);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "chaincheck-writes-"));
    const first = await runCli([...LEAF_ONLY, "--save-anchors", path("probe")]);
    expect(first.code, first.stderr).to.equal(1);
    names = readdirSync(path("probe")).sort();
    expect(names).to.have.length(2); // the intermediate's .crt and install-anchors.sh
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  describe("--save-anchors", () => {
    it("refuses a planted symbolic link (exit 2) and leaves its target alone", async () => {
      mkdirSync(path("planted"));
      writeFileSync(path("victim"), "precious\n");
      for (const name of names) symlinkSync(path("victim"), path("planted", name));
      const out = await runCli([...LEAF_ONLY, "--save-anchors", path("planted")]);
      expectOneLine(out, /is a symbolic link; chaincheck does not overwrite it \(--force replaces it\)/);
      expect(readFileSync(path("victim"), "utf8")).to.equal("precious\n");
    });

    it("refuses an existing file without --force; --force replaces files and links, never a link's target", async () => {
      mkdirSync(path("existing"));
      writeFileSync(path("existing", names[0]!), "old\n");
      const refused = await runCli([...LEAF_ONLY, "--save-anchors", path("existing")]);
      expectOneLine(refused, /exists; chaincheck does not overwrite it \(--force replaces it\)/);
      expect(readFileSync(path("existing", names[0]!), "utf8")).to.equal("old\n");

      const forced = await runCli([...LEAF_ONLY, "--save-anchors", path("planted"), "--force"]);
      expect(forced.code, forced.stderr).to.equal(1);
      expect(readFileSync(path("victim"), "utf8")).to.equal("precious\n");
      for (const name of names) {
        expect(lstatSync(path("planted", name)).isSymbolicLink(), name).to.equal(false);
        expect(readFileSync(path("planted", name), "utf8")).to.equal(readFileSync(path("probe", name), "utf8"));
      }
      expect(lstatSync(path("planted", "install-anchors.sh")).mode & 0o111).to.not.equal(0);
    });

    it("a folder in the way is never removed, even with --force", async () => {
      mkdirSync(path("dirs"));
      mkdirSync(path("dirs", names[0]!));
      const out = await runCli([...LEAF_ONLY, "--save-anchors", path("dirs"), "--force"]);
      expectOneLine(out, /is a folder; chaincheck does not overwrite it\n$/);
    });
  });

  describe("--output and --report never overwrite an input", () => {
    const inputs: [string, (target: string) => string[]][] = [
      ["FILE", (t) => ["verify", t, "--ca-file", join(CA, "root.pem"), ...AT]],
      ["--ca-file", (t) => ["verify", join(CA, "fullchain.pem"), "--ca-file", t, ...AT]],
      ["--intermediates", (t) => ["verify", join(CA, "leaf.pem"), "--ca-file", join(CA, "root.pem"), "--intermediates", t, ...AT]],
      ["--chain", (t) => ["verify", join(CA, "leaf.pem"), "--chain", t, "--ca-file", join(CA, "root.pem"), ...AT]],
    ];
    for (const [role, args] of inputs) {
      for (const option of ["--output", "--report"]) {
        it(`${option} onto the ${role} file, directly, by symbolic link and by hard link: exit 2, the input unchanged`, async () => {
          const input = path(`${role.replace(/-/g, "")}-${option.replace(/-/g, "")}.pem`);
          writeFileSync(input, readFileSync(join(CA, role === "--ca-file" ? "root.pem" : role === "FILE" ? "fullchain.pem" : "intermediate.pem")));
          const before = readFileSync(input, "utf8");
          symlinkSync(input, `${input}.link`);
          linkSync(input, `${input}.hard`);
          for (const target of [input, `${input}.link`, `${input}.hard`]) {
            const out = await runCli([...args(input), option, target]);
            expectOneLine(out, new RegExp(`^chaincheck: ${option}: .* is an input of this run \\(.*\\); chaincheck does not overwrite its inputs\\n$`));
            expect(readFileSync(input, "utf8")).to.equal(before);
          }
        });
      }
    }

    it("--targets-file is an input too (checked before any probing)", async () => {
      const targets = path("fleet.txt");
      writeFileSync(targets, "127.0.0.1:1\n");
      const out = await runCli(["--targets-file", targets, "--output", targets]);
      expectOneLine(out, /--output: .*fleet\.txt is an input of this run/);
      expect(readFileSync(targets, "utf8")).to.equal("127.0.0.1:1\n");
    });

    it("--output and --report naming the same file: exit 2", async () => {
      const out = await runCli([...LEAF_ONLY, "--output", path("same.json"), "--report", path("same.json")]);
      expectOneLine(out, /--output and --report name the same file/);
    });
  });

  describe("unusable output paths: exit 2, one line, checked before probing", () => {
    let server: TestServer;
    before(async () => {
      server = await hostile.silent();
      writeFileSync(path("a-file"), "x");
    });
    after(() => server.close());

    const cases: [string, (o: string) => string, RegExp][] = [
      ["a missing folder", (o) => (o === "--save-anchors" ? path("missing", "anchors") : path("missing", "out.json")), /: the folder .*missing does not exist\n$/],
      ["a file where a folder is expected", (o) => (o === "--save-anchors" ? path("a-file") : path("a-file", "out.json")), /a-file is a file, not a folder\n$/],
      ["a procfs path", (o) => (o === "--save-anchors" ? "/proc/self" : "/proc/self/comm"), /is on procfs, a kernel interface, not a place to write files/],
    ];
    for (const option of ["--output", "--report", "--save-anchors"]) {
      for (const [what, target, pattern] of cases) {
        it(`${option} onto ${what}: check (live) refuses before connecting; verify too`, async function () {
          if (what === "a procfs path" && process.platform !== "linux") this.skip();
          const before = server.accepted;
          const live = await runCli([`127.0.0.1:${server.port}`, "--timeout", "3000", option, target(option), ...AT]);
          expectOneLine(live, pattern);
          expect(server.accepted, "no connection before the output check").to.equal(before);
          expectOneLine(await runCli([...LEAF_ONLY, option, target(option)]), pattern);
        });
      }
    }

    it("a full device (/dev/full): --output and --report are exit 2 at write time", async function () {
      if (!existsSync("/dev/full")) this.skip();
      expectOneLine(await runCli([...LEAF_ONLY, "--output", "/dev/full"]), /^chaincheck: --output: cannot write \/dev\/full \(ENOSPC: no space left on the device\)\n$/);
      expectOneLine(await runCli([...LEAF_ONLY, "--report", "/dev/full"]), /^chaincheck: --report: cannot write \/dev\/full \(ENOSPC: no space left on the device\)\n$/);
      expectOneLine(await runCli([...LEAF_ONLY, "--save-anchors", "/dev/full"]), /--save-anchors: \/dev\/full is a file, not a folder/);
    });

    it("a FIFO nobody reads: exit 2, no hang", async function () {
      if (spawnSync("mkfifo", [path("fifo")]).status !== 0) this.skip();
      const out = await runCli([...LEAF_ONLY, "--output", path("fifo")]);
      expectOneLine(out, /--output: cannot write .*fifo \(ENXIO: no process is reading that FIFO\)/);
    });

    it("an unwritable folder (not as root): exit 2 before the run", async function () {
      if (process.getuid?.() === 0) this.skip(); // root writes anywhere
      mkdirSync(path("locked"), { mode: 0o500 });
      expectOneLine(await runCli([...LEAF_ONLY, "--output", path("locked", "out.json")]), /cannot write in the folder .*locked \(EACCES: permission denied\)/);
    });
  });
});
