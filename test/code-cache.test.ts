/**
 * The installed executable (bin/chaincheck.cjs running the esbuild bundle through vm.Script) behaves exactly like
 * the unbundled CLI (dist/src/cli/main.js), and its V8 code cache is never needed for correctness: written only to
 * a private per-user folder, used when valid, ignored and rewritten when damaged or refused by V8, skipped silently
 * when the folder is unsafe or unwritable. NODE_DEBUG=chaincheck makes the loader say what it did.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CHAINCHECK_BIN } from "./support/bin.js";
import { REPO } from "./support/promtool.js";

const UNBUNDLED = join(REPO, "dist", "src", "cli", "main.js");
const CA = join(REPO, "fixtures", "ca");
const FORMATS = join(REPO, "fixtures", "formats");
const AT = ["--at", "2030-01-01T00:00:00Z"];
const VERIFY = ["verify", join(CA, "fullchain.pem"), "--ca-file", join(CA, "root.pem"), "--host", "tabpy.chaincheck.test", ...AT];

interface Ran { readonly status: number | null; readonly stdout: string; readonly stderr: string }

function node(script: string, args: readonly string[], env: Record<string, string | undefined>): Ran {
  const r = spawnSync(process.execPath, [script, ...args], { cwd: REPO, encoding: "utf8", timeout: 60_000, env: { ...process.env, NODE_DEBUG: "", ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("the bundled executable (bin/chaincheck.cjs)", function () {
  this.timeout(120_000);
  let cacheHome: string;
  beforeEach(() => (cacheHome = mkdtempSync(join(tmpdir(), "chaincheck-cache-"))));
  afterEach(() => rmSync(cacheHome, { recursive: true, force: true }));

  const bin = (args: readonly string[], env: Record<string, string | undefined> = {}) => node(CHAINCHECK_BIN, args, { XDG_CACHE_HOME: cacheHome, ...env });
  const debugged = (args: readonly string[], env: Record<string, string | undefined> = {}) => bin(args, { NODE_DEBUG: "chaincheck", ...env });
  const cacheFiles = (dir = join(cacheHome, "chaincheck")) => (existsSync(dir) ? readdirSync(dir) : []);

  it("prints byte for byte what the unbundled CLI prints, with the same exit code (cold and warm cache)", () => {
    const cases = [
      ["--version"], ["--help"], ["verify", "--help"],
      VERIFY, [...VERIFY, "--format", "json"], [...VERIFY, "--format", "sarif"],
      ["verify", join(CA, "leaf.pem"), "--ca-file", join(CA, "root.pem"), "--host", "tabpy.chaincheck.test", ...AT],
      ["verify", join(FORMATS, "chain.p7b"), "--ca-file", join(FORMATS, "root.pem"), ...AT, "--format", "json"],
      ["verify", join(FORMATS, "chain-nopass.p12"), "--ca-file", join(FORMATS, "root.pem"), ...AT],
      ["verify", "--no-such-option"], ["verify", join(CA, "missing.pem")],
    ];
    for (const args of cases) {
      const expected = node(UNBUNDLED, args, {});
      expect(bin(args), `cold: ${args.join(" ")}`).to.deep.equal(expected);
      expect(bin(args), `warm: ${args.join(" ")}`).to.deep.equal(expected);
    }
  });

  it("loads no heavy package for a PEM chain or a PKCS#12 file; @peculiar/x509 only for the demo's certificates", () => {
    const imports = (r: Ran) => [...r.stderr.matchAll(/CHAINCHECK \d+: import (\S+)/g)].map((m) => m[1]);
    expect(imports(debugged(VERIFY))).to.deep.equal([]);
    expect(imports(debugged(["verify", join(FORMATS, "chain-nopass.p12"), "--ca-file", join(FORMATS, "root.pem"), ...AT]))).to.deep.equal([]);
    expect(imports(debugged(["demo", "--format", "json"]))).to.include.members(["reflect-metadata", "@peculiar/x509"]);
  });

  it("writes the cache once into a private folder ($XDG_CACHE_HOME/chaincheck, 0700, file 0600), then uses it", () => {
    expect(debugged(VERIFY).stderr).to.match(/code cache missing: .*\n.*code cache written \(\d+ bytes\)/);
    const files = cacheFiles();
    expect(files).to.have.length(1);
    expect(files[0]).to.match(new RegExp(`^v8-${process.version.replace(/\./g, "\\.")}-${process.arch}-[0-9a-f]{32}-[0-9a-f]{8}\\.bin$`));
    expect(statSync(join(cacheHome, "chaincheck")).mode & 0o777).to.equal(0o700);
    expect(statSync(join(cacheHome, "chaincheck", files[0]!)).mode & 0o777).to.equal(0o600);
    const second = debugged(VERIFY);
    expect(second.stderr).to.match(/code cache found/);
    expect(second.stderr).to.not.match(/written|rejected|damaged/);
    expect(second.status).to.equal(0);
    // Other Node options (other V8 flags) get their own entry instead of a rewrite of this one at every switch.
    node(CHAINCHECK_BIN, ["--version"], { XDG_CACHE_HOME: cacheHome, NODE_OPTIONS: "--max-semi-space-size=8" });
    expect(cacheFiles()).to.have.length(2);
    expect(debugged(VERIFY).stderr).to.match(/code cache found/).and.not.match(/rejected/);
  });

  it("ignores a damaged or truncated cache file and a file V8 refuses, and rewrites it", () => {
    bin(VERIFY);
    const file = join(cacheHome, "chaincheck", cacheFiles()[0]!);
    const good = readFileSync(file);
    const expected = node(UNBUNDLED, VERIFY, {});
    const flipped = Buffer.from(good);
    flipped[flipped.length - 100]! ^= 0xff;
    for (const damaged of [flipped, good.subarray(0, good.length >> 1), Buffer.alloc(0), Buffer.from("not a cache")]) {
      writeFileSync(file, damaged);
      const r = debugged(VERIFY);
      expect(r.stderr).to.match(/code cache damaged, ignored/);
      expect(r.stderr).to.match(/code cache written/);
      expect({ ...r, stderr: "" }).to.deep.equal({ ...expected, stderr: "" });
      expect(readFileSync(file).length).to.be.greaterThan(1000);
    }
    // Intact envelope (right checksum) around data that is not V8's: V8 refuses it, the run is unaffected.
    const magic = good.subarray(0, good.indexOf(0x0a) + 1);
    const junk = Buffer.alloc(4096, 0x5a);
    writeFileSync(file, Buffer.concat([magic, createHash("sha256").update(junk).digest(), junk]));
    const refused = debugged(VERIFY);
    expect(refused.stderr).to.match(/code cache rejected by V8/);
    expect(refused.stdout).to.equal(expected.stdout);
    expect(debugged(VERIFY).stderr).to.match(/code cache found/).and.not.match(/rejected/);
  });

  it("does not use a folder another user could write to, nor a symlink, nor one it cannot create; same output", () => {
    const expected = node(UNBUNDLED, VERIFY, {});
    const open = join(cacheHome, "open");
    mkdirSync(join(open, "chaincheck"), { recursive: true });
    chmodSync(join(open, "chaincheck"), 0o777);
    const r = debugged(VERIFY, { XDG_CACHE_HOME: open });
    expect(r.stderr).to.match(/not private/);
    expect(r.stdout).to.equal(expected.stdout);
    expect(cacheFiles(join(open, "chaincheck"))).to.deep.equal([]);

    const target = join(cacheHome, "elsewhere");
    mkdirSync(target, { mode: 0o700 });
    mkdirSync(join(cacheHome, "linked"));
    symlinkSync(target, join(cacheHome, "linked", "chaincheck"));
    expect(debugged(VERIFY, { XDG_CACHE_HOME: join(cacheHome, "linked") }).stdout).to.equal(expected.stdout);
    expect(readdirSync(target)).to.deep.equal([]);

    const notADir = join(cacheHome, "file");
    writeFileSync(notADir, "");
    expect(bin(VERIFY, { XDG_CACHE_HOME: notADir })).to.deep.equal(expected);
  });

  it("falls back to ~/.cache for a relative XDG_CACHE_HOME; CHAINCHECK_CODE_CACHE=off writes nothing", () => {
    bin(VERIFY, { XDG_CACHE_HOME: "relative/cache", HOME: cacheHome });
    expect(cacheFiles(join(cacheHome, ".cache", "chaincheck"))).to.have.length(1);
    expect(existsSync(join(REPO, "relative"))).to.equal(false);
    const off = join(cacheHome, "off");
    expect(bin(VERIFY, { XDG_CACHE_HOME: off, CHAINCHECK_CODE_CACHE: "off" }).status).to.equal(0);
    expect(existsSync(off)).to.equal(false);
  });
});
