/**
 * Load the trust store: the host's system store (what OpenSSL-based clients on this machine
 * trust) or the files given with `--ca-file`. Node's bundled root list is never used: it is not
 * the system store (measured: Node 20's bundled list and Debian's ca-certificates.crt each held 144 roots and
 * shared only 122). I/O module; the file system and
 * environment are injectable for tests.
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { TRUST_LIMITS, decodeCertificates } from "../input/decode.js";
import { toHex } from "../asn1/der.js";
import { InputError, displayName } from "../input/errors.js";
import { readCertificateFile } from "../input/read.js";
import type { ReadOptions } from "../input/read.js";
import { CA_FILE_HELP, TrustStoreError } from "./errors.js";
import { TrustStore, countCertificates, uniqueCertificates } from "./store.js";

export { TrustStoreError } from "./errors.js";

/** Distro CA bundles, most common first (Go's crypto/x509 root_linux.go has the same list). */
export const SYSTEM_BUNDLES: readonly string[] = [
  "/etc/ssl/certs/ca-certificates.crt", // Debian, Ubuntu, Gentoo, Arch
  "/etc/pki/tls/certs/ca-bundle.crt", // Fedora, RHEL 6+, Amazon Linux
  "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", // RHEL 7+ (the file the line above links to)
  "/etc/ssl/ca-bundle.pem", // openSUSE, SLES
  "/etc/ssl/cert.pem", // Alpine, also macOS-style layouts
];
/** The hashed-certificate directory read when no bundle exists. */
export const SYSTEM_DIRECTORY = "/etc/ssl/certs";

/** What loading touches; each defaults to process.env / node:fs. */
export interface SystemStoreDeps {
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** True for an existing regular file (after symlinks). */
  readonly fileExists?: (path: string) => boolean | Promise<boolean>;
  readonly readFile?: (path: string) => Uint8Array | Promise<Uint8Array>;
  /** The entry names of a directory, or `undefined` when it is not one. */
  readonly listDir?: (path: string) => readonly string[] | undefined | Promise<readonly string[] | undefined>;
}
type Deps = Required<SystemStoreDeps>;

const HELP = CA_FILE_HELP;
// c_rehash / openssl rehash names (8 hex digits, ".", a sequence number) and the usual extensions;
// "<hash>.r<n>" files are CRLs.
const DIRECTORY_ENTRY = /^(?:[0-9a-f]{8}\.\d+|.+\.(?:pem|crt))$/i;

/**
 * Load the system trust store: `SSL_CERT_FILE` and/or `SSL_CERT_DIR` when set (as OpenSSL honours
 * them), else the first existing distro bundle, else the directory /etc/ssl/certs.
 * @throws {TrustStoreError} when nothing usable is found; the message says to pass --ca-file
 */
export async function loadSystemTrustStore(deps: SystemStoreDeps = {}): Promise<TrustStore> {
  const d: Deps = {
    env: deps.env ?? process.env,
    fileExists: deps.fileExists ?? defaultFileExists,
    readFile: deps.readFile ?? readCappedSync,
    listDir: deps.listDir ?? defaultListDir,
  };
  const certFile = d.env["SSL_CERT_FILE"] || undefined;
  const certDir = d.env["SSL_CERT_DIR"] || undefined;
  if (certFile !== undefined || certDir !== undefined) return loadFromEnvironment(d, certFile, certDir);
  for (const path of SYSTEM_BUNDLES) {
    if (await d.fileExists(path)) {
      const ders = uniqueCertificates(await readBundle(d, path, new SeenFiles()));
      if (ders.length === 0) throw new TrustStoreError("SYSTEM_STORE_EMPTY", `the system trust store ${path} holds no certificates; ${HELP}`);
      return new TrustStore(systemSource(`system store ${path}`, [path], ders.length), ders);
    }
  }
  const dir = await readDirectories(d, [SYSTEM_DIRECTORY], new SeenFiles());
  if (dir.found.length > 0 && dir.ders.length > 0) {
    return new TrustStore(systemSource(`system store directory ${SYSTEM_DIRECTORY}`, dir.found, dir.ders.length), dir.ders, dir.warnings);
  }
  throw new TrustStoreError("NO_SYSTEM_STORE",
    `no system trust store found (looked for ${[...SYSTEM_BUNDLES, SYSTEM_DIRECTORY].join(", ")}); ${HELP}`);
}

async function loadFromEnvironment(d: Deps, certFile: string | undefined, certDir: string | undefined): Promise<TrustStore> {
  const ders: Uint8Array[] = [];
  const paths: string[] = [];
  const named: string[] = [];
  const seen = new SeenFiles();
  let warnings: string[] = [];
  if (certFile !== undefined) {
    named.push(`SSL_CERT_FILE=${displayName(certFile)}`);
    if (!(await d.fileExists(certFile))) {
      throw new TrustStoreError("SYSTEM_STORE_UNREADABLE", `SSL_CERT_FILE names ${displayName(certFile)}, which is not an existing file; fix the variable or ${HELP}`);
    }
    ders.push(...(await readBundle(d, certFile, seen)));
    paths.push(certFile);
  }
  if (certDir !== undefined) {
    named.push(`SSL_CERT_DIR=${displayName(certDir)}`);
    // OpenSSL: a colon-separated list; missing directories are skipped.
    const dir = await readDirectories(d, certDir.split(":").filter((p) => p !== ""), seen);
    ders.push(...dir.ders);
    paths.push(...dir.found);
    warnings = dir.warnings;
  }
  const unique = uniqueCertificates(ders);
  if (unique.length === 0) {
    throw new TrustStoreError("SYSTEM_STORE_EMPTY", `${named.join(" and ")} hold${named.length === 1 ? "s" : ""} no certificates; ${HELP}`);
  }
  return new TrustStore(systemSource(`system store ${named.join(", ")}`, paths, unique.length), unique, warnings);
}

