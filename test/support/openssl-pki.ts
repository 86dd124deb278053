/**
 * Throwaway PKI for the probe and server tests (independent of chaincheck's own issuing code), made with /usr/bin/openssl in a temp dir: a root, an intermediate, a leaf for
 * localhost / 127.0.0.1 / ::1, an unrelated self-signed certificate, and a legacy RSA-1024 / SHA-1 pair.
 * Validity dates do not matter here (the probe never validates), so they are relative to now.
 */
import { execFileSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TestCert {
  pem: string;
  key: string;
  der: Uint8Array;
}

export interface OpensslPki {
  dir: string;
  root: TestCert;
  intermediate: TestCert;
  leaf: TestCert;
  unrelated: TestCert;
  /** RSA-1024 leaf signed with SHA-1 by an RSA-1024 SHA-1 root (for TLS 1.0 / security level 0). */
  legacyRoot: TestCert;
  legacyLeaf: TestCert;
  /** Removes the temp dir. */
  cleanup(): void;
}

const OPENSSL = "/usr/bin/openssl";

export function makeOpensslPki(): OpensslPki {
  const dir = mkdtempSync(join(tmpdir(), "chaincheck-pki-"));
  const run = (...args: string[]) => execFileSync(OPENSSL, args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
  const file = (name: string, text: string) => writeFileSync(join(dir, name), text);
  file("ca.ext", "basicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n");
  file("leaf.ext", "basicConstraints=CA:false\nsubjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\nextendedKeyUsage=serverAuth\n");
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];

  run("req", "-x509", ...ec, "-keyout", "root.key", "-out", "root.pem", "-subj", "/CN=Probe Test Root", "-days", "30", "-addext", "basicConstraints=critical,CA:true", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
  run("req", ...ec, "-keyout", "int.key", "-out", "int.csr", "-subj", "/CN=Probe Test Intermediate");
  run("x509", "-req", "-in", "int.csr", "-CA", "root.pem", "-CAkey", "root.key", "-set_serial", "2", "-out", "int.pem", "-days", "30", "-extfile", "ca.ext");
  run("req", ...ec, "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=localhost");
  run("x509", "-req", "-in", "leaf.csr", "-CA", "int.pem", "-CAkey", "int.key", "-set_serial", "3", "-out", "leaf.pem", "-days", "30", "-extfile", "leaf.ext");
  run("req", "-x509", ...ec, "-keyout", "unrelated.key", "-out", "unrelated.pem", "-subj", "/CN=Unrelated Test CA", "-days", "30");

  const rsa1024 = ["-newkey", "rsa:1024", "-nodes", "-sha1"];
  run("req", "-x509", ...rsa1024, "-keyout", "legacy-root.key", "-out", "legacy-root.pem", "-subj", "/CN=Legacy Root", "-days", "30", "-addext", "basicConstraints=critical,CA:true");
  run("req", ...rsa1024, "-keyout", "legacy-leaf.key", "-out", "legacy-leaf.csr", "-subj", "/CN=localhost");
  run("x509", "-req", "-sha1", "-in", "legacy-leaf.csr", "-CA", "legacy-root.pem", "-CAkey", "legacy-root.key", "-set_serial", "5", "-out", "legacy-leaf.pem", "-days", "30", "-extfile", "leaf.ext");

  const load = (name: string): TestCert => {
    const pem = readFileSync(join(dir, `${name}.pem`), "utf8");
    return { pem, key: readFileSync(join(dir, `${name}.key`), "utf8"), der: new Uint8Array(new X509Certificate(pem).raw) };
  };
  return {
    dir,
    root: load("root"),
    intermediate: load("int"),
    leaf: load("leaf"),
    unrelated: load("unrelated"),
    legacyRoot: load("legacy-root"),
    legacyLeaf: load("legacy-leaf"),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Concatenated PEM, the way a server's certificate file lists what it presents. */
export function pemChain(...certs: TestCert[]): string {
  return certs.map((c) => c.pem.trim()).join("\n") + "\n";
}

/** Hex of each DER, for readable deep-equal failures. */
export function hexList(ders: readonly Uint8Array[]): string[] {
  return ders.map((d) => Buffer.from(d).toString("hex"));
}

/** Skips the calling suite with a visible message when the OpenSSL command line is absent. */
export function skipUnlessOpenssl(ctx: Mocha.Context): void {
  if (existsSync(OPENSSL)) return;
  console.log(`      skipping: ${OPENSSL} is not installed (apt-get install openssl; see scripts/ci-deps.sh)`);
  ctx.skip();
}
