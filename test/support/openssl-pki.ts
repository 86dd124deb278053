/**
 * Throwaway PKI for the probe and server tests (independent of chaincheck's own issuing code), made with /usr/bin/openssl in a temp dir: a root, an intermediate, a leaf for
 * localhost / 127.0.0.1 / ::1, an unrelated self-signed certificate, and a legacy RSA-1024 / SHA-1 pair.
 * Validity dates do not matter here (the probe never validates), so they are relative to now.
 */
import { execFile, execFileSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { isIP } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { encodePem } from "../../src/cert/pem.js";

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

/** What `openssl verify` is asked: DER certificates, the validation time, the host, the client model. */
export interface OpensslVerifyInput {
  readonly trust: readonly { readonly der: Uint8Array }[];
  /** Leaf first, then what the server sends after it (given as -untrusted). */
  readonly presented: readonly { readonly der: Uint8Array }[];
  readonly at: Date;
  readonly host?: string | null;
  readonly partialChain?: boolean;
}

/**
 * `openssl verify -purpose sslserver -x509_strict -auth_level 2` (the sslserver purpose, Python >= 3.13's strict
 * profile and the security level of a TLS handshake), with files written to `dir`. `ok` is OpenSSL's verdict.
 */
export async function opensslVerify(input: OpensslVerifyInput, dir: string): Promise<{ ok: boolean; output: string }> {
  const write = (name: string, certs: readonly { der: Uint8Array }[]) => {
    const path = join(dir, name);
    writeFileSync(path, certs.map((c) => encodePem(c.der)).join(""));
    return path;
  };
  const args = ["verify", "-CAfile", write("trust.pem", input.trust), "-attime", String(Math.floor(input.at.getTime() / 1000)),
    "-purpose", "sslserver", "-x509_strict", "-auth_level", "2"];
  if (input.presented.length > 1) args.push("-untrusted", write("untrusted.pem", input.presented.slice(1)));
  if (input.host) args.push(isIP(input.host) ? "-verify_ip" : "-verify_hostname", input.host);
  if (input.partialChain) args.push("-partial_chain");
  args.push(write("leaf.pem", input.presented.slice(0, 1)));
  try {
    const { stdout, stderr } = await promisify(execFile)(OPENSSL, args, { timeout: 10_000 });
    return { ok: true, output: `${stdout}${stderr}`.trim() };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    if (typeof err.code !== "number") throw e;
    return { ok: false, output: `${err.stdout ?? ""}${err.stderr ?? ""}`.trim() };
  }
}
