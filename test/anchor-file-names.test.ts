/**
 * --save-anchors file names come from certificate names, which the server's owner (or an attacker) chooses: they
 * must be safe to create and to paste into a root shell. No path separator, no "..", no control or bidi character,
 * no leading dot or dash, a bounded length, distinct names, a SHA-256 fallback, and the extension the OS needs.
 */
import { expect } from "chai";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateKey, issueCertificate } from "../src/pki/issue.js";
import { anchorFileNames } from "../src/advise/save.js";
import { runCli } from "./support/cli.js";

const SAFE = /^[a-z0-9][a-z0-9-]{0,70}\.(crt|pem)$/;
const HOST = "names.chaincheck.test";

describe("--save-anchors file names from hostile certificate names", function () {
  this.timeout(30_000);
  let dir: string;
  const chains: Record<string, { leaf: string; held: string }> = {};
  const HOSTILE: Record<string, [string, string]> = {
    // [intermediate CN, root CN]
    traversal: ["../../etc/passwd", "..\\..\\windows\\system32"],
    options: ["-rf", "--force ."],
    separators: ["a/b", ".hidden"],
    bidi: ["\u202etxt.exe\u202c", "evil\u0007\u001b[2Jroot"],
    long: ["x".repeat(200), "Ünïcödé Root Çâ"],
    empty: ["", "\u202e"],
    same: ["Same Name", "Same Name"],
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "chaincheck-names-"));
    const nb = new Date("2025-01-01T00:00:00Z");
    const na = new Date("2049-12-31T00:00:00Z");
    for (const [label, [intCn, rootCn]] of Object.entries(HOSTILE)) {
      const [kR, kI, kL] = await Promise.all([1, 2, 3].map(() => generateKey("p256")));
      // The O tells the two apart when the CNs are equal (a path needs distinct names).
      const R = { subject: `CN=${rootCn}, O=Root ${label}`, key: kR! };
      const I = { subject: `CN=${intCn}, O=Int ${label}`, key: kI! };
      const root = await issueCertificate({ ...R, serial: "01", notBefore: nb, notAfter: na, ca: true });
      const int = await issueCertificate({ ...I, issuer: R, serial: "02", notBefore: nb, notAfter: na, ca: true });
      const leaf = await issueCertificate({ subject: `CN=${HOST}`, key: kL!, issuer: I, serial: "03", notBefore: nb, notAfter: na, ca: false, dnsNames: [HOST] });
      chains[label] = { leaf: join(dir, `${label}.leaf.pem`), held: join(dir, `${label}.held.pem`) };
      writeFileSync(chains[label]!.leaf, leaf.pem);
      writeFileSync(chains[label]!.held, int.pem + root.pem);
    }
    writeFileSync(join(dir, "empty-store.pem"), "");
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  for (const label of Object.keys(HOSTILE)) {
    for (const [os, ext] of [["debian", ".crt"], ["rhel", ".pem"]] as const) {
      it(`${label} (${os}): two safe, distinct ${ext} files, the same names in the script and in the advice`, async () => {
        const out = join(dir, `out-${label}-${os}`);
        const args = ["verify", chains[label]!.leaf, "--ca-file", join(FIXTURE_STORE), "--intermediates", chains[label]!.held, "--host", HOST,
          "--at", "2030-01-01T00:00:00Z", "--target-os", os, "--save-anchors", out];
        const json = await runCli([...args, "--format", "json"]);
        expect(json.code, json.stderr).to.equal(1);
        const files = readdirSync(out).sort();
        const certs = files.filter((f) => f !== "install-anchors.sh");
        expect(files).to.include("install-anchors.sh");
        expect(certs).to.have.length(2);
        for (const f of certs) {
          expect(f, JSON.stringify(f)).to.match(SAFE);
          expect(f.endsWith(ext)).to.equal(true);
          expect(f).to.not.include("..");
        }
        const script = readFileSync(join(out, "install-anchors.sh"), "utf8");
        for (const f of certs) expect(script).to.include(`"$here/${f}"`);
        const steps = (JSON.parse(json.stdout) as { results: { remediation: { steps: string[] } }[] }).results[0]!.remediation.steps.join("\n");
        for (const f of certs) expect(steps).to.include(f);
        if (label === "empty") for (const f of certs) expect(f).to.match(/^sha256-[0-9a-f]{16}\.(crt|pem)$/);
        if (label === "long") expect(certs.some((f) => f.startsWith(`${"x".repeat(48)}-`))).to.equal(true);
        if (label === "long") expect(certs.some((f) => f.startsWith("unicode-root-ca-"))).to.equal(true);
        if (label === "traversal") expect(certs.some((f) => f.startsWith("etc-passwd-"))).to.equal(true);
        // The text report names the same files.
        const text = (await runCli([...args.filter((a) => a !== "--save-anchors" && a !== out), "--no-color"])).stdout;
        for (const f of certs) expect(text).to.include(f);
      });
    }
  }

  it("names that still clash (same stem and fingerprint start) get -2, -3 before the extension", () => {
    const a = { subject: "CN=Same", sha256: "ab".repeat(32) };
    const b = { subject: "CN=same!", sha256: "ab".repeat(16) + "cd".repeat(16) };
    const missing = { subject: "CN=CON", sha256: null };
    expect(anchorFileNames([a, b, a, missing, { subject: "CN=", sha256: null }], ".crt")).to.deep.equal([
      "same-abababab.crt", "same-abababab-2.crt", "same-abababab-3.crt", "ca-con.crt", "certificate.crt",
    ]);
  });
});

const FIXTURE_STORE = new URL("../../fixtures/ca/other-root.pem", import.meta.url).pathname;
