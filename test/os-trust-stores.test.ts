/**
 * The Windows and macOS trust-store loaders on this Linux CI: the OS commands are injected (HostAccess.run)
 * and answer with the committed outputs of fixtures/truststores (PowerShell, `security`), including trust
 * settings, empty stores and failing commands; the command runner itself is tested with real processes.
 */
import { expect } from "chai";
import { X509Certificate } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parsePlist, PlistError, type PlistValue } from "../src/trust/plist.js";
import { parseTrustSettings, sslVerdict, type UsageConstraint } from "../src/trust/apple-trust.js";
import { WindowsListingError, parseWindowsListing, windowsStore } from "../src/trust/windows.js";
import { macosStore } from "../src/trust/macos.js";
import { loadOsTrust } from "../src/trust/load-os.js";
import { runCommand } from "../src/trust/host.js";
import { TrustStoreError } from "../src/trust/system.js";
import {
  MACOS_READERS, OUTPUT_FILE, WINDOWS_READERS, expandWindowsPath,
  type CommandOutcome, type HostAccess, type OsCommand,
} from "../src/trust/os-stores.js";
import { loadTrust } from "../src/app/trust.js";
import type { ChainResult } from "../src/result/verdict.js";
import { runCli } from "./support/cli.js";
import { tlsServer } from "./support/hostile-servers.js";
import { FIXTURES } from "./support/scenarios.js";

const STORES = join(FIXTURES, "truststores");
const text = (name: string): string => readFileSync(join(STORES, name), "utf8");
const der = (path: string): Uint8Array => new Uint8Array(new X509Certificate(readFileSync(join(FIXTURES, path))).raw);
const hex = (d: Uint8Array): string => Buffer.from(d).toString("hex");
const C = {
  root: der("ca/root.pem"), intermediate: der("ca/intermediate.pem"), otherRoot: der("ca/other-root.pem"),
  otherIntermediate: der("ca/other-intermediate.pem"), formatsRoot: der("formats/root.pem"), formatsIntermediate: der("formats/intermediate.pem"),
};

const ok = (output: string, exitCode = 0, stderr = ""): CommandOutcome => ({ ok: true, exitCode, output, stderr });
const WIN_ENV = { SystemRoot: "C:\\Windows", ProgramFiles: "C:\\Program Files" };
const POWERSHELL = "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe";
const PWSH = "C:\\Program Files\\PowerShell\\7\\pwsh.exe";

/** A host whose commands answer from `answer`; every command run is recorded. */
function fakeHost(platform: NodeJS.Platform, answer: (c: OsCommand) => CommandOutcome, env: Record<string, string> = {}) {
  const calls: OsCommand[] = [];
  const host: HostAccess = {
    platform, env, readOsRelease: () => { throw new Error("no /etc/os-release"); },
    run: async (c) => (calls.push(c), answer(c)),
  };
  return { host, calls };
}

const windowsHost = (byShell: Partial<Record<string, CommandOutcome>>, env: Record<string, string> = {}) =>
  fakeHost("win32", (c) => byShell[expandWindowsPath(c.file, { ...WIN_ENV, ...env })] ?? { ok: false, reason: "not found" }, { ...WIN_ENV, ...env });

interface MacAnswers { roots?: CommandOutcome; system?: CommandOutcome; admin?: CommandOutcome }
function macHost(a: MacAnswers, env: Record<string, string> = {}) {
  return fakeHost("darwin", (c) => {
    if (c === MACOS_READERS.systemRoots) return a.roots ?? ok(text("macos/system-roots.pem"));
    if (c === MACOS_READERS.systemKeychain) return a.system ?? ok(text("macos/system-keychain.pem"));
    return a.admin ?? ok(text("macos/admin-trust.plist"));
  }, env);
}

async function storeError(p: Promise<unknown>): Promise<TrustStoreError> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  expect(e, "should throw TrustStoreError").to.be.instanceOf(TrustStoreError);
  return e as TrustStoreError;
}

