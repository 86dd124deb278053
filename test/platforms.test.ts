/**
 * Platform knowledge as data: the install script `--save-anchors` writes per OS (golden files), what the
 * commands need on each OS (no sudo on Alpine, add-certificates for macOS intermediates, errorlevel checks
 * in the Windows .cmd), the help naming the scripts, and `--target-os auto` from injected inputs.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PLATFORMS, TARGET_OSES, detectTargetOs } from "../src/advise/platforms.js";
import { anchorFiles } from "../src/advise/save.js";
import { encodePem } from "../src/cert/pem.js";
import type { InstallItem } from "../src/types.js";
import { runCli } from "./support/cli.js";
import { expectGolden } from "./support/golden.js";
import { FIXTURES, readPemCerts } from "./support/scenarios.js";

const item = (file: string, role: InstallItem["role"]): InstallItem => {
  const cert = readPemCerts(join(FIXTURES, file))[0]!;
  return { role, subject: cert.subject, sha256: cert.sha256, pem: encodePem(cert.der), source: "held", confirmOutOfBand: false, kind: "certificate" };
};
const INSTALL = [item("ca/root.pem", "root"), item("ca/intermediate.pem", "intermediate")];

describe("platforms: the install script per OS", () => {
  for (const os of TARGET_OSES) {
    it(`${os}: ${PLATFORMS[os].script}`, () => {
      const files = anchorFiles(INSTALL, os);
      expect(files.map((f) => f.name)).to.deep.equal([
        `chaincheck-test-root-a685f7a3${PLATFORMS[os].extension}`, `chaincheck-test-intermediate-32a5d3fa${PLATFORMS[os].extension}`, PLATFORMS[os].script,
      ]);
      const script = files[2]!;
      expectGolden(`scripts/${os}.${script.name}`, script.content);
      const lines = script.content.split(PLATFORMS[os].shell === "cmd" ? "\r\n" : "\n").filter((l) => l !== "");
      // The root goes in before the intermediate; the restart step comes last.
      expect(lines.findIndex((l) => l.includes("chaincheck-test-root"))).to.be.lessThan(lines.findIndex((l) => l.includes("chaincheck-test-intermediate")));
      expect(lines.at(-1)).to.match(/^echo .*(Restart Tableau|Quit and reopen Tableau Desktop)/);
    });
  }
  it("windows: CRLF, and every certutil is followed by an errorlevel check that stops the script", () => {
    const content = anchorFiles(INSTALL, "windows").at(-1)!.content;
    expect(content).to.not.match(/[^\r]\n/);
    const lines = content.split("\r\n");
    const certutil = lines.flatMap((l, i) => (l.startsWith("certutil ") ? [i] : []));
    expect(lines.filter((l) => l.startsWith("certutil "))).to.deep.equal([
      'certutil -addstore -f Root "%here%chaincheck-test-root-a685f7a3.crt"', 'certutil -addstore -f CA "%here%chaincheck-test-intermediate-32a5d3fa.crt"',
    ]);
    for (const i of certutil) expect(lines[i + 1]).to.equal("if errorlevel 1 exit /b %errorlevel%");
    expect(lines.at(-2)).to.equal("echo Restart Tableau so it reloads the store: on Tableau Server for Windows run tsm restart ^(elevated^); quit and reopen Tableau Desktop.");
  });
  it("alpine: no sudo anywhere (root or doas); the others keep sudo", () => {
    const commands = anchorFiles(INSTALL, "alpine").at(-1)!.content.split("\n").filter((l) => !l.startsWith("#"));
    expect(commands.filter((l) => /\bsudo\b/.test(l))).to.deep.equal([]);
    expect([...PLATFORMS.alpine.installRoot, ...PLATFORMS.alpine.refresh]).to.deep.equal(["cp {file} /usr/local/share/ca-certificates/", "update-ca-certificates"]);
    expect(PLATFORMS.alpine.notes.join(" ")).to.match(/run these as root \(or prefix them with doas\)/);
    for (const os of ["rhel", "debian", "suse"] as const) expect(PLATFORMS[os].installRoot[0]).to.match(/^sudo cp /);
  });
  it("macos: roots get add-trusted-cert -d -r trustRoot, intermediates add-certificates; the confirmation dialog is said", () => {
    expect(PLATFORMS.macos.installRoot).to.deep.equal(["sudo security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain {file}"]);
    expect(PLATFORMS.macos.installIntermediate).to.deep.equal(["sudo security add-certificates -k /Library/Keychains/System.keychain {file}"]);
    expect(PLATFORMS.macos.notes.join(" ")).to.match(/macOS 11 and later ask an administrator to confirm/);
  });
  describe("macos: the commands can be pasted twice", () => {
    // A stand-in for Apple's `security` that behaves as its source does (SecurityTool/macOS): add-certificates exits 1
    // with "FILE: already in KEYCHAIN" on a duplicate, add-trusted-cert takes a duplicate as fine, find-certificate -Z
    // prints "SHA-256 hash: HEX" (upper case) per certificate. `sudo` just runs the command.
    let dir: string;
    let env: NodeJS.ProcessEnv;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), "chaincheck-macos-"));
      const bin = join(dir, "bin");
      mkdirSync(bin);
      const tool = (name: string, body: string) => {
        writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
        chmodSync(join(bin, name), 0o755);
      };
      tool("sudo", 'exec "$@"');
      tool("security", [
        'store="$FAKE_KEYCHAIN"; touch "$store"; cmd="$1"; for last in "$@"; do :; done',
        'sha() { openssl x509 -in "$1" -noout -fingerprint -sha256 | sed "s/.*=//; s/://g"; }',
        'case "$cmd" in',
        '  find-certificate) while read -r h; do echo "SHA-256 hash: $h"; echo "SHA-1 hash: 00"; done < "$store" ;;',
        '  add-certificates) h=$(sha "$last"); if grep -qx "$h" "$store"; then echo "security: $last: already in /Library/Keychains/System.keychain" >&2; exit 1; fi; echo "$h" >> "$store" ;;',
        '  add-trusted-cert) h=$(sha "$last"); grep -qx "$h" "$store" || echo "$h" >> "$store"; echo "$h" >> "$store.trusted" ;;',
        '  *) exit 2 ;;',
        "esac",
      ].join("\n"));
      env = { ...process.env, PATH: `${bin}:${process.env.PATH ?? ""}`, FAKE_KEYCHAIN: join(dir, "keychain") };
    });
    after(() => dir && rmSync(dir, { recursive: true, force: true }));
    beforeEach(() => rmSync(join(dir, "keychain"), { force: true }));
    const sh = (script: string, cwd: string) => spawnSync("sh", ["-eu", "-c", script], { cwd, env, encoding: "utf8" });

    it("the stand-in fails on a duplicate as add-certificates does (the unguarded command cannot be pasted twice)", () => {
      const plain = PLATFORMS.macos.installIntermediate[0]!.replace("{file}", join(FIXTURES, "ca/intermediate.pem"));
      expect(sh(plain, dir).status).to.equal(0);
      const again = sh(plain, dir);
      expect(again.status).to.equal(1);
      expect(again.stderr).to.include("already in /Library/Keychains/System.keychain");
    });

    it("the advice's commands (text and JSON) and the saved install-anchors.sh run twice without failing", async () => {
      const out = join(dir, "anchors");
      const args = ["verify", join(FIXTURES, "scenarios/leaf-only-missing-intermediate/presented.pem"), "--ca-file", join(FIXTURES, "ca/other-root.pem"),
        "--intermediates", join(FIXTURES, "ca/intermediate.pem"), "--intermediates", join(FIXTURES, "ca/root.pem"), "--host", "tabpy.chaincheck.test",
        "--at", "2030-01-01T00:00:00Z", "--target-os", "macos"];
      const json = await runCli([...args, "--save-anchors", out, "--format", "json"]);
      const steps = (JSON.parse(json.stdout) as { results: { remediation: { steps: string[] } }[] }).results[0]!.remediation.steps;
      const commands = steps.filter((l) => l.startsWith("  ") && l.includes("security ")).map((l) => l.trim());
      const intermediate = readPemCerts(join(FIXTURES, "ca/intermediate.pem"))[0]!.sha256;
      expect(commands).to.deep.equal([
        "sudo security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain chaincheck-test-root-a685f7a3.pem",
        `security find-certificate -a -Z /Library/Keychains/System.keychain | grep -qi 'SHA-256 hash: ${intermediate}' || sudo security add-certificates -k /Library/Keychains/System.keychain chaincheck-test-intermediate-32a5d3fa.pem`,
      ]);
      const text = (await runCli([...args, "--no-color"])).stdout;
      for (const command of commands) expect(text).to.include(`      ${command}`);
      for (const run of [1, 2]) {
        const pasted = sh(commands.join("\n"), out);
        expect(pasted.status, `paste #${run}: ${pasted.stderr}`).to.equal(0);
      }
      expect(readFileSync(join(dir, "keychain"), "utf8").trim().split("\n")).to.have.length(2);
      rmSync(join(dir, "keychain"));
      for (const run of [1, 2]) {
        const script = spawnSync("sh", [join(out, "install-anchors.sh")], { env, encoding: "utf8" });
        expect(script.status, `script run #${run}: ${script.stderr}`).to.equal(0);
      }
      expect(readFileSync(join(dir, "keychain"), "utf8").trim().split("\n")).to.have.length(2);
    });
  });

  it("windows: Root and CA with certutil, the PowerShell alternative, tsm restart", () => {
    expect([PLATFORMS.windows.installRoot, PLATFORMS.windows.installIntermediate]).to.deep.equal([["certutil -addstore -f Root {file}"], ["certutil -addstore -f CA {file}"]]);
    expect(PLATFORMS.windows.notes.join(" ")).to.include("Import-Certificate -FilePath FILE -CertStoreLocation Cert:\\LocalMachine\\Root");
    expect(PLATFORMS.windows.restart).to.include("tsm restart");
  });
  it("the help names the script --save-anchors writes on each OS", async () => {
    const help = (await runCli(["verify", "--help"])).stdout.replace(/\s+/g, " ");
    for (const script of new Set(TARGET_OSES.map((os) => PLATFORMS[os].script))) expect(help).to.include(script);
    expect(help).to.include("install-anchors.cmd for --target-os windows");
  });
});

describe("platforms: --target-os auto", () => {
  const rows: [NodeJS.Platform, string | null, string][] = [
    ["win32", null, "windows"], ["darwin", null, "macos"], ["linux", "ID=alpine", "alpine"], ["linux", 'ID="rhel"', "rhel"],
    ["linux", "ID=plan9", "debian"], ["linux", null, "debian"], ["freebsd", null, "debian"],
  ];
  for (const [platform, osRelease, want] of rows) {
    it(`${platform}${osRelease ? ` (${osRelease})` : ""} -> ${want}`, () => {
      const readOsRelease = () => { if (osRelease === null) throw new Error("ENOENT"); return osRelease; };
      expect(detectTargetOs({ platform, readOsRelease })).to.equal(want);
    });
  }
  it("the CLI picks the injected host's OS", async () => {
    const out = await runCli(["verify", join(FIXTURES, "ca/leaf.pem"), "--ca-file", join(FIXTURES, "ca/root.pem"), "--format", "json"],
      { host: { platform: "darwin" } });
    expect((JSON.parse(out.stdout) as { results: { remediation: { targetOs: string } }[] }).results[0]!.remediation.targetOs).to.equal("macos");
  });
});
