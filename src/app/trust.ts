/**
 * I/O: the trust store a run uses: `--ca-file`s when given, else this host's store: the Windows
 * LocalMachine stores or the macOS keychains through their commands (loaded only there), the files
 * of a Linux/Unix store everywhere else. The host (platform, environment, command runner) is injectable.
 */
import type { Certificate } from "../types.js";
import { makeFinding, type Finding } from "../findings/finding.js";
import { CertificateParseError, parseCertificate } from "../cert/parse.js";
import { encodePem } from "../cert/pem.js";
import { TRUST_LIMITS } from "../input/limits.js";
import type { ReadOptions } from "../input/read.js";
import type { HostAccess, StoreDescription } from "../trust/os-stores.js";
import type { TrustStore } from "../trust/store.js";
import { loadCaFiles, loadSystemTrustStore } from "../trust/system.js";
import { trustAnchors } from "../validate/anchors.js";
import type { TrustAnchors } from "../validate/validate.js";

export interface LoadedTrust {
  readonly store: TrustStore;
  readonly anchors: TrustAnchors;
  /** The OS store's held intermediates (Windows CA, macOS System keychain): they complete paths, never end them. */
  readonly intermediates: readonly Certificate[];
  readonly description: StoreDescription;
  /** PEM of the anchors and held intermediates: OpenSSL's handshake check builds from both, as the OS does. */
  caPems(): string[];
  /** What loading left out, one line each (an entry it cannot index or decode, a skipped file): TRUST_STORE_NOTE. */
  readonly notes: readonly string[];
}

/**
 * The trust store a run uses (see `TrustLoader`).
 * @param read how `--ca-file`s are read (PKCS#12 password, notes); they get the trust caps (TRUST_LIMITS).
 * @param host the platform, environment and command runner (injected in tests).
 */
export async function loadTrust(caFiles: readonly string[], read: ReadOptions = {}, host: Partial<HostAccess> = {}): Promise<LoadedTrust> {
  if (caFiles.length > 0) return loaded(await loadCaFiles(caFiles, { ...read, limits: TRUST_LIMITS }), [], "ca-file", "files");
  const platform = host.platform ?? process.platform;
  if (platform === "win32" || platform === "darwin") {
    const [{ hostAccess }, { loadOsTrust }] = await Promise.all([import("../trust/host.js"), import("../trust/load-os.js")]);
    const os = await loadOsTrust(hostAccess({ ...host, platform }));
    const held = heldCertificates(os.intermediates, os.description.text);
    return { ...loaded(os.store, held.certificates, os.description.kind, os.description.reader, held.notes), description: os.description };
  }
  return loaded(await loadSystemTrustStore(host.env ? { env: host.env } : {}), [], "unix", "files");
}

function loaded(store: TrustStore, intermediates: readonly Certificate[], kind: StoreDescription["kind"], reader: string, notes: readonly string[] = []): LoadedTrust {
  return {
    notes: [...store.warnings, ...notes],
    store,
    anchors: trustAnchors(store),
    intermediates,
    description: {
      kind,
      text: store.source.description,
      parts: [{ name: store.source.paths.join(", "), role: "anchors", count: store.size }],
      excluded: 0,
      reader,
    },
    caPems: () => [...store.pems(), ...intermediates.map((c) => encodePem(c.der))],
  };
}

/** Parsed held intermediates; one the parser rejects is left out (as a broken anchor is), with a note saying so. */
function heldCertificates(ders: readonly Uint8Array[], store: string): { certificates: Certificate[]; notes: string[] } {
  const notes: string[] = [];
  const certificates = ders.flatMap((der, i) => {
    try {
      return [parseCertificate(der)];
    } catch (e) {
      if (!(e instanceof CertificateParseError)) throw e;
      notes.push(`intermediate ${i + 1} of ${store} cannot be decoded (${e.message}); it is not used to complete paths`);
      return [];
    }
  });
  return { certificates, notes };
}

/** One TRUST_STORE_NOTE (info) per note of the store a run loaded. */
export function trustStoreNotes(trust: Pick<LoadedTrust, "notes" | "store">): Finding[] {
  return trust.notes.map((note) => makeFinding("TRUST_STORE_NOTE", null, { store: trust.store.source.description, note }));
}