describe("trust: XML property lists", () => {
  it("reads what CFPropertyListCreateXMLData writes", () => {
    const v = parsePlist(`<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0"><!-- a comment -->
<dict>
\t<key>a &amp; b</key><string>x &lt;y&gt; &#65;&#x42; &quot;q&apos;</string>
\t<key>n</key><integer>-2147409654</integer>
\t<key>r</key><real>1.5e3</real>
\t<key>d</key><data>
\tKoZI
\thvdjZAED
\t</data>
\t<key>t</key><date>2030-01-01T00:00:00Z</date>
\t<key>yes</key><true/><key>no</key><false/>
\t<key>empty</key><dict/><key>list</key><array><string/><array/></array>
</dict>
</plist>
`) as ReadonlyMap<string, PlistValue>;
    expect([...v.keys()]).to.deep.equal(["a & b", "n", "r", "d", "t", "yes", "no", "empty", "list"]);
    expect(v.get("a & b")).to.equal("x <y> AB \"q'");
    expect(v.get("n")).to.equal(-2147409654);
    expect(v.get("r")).to.equal(1500);
    expect(hex(v.get("d") as Uint8Array)).to.equal("2a864886f763640103");
    expect((v.get("t") as Date).toISOString()).to.equal("2030-01-01T00:00:00.000Z");
    expect([v.get("yes"), v.get("no")]).to.deep.equal([true, false]);
    expect((v.get("empty") as Map<string, PlistValue>).size).to.equal(0);
    expect(v.get("list")).to.deep.equal(["", []]);
  });
  it("keeps keys out of object prototypes", () => {
    const v = parsePlist("<dict><key>__proto__</key><string>x</string></dict>") as ReadonlyMap<string, PlistValue>;
    expect(v.get("__proto__")).to.equal("x");
    expect(({} as Record<string, unknown>)["x"]).to.equal(undefined);
  });
  const bad: [string, string, RegExp][] = [
    ["an unknown element", "<dict><key>a</key><foo/></dict>", /unknown element <foo>/],
    ["a duplicate key", "<dict><key>a</key><true/><key>a</key><false/></dict>", /the key "a" twice/],
    ["bad base64", "<data>@@@@</data>", /not base64/],
    ["a bad integer", "<integer>12x</integer>", /the integer "12x"/],
    ["a bad date", "<date>yesterday</date>", /the date "yesterday"/],
    ["an unknown entity", "<string>&nbsp;</string>", /unknown entity &nbsp;/],
    ["a bare ampersand", "<string>a & b</string>", /bare "&"/],
    ["a value where a key belongs", "<dict><string>a</string></dict>", /<string> where a <key> was expected/],
    ["a cut-short document", "<plist><dict><key>a</key>", /ends early/],
    ["trailing content", "<true/><true/>", /content after the end/],
    ["deep nesting", `${"<array>".repeat(40)}${"</array>".repeat(40)}`, /nesting deeper than 32 levels/],
  ];
  for (const [what, xml, message] of bad) {
    it(`refuses ${what}, naming the line`, () => {
      expect(() => parsePlist(xml)).to.throw(PlistError, message).with.property("message").that.matches(/^line \d+: /);
    });
  }
});

