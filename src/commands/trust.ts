/** I/O: the trust store a run uses: `--ca-file`s when given, else this host's system store. */
import { loadCaFiles, loadSystemTrustStore } from "../trust/system.js";
import type { TrustStore } from "../trust/store.js";
import { trustAnchors } from "../validate/anchors.js";
import type { TrustAnchors } from "../validate/validate.js";

export interface LoadedTrust {
  readonly store: TrustStore;
  readonly anchors: TrustAnchors;
}

export async function loadTrust(caFiles: readonly string[]): Promise<LoadedTrust> {
  const store = caFiles.length > 0 ? await loadCaFiles(caFiles) : await loadSystemTrustStore();
  return { store, anchors: trustAnchors(store) };
}
