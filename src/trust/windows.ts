/**
 * The Windows LocalMachine stores from the listing WINDOWS.script prints (one `<store> <base64 DER>`
 * line per certificate, then END): Root as anchors, CA as held intermediates, Disallowed taken out of
 * both, as CryptoAPI does. Pure.
 */
import { ShapeError, checkCertificate } from "../cert/shape.js";
import { decodeBareBase64 } from "../input/pem.js";
import { countCertificates } from "./store.js";
import { WINDOWS, type OsStoreResult } from "./os-stores.js";

type StoreName = (typeof WINDOWS.stores)[keyof typeof WINDOWS.stores];
const STORE_NAMES: readonly string[] = Object.values(WINDOWS.stores);

/** The listing could not be understood; the message names the line. */
export class WindowsListingError extends Error {
  override readonly name = "WindowsListingError";
}

/**
 * Each store's certificates (DER), in listing order. A line of base64 alone continues the certificate
 * before it, so a console that wraps long lines does not break the listing. @throws WindowsListingError
 */
export function parseWindowsListing(output: string): Map<StoreName, Uint8Array[]> {
  const stores = new Map<StoreName, Uint8Array[]>(STORE_NAMES.map((n) => [n as StoreName, []]));
  let pending: { store: StoreName; base64: string; line: number } | undefined;
  let ended = false;
  const flush = (): void => {
    if (pending) stores.get(pending.store)!.push(certificateOf(pending.base64, pending.store, pending.line));
    pending = undefined;
  };
  output.replace(/^\ufeff/, "").split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === "") return;
    if (ended) throw new WindowsListingError(`line ${i + 1} follows the ${WINDOWS.endMarker} line`);
    if (line === WINDOWS.endMarker) {
      flush();
      ended = true;
      return;
    }
    const m = /^([A-Za-z]+) (\S+)$/.exec(line);
    if (m && STORE_NAMES.includes(m[1]!)) {
      flush();
      pending = { store: m[1] as StoreName, base64: m[2]!, line: i + 1 };
    } else if (pending && /^[A-Za-z0-9+/=]+$/.test(line)) {
      pending.base64 += line;
    } else {
      throw new WindowsListingError(`line ${i + 1} is not "<store> <base64 certificate>"`);
    }
  });
  if (!ended) throw new WindowsListingError(`the listing has no ${WINDOWS.endMarker} line (cut short)`);
  return stores;
}

function certificateOf(base64: string, store: string, line: number): Uint8Array {
  const der = decodeBareBase64(base64);
  if (!der) throw new WindowsListingError(`line ${line} (${store}) is not base64`);
  try {
    checkCertificate(der);
  } catch (e) {
    if (!(e instanceof ShapeError)) throw e;
    throw new WindowsListingError(`line ${line} (${store}) ${e.message}`);
  }
  return der;
}

const keyOf = (der: Uint8Array): string => Buffer.from(der).toString("base64");

/** Anchors and held intermediates from the parsed stores, and the line reports show. */
export function windowsStore(stores: ReadonlyMap<StoreName, readonly Uint8Array[]>, reader: string): OsStoreResult {
  const { anchors: rootName, intermediates: caName, distrusted } = WINDOWS.stores;
  const root = stores.get(rootName) ?? [];
  const ca = stores.get(caName) ?? [];
  const disallowed = new Set((stores.get(distrusted) ?? []).map(keyOf));
  const seen = new Set<string>();
  let excluded = 0;
  const take = (ders: readonly Uint8Array[]): Uint8Array[] => ders.filter((der) => {
    const key = keyOf(der);
    if (seen.has(key)) return false;
    seen.add(key);
    if (disallowed.has(key)) excluded++;
    return !disallowed.has(key);
  });
  // Root first: a certificate in both stores is an anchor.
  const anchors = take(root);
  const intermediates = take(ca);
  const text = `${WINDOWS.label} ${rootName} (${countCertificates(root.length)}) + ${caName} (${ca.length})` +
    (excluded > 0 ? `, ${excluded} excluded as ${distrusted}` : "");
  return {
    anchors,
    intermediates,
    description: {
      kind: "windows",
      text,
      parts: [
        { name: `Cert:\\LocalMachine\\${rootName}`, role: "anchors", count: anchors.length },
        { name: `Cert:\\LocalMachine\\${caName}`, role: "intermediates", count: intermediates.length },
      ],
      excluded,
      reader,
    },
    notes: [],
  };
}