describe("trust: macOS trust settings for SSL (Chromium's and Node's rules)", () => {
  const c = (result: number, more: Partial<UsageConstraint> = {}): UsageConstraint => ({ appliesToSsl: true, scoped: false, result, ...more });
  const rows: [string, UsageConstraint[], boolean, string][] = [
    ["empty settings (\"Always Trust\") on a root", [], true, "anchor"],
    ["empty settings on a non-root", [], false, "unspecified"],
    ["TrustRoot on a root", [c(1)], true, "anchor"],
    ["TrustRoot on a non-root", [c(1)], false, "unspecified"],
    ["TrustAsRoot on a non-root", [c(2)], false, "anchor"],
    ["TrustAsRoot on a root", [c(2)], true, "unspecified"],
    ["Deny", [c(3)], true, "distrusted"],
    ["Unspecified", [c(4)], true, "unspecified"],
    ["Deny for S/MIME only", [c(3, { appliesToSsl: false })], true, "unspecified"],
    ["Deny for one host name or application", [c(3, { scoped: true })], true, "unspecified"],
    ["S/MIME Deny, then SSL TrustRoot", [c(3, { appliesToSsl: false }), c(1)], true, "anchor"],
    ["SSL Deny before a TrustRoot for all policies", [c(3), c(1)], true, "distrusted"],
  ];
  for (const [what, constraints, selfIssued, want] of rows) {
    it(`${what}: ${want}`, () => expect(sslVerdict(constraints, selfIssued)).to.equal(want));
  }
  it("reads an exported admin record: constraints by SHA-1, policies as OID bytes", () => {
    const settings = parseTrustSettings(text("macos/admin-trust.plist"));
    const sha1 = (d: Uint8Array) => new X509Certificate(Buffer.from(d)).fingerprint.replace(/:/g, "");
    expect(settings.get(sha1(C.root))).to.deep.equal([]);
    expect(settings.get(sha1(C.otherIntermediate))).to.deep.equal([{ appliesToSsl: true, scoped: false, result: 3 }]);
    expect(settings.get(sha1(C.formatsIntermediate))).to.deep.equal([{ appliesToSsl: false, scoped: false, result: 2 }]);
    expect(settings.get(sha1(C.otherRoot))!.map((x) => [x.appliesToSsl, x.result])).to.deep.equal([[false, 3], [true, 3], [false, 3], [false, 3]]);
    expect(settings.size).to.equal(5);
  });
  it("accepts the dotted-string policy form and skips the default-root entry", () => {
    const xml = "<plist><dict><key>trustList</key><dict>" +
      "<key>kSecTrustRecordDefaultRootCert</key><dict/>" +
      "<key>00112233445566778899AABBCCDDEEFF00112233</key><dict><key>trustSettings</key><array><dict>" +
      "<key>kSecTrustSettingsPolicy</key><string>1.2.840.113635.100.1.3</string><key>kSecTrustSettingsResult</key><integer>3</integer>" +
      "</dict></array></dict></dict></dict></plist>";
    expect([...parseTrustSettings(xml)]).to.deep.equal([["00112233445566778899AABBCCDDEEFF00112233", [{ appliesToSsl: true, scoped: false, result: 3 }]]]);
  });
  it("refuses a record without a trustList", () => {
    expect(() => parseTrustSettings("<plist><dict><key>trustVersion</key><integer>1</integer></dict></plist>")).to.throw(/no trustList/);
  });
});

describe("trust: Windows LocalMachine Root and CA (PowerShell listing)", () => {
  it("Root = anchors, CA = held intermediates, Disallowed taken out of both", () => {
    const result = windowsStore(parseWindowsListing(text("windows/powershell-stores.txt")), POWERSHELL);
    expect(result.anchors.map(hex)).to.deep.equal([C.root, C.formatsRoot].map(hex));
    expect(result.intermediates.map(hex)).to.deep.equal([C.intermediate, C.formatsIntermediate, C.otherIntermediate].map(hex));
    expect(result.description).to.deep.equal({
      kind: "windows",
      text: "Windows LocalMachine Root (3 certificates) + CA (3), 1 excluded as Disallowed",
      parts: [
        { name: "Cert:\\LocalMachine\\Root", role: "anchors", count: 2 },
        { name: "Cert:\\LocalMachine\\CA", role: "intermediates", count: 3 },
      ],
      excluded: 1,
      reader: POWERSHELL,
    });
  });
  it("a line a console wrapped continues the certificate before it", () => {
    const b64 = Buffer.from(C.root).toString("base64");
    const wrapped = `Root ${b64.slice(0, 100)}\r\n${b64.slice(100, 220)}\r\n${b64.slice(220)}\r\nCA ${Buffer.from(C.intermediate).toString("base64")}\r\nEND\r\n`;
    const stores = parseWindowsListing(wrapped);
    expect([stores.get("Root")!.map(hex), stores.get("CA")!.length]).to.deep.equal([[hex(C.root)], 1]);
  });
  it("a certificate in Root and CA is an anchor only; an empty CA store is fine", () => {
    const both = parseWindowsListing(`Root ${Buffer.from(C.root).toString("base64")}\nCA ${Buffer.from(C.root).toString("base64")}\nEND\n`);
    const result = windowsStore(both, POWERSHELL);
    expect([result.anchors.length, result.intermediates.length]).to.deep.equal([1, 0]);
    const rootOnly = windowsStore(parseWindowsListing(text("windows/powershell-root-only.txt")), POWERSHELL);
    expect(rootOnly.description.text).to.equal("Windows LocalMachine Root (1 certificate) + CA (0)");
  });
  const broken: [string, string, RegExp][] = [
    ["a listing cut short", text("windows/powershell-cut-short.txt"), /has no END line \(cut short\)/],
    ["no END line", "Root " + Buffer.from(C.root).toString("base64") + "\r\n", /has no END line \(cut short\)/],
    ["an unknown store", "My MIIB\r\nEND\r\n", /line 1 is not "<store> <base64 certificate>"/],
    ["a line after END", "END\r\nRoot AAAA\r\n", /line 2 follows the END line/],
    ["something that is not a certificate", "Root MAA=\r\nEND\r\n", /line 1 \(Root\) is not an X\.509 certificate|line 1 \(Root\)/],
  ];
  for (const [what, listing, message] of broken) {
    it(`refuses ${what}`, () => expect(() => parseWindowsListing(listing)).to.throw(WindowsListingError, message));
  }
});

