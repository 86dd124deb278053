/**
 * The Windows or macOS machine store, read through the commands of src/trust/os-stores.ts: every
 * command runs through the injected `host.run` (bounded there), so this module does no I/O of its own.
 * Failures are one-line TrustStoreErrors naming what was tried.
 */
import { InputError } from "../input/errors.js";
import { parseTrustSettings, type TrustSettings } from "./apple-trust.js";
import { CA_FILE_HELP, TrustStoreError } from "./errors.js";
import { macosStore } from "./macos.js";
import {
  MACOS, MACOS_READERS, WINDOWS_READERS, commandName, expandWindowsPath, failureOf,
  type CommandOutcome, type HostAccess, type OsCommand, type OsStoreResult, type StoreDescription,
} from "./os-stores.js";
import { TrustStore } from "./store.js";
import { WindowsListingError, parseWindowsListing, windowsStore } from "./windows.js";

/** A machine store as a run uses it: anchors in a TrustStore, held intermediates beside it. */
export interface HostTrust {
  readonly store: TrustStore;
  /** DER of certificates the OS builds chains from without trusting them (Windows CA, macOS System keychain). */
  readonly intermediates: readonly Uint8Array[];
  readonly description: StoreDescription;
}

/** OpenSSL's variables; the OS verifiers of Windows and macOS do not read them. */
const OPENSSL_VARIABLES = ["SSL_CERT_FILE", "SSL_CERT_DIR"] as const;

/** Loads the store of `host` (win32 or darwin). @throws {TrustStoreError} */
export async function loadOsTrust(host: HostAccess): Promise<HostTrust> {
  const result = host.platform === "win32" ? await readWindows(host) : await readMacos(host);
  const set = OPENSSL_VARIABLES.filter((v) => (host.env[v] ?? "") !== "");
  const verifier = host.platform === "win32" ? "CryptoAPI" : "Security.framework";
  const text = set.length > 0 ? `${result.description.text}; ${set.join(" and ")} not used (${verifier} does not read ${set.length > 1 ? "them" : "it"})` : result.description.text;
  const description = { ...result.description, text };
  if (result.anchors.length === 0) throw new TrustStoreError("SYSTEM_STORE_EMPTY", `${text}: no trust anchor in it; ${CA_FILE_HELP}`);
  const paths = [...new Set(description.parts.map((p) => p.name))];
  return {
    store: new TrustStore({ kind: "system", description: text, paths }, result.anchors, result.notes),
    intermediates: result.intermediates,
    description,
  };
}

/** Windows PowerShell first, then PowerShell 7; the first listing that parses wins. */
async function readWindows(host: HostAccess): Promise<OsStoreResult> {
  const tried: string[] = [];
  for (const reader of WINDOWS_READERS) {
    const program = expandWindowsPath(reader.file, host.env);
    const outcome = await host.run(reader);
    if (outcome.ok && outcome.exitCode === 0) {
      try {
        return windowsStore(parseWindowsListing(outcome.output), program);
      } catch (e) {
        if (!(e instanceof WindowsListingError)) throw e;
        tried.push(`${commandName(reader, host.env)}: ${e.message}`);
        continue;
      }
    }
    tried.push(`${commandName(reader, host.env)}: ${failureOf(outcome)}`);
  }
  throw new TrustStoreError("NO_SYSTEM_STORE", `cannot read the Windows certificate stores (tried ${tried.join("; ")}); ${CA_FILE_HELP}`);
}

/** The three `security` commands at once; any failure but "no admin trust settings" stops the run. */
async function readMacos(host: HostAccess): Promise<OsStoreResult> {
  const [roots, system, admin] = await Promise.all([
    host.run(MACOS_READERS.systemRoots), host.run(MACOS_READERS.systemKeychain), host.run(MACOS_READERS.adminTrust),
  ]);
  const output = (command: OsCommand, outcome: CommandOutcome): string => {
    if (outcome.ok && outcome.exitCode === 0) return outcome.output;
    throw new TrustStoreError("NO_SYSTEM_STORE", `cannot read the macOS keychains (tried ${commandName(command, host.env)}: ${failureOf(outcome)}); ${CA_FILE_HELP}`);
  };
  const systemRoots = output(MACOS_READERS.systemRoots, roots);
  const systemKeychain = output(MACOS_READERS.systemKeychain, system);
  const noAdminSettings = admin.ok && admin.exitCode !== 0 && MACOS.noAdminSettings.test(admin.stderr);
  const adminTrust: TrustSettings = noAdminSettings ? new Map() : adminSettings(output(MACOS_READERS.adminTrust, admin));
  try {
    return await macosStore({ systemRoots, systemKeychain, adminTrust }, MACOS_READERS.systemRoots.file);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    throw new TrustStoreError("SYSTEM_STORE_UNREADABLE", `cannot use what security printed: ${e.message}; ${CA_FILE_HELP}`);
  }
}

function adminSettings(xml: string): TrustSettings {
  try {
    return parseTrustSettings(xml);
  } catch (e) {
    throw new TrustStoreError("SYSTEM_STORE_UNREADABLE",
      `cannot use the admin trust settings (${commandName(MACOS_READERS.adminTrust, {})}): ${(e as Error).message}; ${CA_FILE_HELP}`);
  }
}
