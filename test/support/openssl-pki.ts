/**
 * Test-time PKI made with the system's OpenSSL: root -> intermediate -> leaf for 127.0.0.1 and
 * localhost (P-256, valid from now for two days). Everything lives in one temp dir, removed by
 * `cleanup()`. Independent of chaincheck's own issuing code, so server tests do not rely on it.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const OPENSSL = "/usr/bin/openssl";

/** A certificate and its private key, PEM. */
export interface Issued {
  readonly certPem: string;
  readonly keyPem: string;
}

export interface TestPki {
  readonly root: Issued;
  readonly intermediate: Issued;
  readonly leaf: Issued;
  /** Removes the temp dir. */
  cleanup(): Promise<void>;
}

const CONFIG = `[req]
distinguished_name = dn
[dn]
[x_root]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[x_int]
basicConstraints = critical,CA:TRUE,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[x_leaf]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1,DNS:localhost
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
`;

const NEW_KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-noenc"];

/** Generates root, intermediate and leaf with /usr/bin/openssl (about 50 ms). */
export async function makeTestPki(prefix = "chaincheck"): Promise<TestPki> {
  const dir = await mkdtemp(join(tmpdir(), "chaincheck-pki-"));
  const f = (name: string): string => join(dir, name);
  try {
    await writeFile(f("openssl.cnf"), CONFIG);
    const cfg = ["-config", f("openssl.cnf")];
    await run(OPENSSL, ["req", "-x509", ...NEW_KEY, "-keyout", f("root.key"), "-out", f("root.pem"),
      "-subj", `/CN=${prefix} Test Root`, "-days", "2", ...cfg, "-extensions", "x_root"]);
    await issue(f, "int", `/CN=${prefix} Test Intermediate`, "root", "x_int", "2", cfg);
    await issue(f, "leaf", "/CN=localhost", "int", "x_leaf", "3", cfg);
    const load = async (name: string): Promise<Issued> => ({
      certPem: await readFile(f(`${name}.pem`), "utf8"),
      keyPem: await readFile(f(`${name}.key`), "utf8"),
    });
    const [root, intermediate, leaf] = await Promise.all([load("root"), load("int"), load("leaf")]);
    return { root, intermediate, leaf, cleanup: () => rm(dir, { recursive: true, force: true }) };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

async function issue(
  f: (name: string) => string, name: string, subject: string, issuer: string, section: string,
  serial: string, cfg: readonly string[],
): Promise<void> {
  await run(OPENSSL, ["req", "-new", ...NEW_KEY, "-keyout", f(`${name}.key`), "-out", f(`${name}.csr`),
    "-subj", subject, ...cfg]);
  await run(OPENSSL, ["x509", "-req", "-in", f(`${name}.csr`), "-CA", f(`${issuer}.pem`),
    "-CAkey", f(`${issuer}.key`), "-set_serial", serial, "-days", "2", "-out", f(`${name}.pem`),
    "-extfile", f("openssl.cnf"), "-extensions", section]);
}