describe("trust: macOS System Roots, System keychain and admin trust settings", () => {
  const readout = (admin: string | null, system = "macos/system-keychain.pem") => ({
    systemRoots: text("macos/system-roots.pem"), systemKeychain: text(system), adminTrust: admin ? parseTrustSettings(text(admin)) : new Map(),
  });
  it("\"Always Trust\" makes an anchor, \"Never Trust\" excludes, the rest are held intermediates", async () => {
    const result = await macosStore(readout("macos/admin-trust.plist"), "/usr/bin/security");
    // System Roots: Formats Root CA stays; Chaincheck Test Other Root is "Never Trust".
    expect(result.anchors.map(hex)).to.deep.equal([C.formatsRoot, C.root].map(hex));
    // S/MIME-only trust is no SSL anchor: Formats Intermediate CA stays an intermediate; the denied one is gone.
    expect(result.intermediates.map(hex)).to.deep.equal([C.intermediate, C.formatsIntermediate].map(hex));
    expect(result.description.text).to.equal(
      "macOS System Roots keychain (2 certificates) + System keychain (4 certificates: 1 trusted by an admin setting, 2 intermediates), 2 excluded by an admin \"Never Trust\" setting");
    expect(result.description.excluded).to.equal(2);
    expect(result.notes).to.deep.equal(["1 admin trust setting(s) name a certificate in neither keychain read (perhaps a login keychain); not used"]);
  });
  it("without admin trust settings, System keychain certificates are intermediates only", async () => {
    const result = await macosStore(readout(null), "/usr/bin/security");
    expect(result.anchors.map(hex)).to.deep.equal([C.formatsRoot, C.otherRoot].map(hex));
    expect(result.intermediates).to.have.length(4);
    expect(result.description.text).to.equal("macOS System Roots keychain (2 certificates) + System keychain (4 certificates: 0 trusted by an admin setting, 4 intermediates)");
  });
  it("an empty System keychain", async () => {
    const result = await macosStore(readout(null, "macos/system-keychain-empty.pem"), "/usr/bin/security");
    expect(result.description.text).to.equal("macOS System Roots keychain (2 certificates) + System keychain (0 certificates)");
  });
});