/**
 * A store file, read synchronously (cheaper than a promise for one small file), refused before reading when it is
 * over the trust-input cap: the decoder would refuse it anyway, after holding it all in memory.
 */
function readCappedSync(path: string): Uint8Array {
  const size = statSync(path).size;
  if (size > TRUST_LIMITS.maxBytes) {
    throw Object.assign(new Error(`${path} is too large`), { code: `${size} bytes, over the ${TRUST_LIMITS.maxBytes / (1024 * 1024)} MB cap for CA files` });
  }
  return readFileSync(path);
}

function systemSource(label: string, paths: string[], count: number) {
  return { kind: "system" as const, description: `${label} (${countCertificates(count)})`, paths };
}

/** A bundle file's certificates; a defect in the system store is fatal (and says so). */
async function readBundle(d: Deps, path: string, seen: SeenFiles): Promise<Uint8Array[]> {
  let bytes: Uint8Array;
  try {
    bytes = await d.readFile(path);
    seen.isRepeat(bytes);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "read error";
    throw new TrustStoreError("SYSTEM_STORE_UNREADABLE", `cannot read the system trust store ${displayName(path)} (${code}); ${HELP}`);
  }
  try {
    return (await decodeCertificates(bytes, { name: path, limits: TRUST_LIMITS })).certificates;
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    throw new TrustStoreError("SYSTEM_STORE_UNREADABLE", `cannot use the system trust store: ${e.message}; ${HELP}`);
  }
}

/** Certificates from directories of PEM/DER files; unreadable files are skipped with a warning. */
async function readDirectories(d: Deps, dirs: string[], seen: SeenFiles): Promise<{ ders: Uint8Array[]; found: string[]; warnings: string[] }> {
  const ders: Uint8Array[] = [];
  const found: string[] = [];
  const warnings: string[] = [];
  for (const dir of dirs) {
    const names = await d.listDir(dir);
    if (names === undefined) continue;
    found.push(dir);
    for (const name of [...names].filter((n) => DIRECTORY_ENTRY.test(n)).sort()) {
      const path = join(dir, name);
      if (!(await d.fileExists(path))) continue;
      try {
        const bytes = await d.readFile(path);
        if (seen.isRepeat(bytes)) continue;
        ders.push(...(await decodeCertificates(bytes, { name: path })).certificates);
      } catch (e) {
        const why = e instanceof InputError ? e.message : `${displayName(path)}: cannot be read`;
        warnings.push(`skipped ${why}`);
      }
    }
  }
  return { ders: uniqueCertificates(ders), found, warnings };
}

/**
 * Files already read, by content: /etc/ssl/certs holds every root twice (hash link and *.pem)
 * plus the whole bundle again as ca-certificates.crt; decoding each once halves the work.
 */
class SeenFiles {
  readonly #byKey = new Map<string, Uint8Array[]>();
  /** True when identical bytes were seen before; otherwise remembers them. */
  isRepeat(bytes: Uint8Array): boolean {
    const key = `${bytes.length}:${toHex(bytes.subarray(Math.max(0, bytes.length - 32)))}`;
    const same = this.#byKey.get(key);
    if (same?.some((other) => Buffer.compare(other, bytes) === 0)) return true;
    if (same) same.push(bytes);
    else this.#byKey.set(key, [bytes]);
    return false;
  }
}

/**
 * The store for `--ca-file FILE...`: every certificate of every file (any format
 * {@link decodeCertificates} reads), duplicates removed.
 * @throws {InputError} for a file that cannot be read; {@link TrustStoreError} when `paths` is empty
 */
export async function loadCaFiles(paths: readonly string[], options: ReadOptions = {}): Promise<TrustStore> {
  if (paths.length === 0) throw new TrustStoreError("NO_CA_FILES", "no --ca-file given");
  const ders: Uint8Array[] = [];
  for (const path of paths) {
    // What the decoder noticed goes to `options.onNote` (INPUT_NOTE), as for every input file.
    ders.push(...(await readCertificateFile(path, options)).certificates);
  }
  const unique = uniqueCertificates(ders);
  const description = `--ca-file ${paths.map(displayName).join(", ")} (${countCertificates(unique.length)})`;
  return new TrustStore({ kind: "files", description, paths: [...paths] }, unique);
}

function defaultFileExists(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
  } catch {
    return false;
  }
}

function defaultListDir(path: string): string[] | undefined {
  try {
    return readdirSync(path);
  } catch {
    return undefined;
  }
}
