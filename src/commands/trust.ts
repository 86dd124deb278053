/** I/O: the trust store a run uses: `--ca-file`s when given, else this host's system store. */
import { TRUST_LIMITS } from "../input/limits.js";
import type { ReadOptions } from "../input/read.js";
import { loadCaFiles, loadSystemTrustStore } from "../trust/system.js";
import type { TrustStore } from "../trust/store.js";
import { trustAnchors } from "../validate/anchors.js";
import type { TrustAnchors } from "../validate/validate.js";

export interface LoadedTrust {
  readonly store: TrustStore;
  readonly anchors: TrustAnchors;
}

/** @param read how `--ca-file`s are read (PKCS#12 password, notes); they get the trust caps (TRUST_LIMITS). */
export async function loadTrust(caFiles: readonly string[], read: ReadOptions = {}): Promise<LoadedTrust> {
  const store = caFiles.length > 0 ? await loadCaFiles(caFiles, { ...read, limits: TRUST_LIMITS }) : await loadSystemTrustStore();
  return { store, anchors: trustAnchors(store) };
}