describe("trust: loading the OS store through injected commands", () => {
  it("Windows: every command is bounded; PowerShell 7 is tried when Windows PowerShell fails", async () => {
    for (const c of WINDOWS_READERS) expect([c.timeoutMs > 0, c.maxBytes > 0, c.output]).to.deep.equal([true, true, "stdout"]);
    const { host, calls } = windowsHost({ [PWSH]: ok(text("windows/powershell-stores.txt")) });
    const trust = await loadOsTrust(host);
    expect(calls.map((c) => expandWindowsPath(c.file, WIN_ENV))).to.deep.equal([POWERSHELL, PWSH]);
    expect(calls[0]!.args.slice(0, 4)).to.deep.equal(["-NoLogo", "-NoProfile", "-NonInteractive", "-Command"]);
    expect(trust.store.source).to.deep.equal({
      kind: "system", description: "Windows LocalMachine Root (3 certificates) + CA (3), 1 excluded as Disallowed",
      paths: ["Cert:\\LocalMachine\\Root", "Cert:\\LocalMachine\\CA"],
    });
    expect(trust.store.size).to.equal(2);
    expect(trust.intermediates).to.have.length(3);
    expect(trust.description.reader).to.equal(PWSH);
  });
  it("Windows: both shells failing is one NO_SYSTEM_STORE line naming what was tried", async () => {
    const { host } = windowsHost({ [POWERSHELL]: ok("", 1, text("windows/powershell-denied.stderr.txt")) });
    const e = await storeError(loadOsTrust(host));
    expect({ code: e.code, message: e.message }).to.deep.equal({
      code: "NO_SYSTEM_STORE",
      message: `cannot read the Windows certificate stores (tried ${POWERSHELL} -Command (lists Cert:\\LocalMachine\\Root, CA and Disallowed): exit code 1: Get-ChildItem : Access is denied.; ` +
        `${PWSH} -Command (lists Cert:\\LocalMachine\\Root, CA and Disallowed): not found); pass --ca-file FILE with the CA certificates to trust`,
    });
  });
  it("Windows: a listing cut short is not used", async () => {
    const cut = ok(text("windows/powershell-cut-short.txt"));
    const e = await storeError(loadOsTrust(windowsHost({ [POWERSHELL]: cut, [PWSH]: { ok: false, reason: "no answer within 30 s" } }).host));
    expect(e.code).to.equal("NO_SYSTEM_STORE");
    expect(e.message).to.match(/powershell\.exe .*: the listing has no END line \(cut short\); .*pwsh\.exe .*: no answer within 30 s\)/);
  });
  it("Windows: an empty Root store is SYSTEM_STORE_EMPTY", async () => {
    const e = await storeError(loadOsTrust(windowsHost({ [POWERSHELL]: ok(text("windows/powershell-empty.txt")) }).host));
    expect({ code: e.code, message: e.message }).to.deep.equal({
      code: "SYSTEM_STORE_EMPTY",
      message: "Windows LocalMachine Root (0 certificates) + CA (0): no trust anchor in it; pass --ca-file FILE with the CA certificates to trust",
    });
  });
  it("Windows and macOS: SSL_CERT_FILE / SSL_CERT_DIR are said not to apply", async () => {
    const win = await loadOsTrust(windowsHost({ [POWERSHELL]: ok(text("windows/powershell-root-only.txt")) }, { SSL_CERT_FILE: "/x.pem" }).host);
    expect(win.store.source.description).to.equal("Windows LocalMachine Root (1 certificate) + CA (0); SSL_CERT_FILE not used (CryptoAPI does not read it)");
    const mac = await loadOsTrust(macHost({}, { SSL_CERT_FILE: "/x.pem", SSL_CERT_DIR: "/d" }).host);
    expect(mac.store.source.description).to.match(/; SSL_CERT_FILE and SSL_CERT_DIR not used \(Security\.framework does not read them\)$/);
  });
  it("macOS: the three security commands, bounded, the export into a temporary file", async () => {
    const { host, calls } = macHost({});
    const trust = await loadOsTrust(host);
    expect(calls.map((c) => [c.file, ...c.args])).to.have.deep.members([
      ["/usr/bin/security", "find-certificate", "-a", "-p", "/System/Library/Keychains/SystemRootCertificates.keychain"],
      ["/usr/bin/security", "find-certificate", "-a", "-p", "/Library/Keychains/System.keychain"],
      ["/usr/bin/security", "trust-settings-export", "-d", OUTPUT_FILE],
    ]);
    expect(calls.find((c) => c.args[0] === "trust-settings-export")!.output).to.equal("file");
    for (const c of calls) expect(c.timeoutMs > 0 && c.maxBytes > 0).to.equal(true);
    expect(trust.store.size).to.equal(2);
    expect(trust.store.source.paths).to.deep.equal(["/System/Library/Keychains/SystemRootCertificates.keychain", "/Library/Keychains/System.keychain"]);
    expect(trust.intermediates).to.have.length(2);
  });
  it("macOS: \"No Trust Settings were found\" means no admin settings, not a failure", async () => {
    const trust = await loadOsTrust(macHost({ admin: ok("", 1, text("macos/no-admin-trust.stderr.txt")) }).host);
    expect(trust.store.source.description).to.equal("macOS System Roots keychain (2 certificates) + System keychain (4 certificates: 0 trusted by an admin setting, 4 intermediates)");
  });
  it("macOS: a missing or failing security command is one NO_SYSTEM_STORE line naming it", async () => {
    const missing = await storeError(loadOsTrust(macHost({ roots: { ok: false, reason: "not found" } }).host));
    expect({ code: missing.code, message: missing.message }).to.deep.equal({
      code: "NO_SYSTEM_STORE",
      message: "cannot read the macOS keychains (tried /usr/bin/security find-certificate -a -p /System/Library/Keychains/SystemRootCertificates.keychain: not found); pass --ca-file FILE with the CA certificates to trust",
    });
    const denied = await storeError(loadOsTrust(macHost({ admin: ok("", 1, "SecTrustSettingsCreateExternalRepresentation: The authorization was denied.\n") }).host));
    expect(denied.message).to.equal(
      "cannot read the macOS keychains (tried /usr/bin/security trust-settings-export -d {output}: exit code 1: SecTrustSettingsCreateExternalRepresentation: The authorization was denied.); pass --ca-file FILE with the CA certificates to trust");
  });
  it("macOS: a malformed export or keychain listing is SYSTEM_STORE_UNREADABLE", async () => {
    const plist = await storeError(loadOsTrust(macHost({ admin: ok("<plist><dict><key>trustList</key>") }).host));
    expect(plist.code).to.equal("SYSTEM_STORE_UNREADABLE");
    expect(plist.message).to.match(/^cannot use the admin trust settings \(\/usr\/bin\/security trust-settings-export -d \{output\}\): line 1: the property list ends early;/);
    const pem = await storeError(loadOsTrust(macHost({ system: ok("-----BEGIN CERTIFICATE-----\nMIIB\n") }).host));
    expect(pem.code).to.equal("SYSTEM_STORE_UNREADABLE");
    expect(pem.message).to.match(/^cannot use what security printed: \/Library\/Keychains\/System\.keychain: block 1/);
  });
  it("Linux and other Unix systems keep the file loader (SSL_CERT_FILE honoured); no command runs", async () => {
    let ran = 0;
    const trust = await loadTrust([], {}, { platform: "linux", env: { SSL_CERT_FILE: join(FIXTURES, "ca/root.pem") }, run: async () => (ran++, ok("")) });
    expect(trust.store.source.description).to.equal(`system store SSL_CERT_FILE=${join(FIXTURES, "ca/root.pem")} (1 certificate)`);
    expect([trust.description.kind, trust.intermediates.length, ran]).to.deep.equal(["unix", 0, 0]);
  });
  it("loadTrust parses the held intermediates and hands them to OpenSSL's check with the anchors", async () => {
    const trust = await loadTrust([], {}, macHost({}).host);
    expect(trust.intermediates.map((c) => c.commonNames[0])).to.deep.equal(["Chaincheck Test Intermediate", "Formats Intermediate CA"]);
    expect(trust.caPems()).to.have.length(4);
    expect(trust.anchors.contains(trust.intermediates[0]!)).to.equal(false);
  });
});

