/**
 * Issue 11, advice safe to follow blindly: every certificate to install says where it came from (`source`), a root that
 * only the server or an AIA download vouches for must be confirmed out of band (text, HTML, JSON), and an issuer
 * published at an AIA URL gets steps that are right for the file the URL serves (downloaded, converted to PEM first,
 * named as the OS needs). The conversion commands printed are run here for real.
 */
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { generateKey, issueCertificate, type KeyPairPem } from "../src/pki/issue.js";
import { publishedFormat } from "../src/words/advice.js";
import { FIXTURES, loadScenario, readPemCerts } from "./support/scenarios.js";
import { runCli } from "./support/cli.js";

const OPENSSL = "/usr/bin/openssl";
const AT = "2030-01-01T00:00:00Z";
const notBefore = new Date("2025-01-01T00:00:00Z");
const notAfter = new Date("2049-12-31T23:59:59Z");

interface Item { role: string; subject: string; sha256: string | null; source: string; confirmOutOfBand: boolean; downloadedFrom?: string; publishedAt?: string[] }
interface Json { remediation: { install: Item[]; steps: string[]; proof: string | null; verifiedAfterInstall: boolean | null } }
const json = (stdout: string) => (JSON.parse(stdout) as { results: Json[] }).results[0]!;
const rel = (p: string) => relative(process.cwd(), p);

function scenarioArgs(name: string, ...extra: string[]): string[] {
  const s = loadScenario(name);
  return ["verify", rel(join(s.dir, "presented.pem")), "--ca-file", rel(join(s.dir, "trust.pem")), "--at", AT, "--host", s.host!, "--target-os", "debian", "--no-color", ...extra];
}

/** Runs one printed command line in sh inside `dir`. */
function sh(command: string, dir: string): void {
  execFileSync("/bin/sh", ["-c", command], { cwd: dir, stdio: "pipe" });
}