describe("trust: the command runner (real processes, bounded)", function () {
  const sh = (script: string, more: Partial<OsCommand> = {}): OsCommand => ({ file: "/bin/sh", args: ["-c", script, "sh"], output: "stdout", timeoutMs: 5000, maxBytes: 1 << 20, ...more });
  before(function () {
    if (!existsSync("/bin/sh")) this.skip();
  });
  it("returns the exit code, the output and the error output", async () => {
    expect(await runCommand(sh("printf 'out'; printf 'err' >&2; exit 3"), {})).to.deep.equal({ ok: true, exitCode: 3, output: "out", stderr: "err" });
  });
  it("a missing program is \"not found\"", async () => {
    expect(await runCommand({ ...sh(""), file: "/nonexistent/security" }, {})).to.deep.equal({ ok: false, reason: "not found" });
  });
  it("stops a command that does not answer in time", async () => {
    const start = Date.now();
    expect(await runCommand(sh("sleep 10", { timeoutMs: 200 }), {})).to.deep.equal({ ok: false, reason: "no answer within 0.2 s" });
    expect(Date.now() - start).to.be.lessThan(5000);
  });
  it("stops a command that prints more than its cap", async () => {
    expect(await runCommand(sh("while :; do printf '0123456789'; done", { maxBytes: 1000 }), {})).to.deep.equal({ ok: false, reason: "printed more than 1000 bytes" });
  });
  it("reads what a command writes to {output}, then removes the temporary directory", async () => {
    const outcome = await runCommand(sh("printf 'plist' > \"$1\"; printf '%s' \"$1\" >&2", { args: ["-c", "printf 'plist' > \"$1\"; printf '%s' \"$1\" >&2", "sh", OUTPUT_FILE], output: "file" }), {});
    expect(outcome.ok && outcome.output).to.equal("plist");
    const path = outcome.ok ? outcome.stderr : "";
    expect(path).to.match(/chaincheck-.*output$/);
    expect(existsSync(path)).to.equal(false);
  });
  it("expands %SystemRoot% and %ProgramFiles% (case-insensitively, with Windows' defaults)", () => {
    expect(expandWindowsPath(WINDOWS_READERS[0]!.file, { SYSTEMROOT: "D:\\WIN" })).to.equal("D:\\WIN\\System32\\WindowsPowerShell\\v1.0\\powershell.exe");
    expect(expandWindowsPath(WINDOWS_READERS[1]!.file, {})).to.equal(PWSH);
    expect(expandWindowsPath("%Nope%\\x", {})).to.equal("%Nope%\\x");
  });
});

describe("trust: the CLI on a Windows or macOS machine (injected host)", () => {
  const LEAF = join(FIXTURES, "ca/leaf.pem");
  const AT = "2030-01-01T00:00:00Z";
  const verify = (host: HostAccess, ...extra: string[]) =>
    runCli(["verify", LEAF, "--host", "tabpy.chaincheck.test", "--at", AT, ...extra], { host });
  type Json = { results: (ChainResult & { builtPath: { certificates: { subject: string; source: string }[] } })[] };
  const json = (stdout: string) => (JSON.parse(stdout) as Json).results[0]!;

  it("Windows: a leaf-only chain validates through the CA store's intermediate (held, never presented)", async () => {
    const out = await verify(windowsHost({ [POWERSHELL]: ok(text("windows/powershell-stores.txt")) }).host, "--format", "json");
    expect(out.code, out.stderr).to.equal(0);
    const r = json(out.stdout);
    expect(r.trustStore).to.equal("Windows LocalMachine Root (3 certificates) + CA (3), 1 excluded as Disallowed");
    expect([r.trusted, r.chainKind, r.presented.length]).to.deep.equal([true, "leaf-only", 1]);
    expect(r.builtPath.certificates.map((c) => c.source)).to.deep.equal(["presented", "held", "store"]);
    expect(r.remediation.targetOs).to.equal("windows");
  });
  it("Windows: the text report names the store; without the intermediate the advice is certutil -addstore -f CA", async () => {
    const good = await verify(windowsHost({ [POWERSHELL]: ok(text("windows/powershell-stores.txt")) }).host);
    expect(good.stdout).to.match(/trust store +Windows LocalMachine Root \(3 certificates\) \+ CA \(3\), 1 excluded as Disallowed/);
    const out = await verify(windowsHost({ [POWERSHELL]: ok(text("windows/powershell-root-only.txt")) }).host, "--format", "json");
    expect(out.code).to.equal(1);
    const r = json(out.stdout);
    expect([r.trustStore, r.headline]).to.deep.equal(["Windows LocalMachine Root (1 certificate) + CA (0)", "ISSUER_NOT_FOUND"]);
    expect(r.remediation.steps.join("\n")).to.match(/certutil -addstore -f CA chaincheck-test-intermediate\.crt/);
    expect(r.remediation.steps.join("\n")).to.include("tsm restart");
  });
  it("macOS: the admin-trusted root and the System keychain's intermediate make the chain trusted", async () => {
    const out = await verify(macHost({}).host, "--format", "json");
    expect(out.code, out.stderr).to.equal(0);
    const r = json(out.stdout);
    expect(r.trustStore).to.equal("macOS System Roots keychain (2 certificates) + System keychain (4 certificates: 1 trusted by an admin setting, 2 intermediates), 2 excluded by an admin \"Never Trust\" setting");
    expect(r.builtPath.certificates.map((c) => c.source)).to.deep.equal(["presented", "held", "store"]);
    expect(r.remediation.targetOs).to.equal("macos");
  });
  it("macOS: a root set to \"Never Trust\" is not an anchor, so the chain is not trusted", async () => {
    const out = await verify(macHost({ admin: ok(text("macos/admin-trust-never-root.plist")) }).host, "--format", "json");
    expect(out.code).to.equal(1);
    const r = json(out.stdout);
    expect([r.trusted, r.headline]).to.deep.equal([false, "ISSUER_NOT_FOUND"]);
    expect(r.remediation.steps.join("\n")).to.match(/sudo security add-trusted-cert -d -r trustRoot -k \/Library\/Keychains\/System\.keychain /);
  });
  it("a failing store command: exit 2, one line naming what was tried, nothing on stdout", async () => {
    const out = await verify(windowsHost({}).host);
    expect({ code: out.code, stdout: out.stdout }).to.deep.equal({ code: 2, stdout: "" });
    expect(out.stderr).to.equal(`chaincheck: cannot read the Windows certificate stores (tried ${POWERSHELL} -Command (lists Cert:\\LocalMachine\\Root, CA and Disallowed): not found; ` +
      `${PWSH} -Command (lists Cert:\\LocalMachine\\Root, CA and Disallowed): not found); pass --ca-file FILE with the CA certificates to trust\n`);
  });
  it("--ca-file still replaces the OS store, and runs no command", async () => {
    const { host, calls } = windowsHost({});
    const out = await runCli(["verify", LEAF, "--host", "tabpy.chaincheck.test", "--at", AT, "--ca-file", join(FIXTURES, "ca/root.pem"), "--format", "json"], { host });
    expect([out.code, calls.length]).to.deep.equal([1, 0]);
    expect(json(out.stdout).trustStore).to.match(/^--ca-file /);
  });
  it("live: OpenSSL's second opinion gets the held intermediates too, so it agrees", async function () {
    const server = await tlsServer({ key: readFileSync(join(FIXTURES, "ca/leaf.key.pem")), cert: readFileSync(LEAF) });
    try {
      const host = windowsHost({ [POWERSHELL]: ok(text("windows/powershell-stores.txt")) }).host;
      const out = await runCli([`127.0.0.1:${server.port}`, "--service", "tls", "--timeout", "5000", "--format", "json"], { host, now: () => new Date() });
      expect(out.code, out.stdout).to.equal(0);
      const r = json(out.stdout) as ChainResult;
      expect(r.connection?.openssl?.authorized).to.equal(true);
      expect(r.findings.map((f) => f.code)).to.not.include("OPENSSL_DISAGREES");
    } finally {
      await server.close();
    }
  });
});