describe("advice: where each certificate to install came from", () => {
  it("a root the server sent: source presented, confirm out of band, said before the commands (JSON, text, HTML)", async () => {
    const s = loadScenario("root-presented-untrusted");
    const root = s.presented[2]!;
    const r = json((await runCli(scenarioArgs("root-presented-untrusted", "--format", "json"))).stdout);
    expect(r.remediation.install).to.have.length(1);
    expect(r.remediation.install[0]).to.deep.include({ role: "root", sha256: root.sha256, source: "presented", confirmOutOfBand: true });
    const text = (await runCli(scenarioArgs("root-presented-untrusted"))).stdout;
    const flat = text.replace(/\s*\n\s*/g, " ");
    expect(flat).to.include(`confirm its full SHA-256 ${root.sha256} with the certificate's owner over another channel`);
    expect(flat).to.include("chaincheck has it only from the server itself");
    expect(text.indexOf("confirm its full SHA-256")).to.be.greaterThan(0).and.lessThan(text.indexOf("sudo cp "));
    const dir = mkdtempSync(join(tmpdir(), "chaincheck-html-"));
    try {
      await runCli(scenarioArgs("root-presented-untrusted", "--report", join(dir, "r.html"), "--quiet"));
      const html = readFileSync(join(dir, "r.html"), "utf8");
      expect(html).to.include("Confirm this full SHA-256 with the certificate's owner over another channel before you trust it");
      expect(html.indexOf("Confirm this full SHA-256")).to.be.lessThan(html.indexOf("sudo cp "));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the same root given with --intermediates: source held, nothing to confirm", async () => {
    const s = loadScenario("root-presented-untrusted");
    const leafOnly = loadScenario("leaf-only-missing-intermediate");
    const r = json((await runCli([
      "verify", join(leafOnly.dir, "presented.pem"), "--service", "rserve", "--ca-file", join(FIXTURES, "ca/other-root.pem"), "--host", leafOnly.host!, "--at", AT,
      "--intermediates", join(FIXTURES, "ca/intermediate.pem"), "--intermediates", join(FIXTURES, "ca/root.pem"), "--format", "json",
    ])).stdout);
    expect(r.remediation.install.map((i) => [i.role, i.source, i.confirmOutOfBand])).to.deep.equal([["root", "held", false], ["intermediate", "held", false]]);
    expect(r.remediation.install[0]!.sha256).to.equal(s.presented[2]!.sha256);
    expect(r.remediation.steps.join(" ")).to.not.include("confirm its full SHA-256");
  });

  it("a self-signed leaf is confirmed out of band too; a missing issuer is `unknown`", async () => {
    const leaf = json((await runCli(scenarioArgs("self-signed-leaf", "--format", "json"))).stdout).remediation.install;
    expect(leaf.map((i) => [i.role, i.source, i.confirmOutOfBand])).to.deep.equal([["leaf", "presented", true]]);
    const missing = json((await runCli(scenarioArgs("leaf-only-missing-intermediate", "--format", "json"))).stdout).remediation.install;
    expect(missing.map((i) => [i.role, i.source, i.sha256])).to.deep.equal([["intermediate", "unknown", null]]);
  });
});

describe("advice: issuers published at an AIA caIssuers URL", () => {
  let dir: string;
  let server: Server;
  let base: string;
  const routes = new Map<string, Buffer>();
  let rootKey: KeyPairPem, intKey: KeyPairPem, leafKey: KeyPairPem;
  const root = { subject: "CN=Published Root, O=chaincheck", key: undefined as unknown as KeyPairPem };
  const int = { subject: "CN=Published Intermediate, O=chaincheck", key: undefined as unknown as KeyPairPem };
  let rootDer: Uint8Array, intDer: Uint8Array;

  /** A leaf under the published intermediate whose caIssuers URL is `url`. */
  async function leafWith(url: string): Promise<string> {
    const leaf = await issueCertificate({
      subject: "CN=aia.chaincheck.test", key: leafKey, issuer: int, serial: "10", notBefore, notAfter,
      dnsNames: ["aia.chaincheck.test"], caIssuersUrl: url,
    });
    const file = join(dir, "leaf.pem");
    writeFileSync(file, leaf.pem);
    return file;
  }
  const args = (file: string, ...extra: string[]) => ["verify", file, "--host", "aia.chaincheck.test", "--at", AT, "--no-color", ...extra];

  before(async () => {
    [rootKey, intKey, leafKey] = await Promise.all([generateKey("p256"), generateKey("p256"), generateKey("p256")]);
    root.key = rootKey;
    int.key = intKey;
    server = createServer((req, res) => {
      const body = routes.get(req.url ?? "");
      if (body) res.writeHead(200).end(body);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const r = await issueCertificate({ ...root, serial: "01", notBefore, notAfter, ca: true });
    const i = await issueCertificate({ ...int, issuer: root, serial: "02", notBefore, notAfter, ca: true, caIssuersUrl: `${base}/root.cer` });
    [rootDer, intDer] = [r.der, i.der];
    routes.set("/root.cer", Buffer.from(rootDer));
    routes.set("/int.cer", Buffer.from(intDer));
  });
  after(() => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  }));
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "chaincheck-aia-advice-"));
    writeFileSync(join(dir, "root.pem"), new X509Certificate(Buffer.from(rootDer)).toString());
    writeFileSync(join(dir, "other-root.pem"), readFileSync(join(FIXTURES, "ca/other-root.pem")));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("judges the file format from the URL (RFC 5280: .cer is DER, .p7c is PKCS#7)", () => {
    expect(["http://x/a.cer", "http://x/a.CRT", "http://x/a.der?x=1", "http://x/a.p7c", "http://x/b.p7b#f", "http://x/issuer"].map(publishedFormat))
      .to.deep.equal(["der", "der", "der", "pkcs7", "pkcs7", "unknown"]);
  });

  it("without --aia (DER URL): says --aia would fetch it, downloads, converts to PEM *.crt first, then installs; never DER into the anchor folder", async () => {
    const file = await leafWith("http://pki.chaincheck.test/int.cer");
    const out = await runCli(args(file, "--ca-file", join(dir, "root.pem"), "--target-os", "debian", "--format", "json"));
    const r = json(out.stdout);
    expect(r.remediation.install[0]).to.deep.include({ role: "intermediate", source: "unknown", publishedAt: ["http://pki.chaincheck.test/int.cer"] });
    const steps = r.remediation.steps;
    const text = steps.join("\n");
    expect(text).to.include("run chaincheck again with --aia to download it");
    expect(text).to.include("Plain http:// is unauthenticated");
    const download = steps.indexOf("  curl -fsSL -o int.cer 'http://pki.chaincheck.test/int.cer'");
    const convert = steps.indexOf("  openssl x509 -inform der -in int.cer -out published-intermediate.crt");
    const copy = steps.indexOf("  sudo cp published-intermediate.crt /usr/local/share/ca-certificates/");
    expect([download > 0, convert > download, copy > convert]).to.deep.equal([true, true, true]);
    for (const s of steps) if (s.includes("/usr/local/share/ca-certificates")) expect(s).to.match(/\.crt \/usr\/local\/share\/ca-certificates\/$/);
    expect(r.remediation.proof).to.include("run chaincheck again with --aia");
    // The conversion works on what the URL serves.
    writeFileSync(join(dir, "int.cer"), intDer);
    if (existsSync(OPENSSL)) {
      sh(steps[convert]!.trim(), dir);
      expect(readPemCerts(join(dir, "published-intermediate.crt")).map((c) => c.subject)).to.deep.equal([int.subject]);
    }
  });

  it("a PKCS#7 URL gets the pkcs7 conversion; an extension-less URL gets both; RHEL names the file *.pem", async () => {
    const p7 = json((await runCli(args(await leafWith("http://pki.chaincheck.test/ca/int.p7c"), "--ca-file", join(dir, "root.pem"), "--target-os", "rhel", "--format", "json"))).stdout).remediation.steps;
    const p7convert = "  openssl pkcs7 -inform der -print_certs -in int.p7c -out published-intermediate.pem";
    expect(p7).to.include(p7convert);
    expect(p7.indexOf(p7convert)).to.be.lessThan(p7.indexOf("  sudo cp published-intermediate.pem /etc/pki/ca-trust/source/anchors/"));
    const both = json((await runCli(args(await leafWith("http://pki.chaincheck.test/issuer"), "--ca-file", join(dir, "root.pem"), "--target-os", "debian", "--format", "json"))).stdout).remediation.steps;
    expect(both).to.include("  openssl x509 -inform der -in issuer -out published-intermediate.crt");
    expect(both).to.include("  openssl pkcs7 -inform der -print_certs -in issuer -out published-intermediate.crt");
    expect(both.join(" ")).to.include("if that fails, with the second");
    if (!existsSync(OPENSSL)) return;
    writeFileSync(join(dir, "int.pem"), new X509Certificate(Buffer.from(intDer)).toString());
    execFileSync(OPENSSL, ["crl2pkcs7", "-nocrl", "-certfile", join(dir, "int.pem"), "-outform", "DER", "-out", join(dir, "int.p7c")]);
    sh(p7convert.trim(), dir);
    expect(readPemCerts(join(dir, "published-intermediate.pem")).map((c) => c.subject)).to.deep.equal([int.subject]);
  });

  it("Windows: certutil -encode converts the DER download (no openssl needed)", async () => {
    const steps = json((await runCli(args(await leafWith("http://pki.chaincheck.test/int.cer"), "--ca-file", join(dir, "root.pem"), "--target-os", "windows", "--format", "json"))).stdout).remediation.steps;
    expect(steps).to.include('  curl.exe -fsSL -o int.cer "http://pki.chaincheck.test/int.cer"');
    expect(steps).to.include("  certutil -encode int.cer published-intermediate.crt");
  });

  it("a URL with characters a shell would interpret gets no command, only the CA administrator", async () => {
    const steps = json((await runCli(args(await leafWith("http://pki.chaincheck.test/$(reboot)'.cer"), "--ca-file", join(dir, "root.pem"), "--target-os", "debian", "--format", "json"))).stdout).remediation.steps;
    expect(steps.join("\n")).to.not.include("curl -").and.not.include("reboot");
    expect(steps[0]).to.match(/^Obtain the intermediate .* from your CA administrator/);
  });

  it("with --aia over plain http://: source aia with the URL, labelled as such; the downloaded root must be confirmed", async () => {
    const file = await leafWith(`${base}/int.cer`);
    const out = await runCli(args(file, "--aia", "--ca-file", join(dir, "other-root.pem"), "--target-os", "debian", "--format", "json"));
    const r = json(out.stdout);
    expect(r.remediation.verifiedAfterInstall).to.equal(true);
    expect(r.remediation.install.map((i) => [i.role, i.source, i.downloadedFrom, i.confirmOutOfBand])).to.deep.equal([
      ["root", "aia", `${base}/root.cer`, true],
      ["intermediate", "aia", `${base}/int.cer`, false],
    ]);
    const text = (await runCli(args(file, "--aia", "--ca-file", join(dir, "other-root.pem"), "--target-os", "debian"))).stdout.replace(/\s*\n\s*/g, " ");
    expect(text).to.include(`downloaded over plain http:// (unauthenticated) from ${base}/root.cer (--aia)`);
    expect(text).to.include(`chaincheck has it only from a download over plain http:// (unauthenticated) from ${base}/root.cer`);
    expect(text).to.not.include("curl -");
  });
});

describe("advice: a DER input file", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "chaincheck-der-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("verify cert.der: the conversion of that file when useful, none when --save-anchors writes the PEM", async () => {
    const s = loadScenario("self-signed-leaf");
    const file = join(dir, "server.der");
    writeFileSync(file, s.presented[0]!.der);
    const base = ["verify", file, "--host", s.host!, "--at", AT, "--ca-file", join(s.dir, "trust.pem"), "--target-os", "debian", "--format", "json"];
    const steps = json((await runCli(base)).stdout).remediation.steps;
    const convert = steps.find((x) => x.startsWith(`  openssl x509 -inform der -in ${file} -out `));
    expect(convert, steps.join("\n")).to.match(/-out tabpy-chaincheck-test-[0-9a-f]{8}\.crt$/);
    if (existsSync(OPENSSL)) {
      sh(convert!.trim(), dir);
      expect(readdirSync(dir).filter((f) => f.endsWith(".crt"))).to.have.length(1);
    }
    const saved = json((await runCli([...base, "--save-anchors", join(dir, "anchors")])).stdout).remediation.steps;
    expect(saved.join("\n")).to.not.include("-inform der");
    expect(saved.join("\n")).to.include("--save-anchors DIR writes them");
  });
});
