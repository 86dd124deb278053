/**
 * The macOS machine store from what `security` prints: System Roots as anchors unless an admin set
 * "Never Trust"; System keychain certificates as anchors when an admin trust setting says "Always
 * Trust" for SSL, excluded on "Never Trust", otherwise held as intermediates (the verifier builds
 * chains from keychain certificates). The user domain (login keychain) is not read. Pure.
 */
import { createHash } from "node:crypto";
import { decodeCertificates } from "../input/decode.js";
import { issuerNameDer, subjectNameDer } from "../cert/shape.js";
import { sslVerdict, type TrustSettings, type TrustVerdict } from "./apple-trust.js";
import { countCertificates, uniqueCertificates } from "./store.js";
import { MACOS, type OsStoreResult } from "./os-stores.js";

/** What the three commands of MACOS_READERS gave. */
export interface MacosReadout {
  /** PEM printed by `security find-certificate -a -p` for each keychain (empty for an empty keychain). */
  readonly systemRoots: string;
  readonly systemKeychain: string;
  /** The admin domain's trust settings (empty when it has none). */
  readonly adminTrust: TrustSettings;
}

/** The certificates of one `find-certificate -p` output. @throws InputError */
export async function keychainCertificates(pem: string, keychain: string): Promise<Uint8Array[]> {
  if (pem.trim() === "") return [];
  return (await decodeCertificates(new Uint8Array(Buffer.from(pem, "latin1")), { name: keychain })).certificates;
}

const sha1 = (der: Uint8Array): string => createHash("sha1").update(der).digest("hex").toUpperCase();
const selfIssued = (der: Uint8Array): boolean => Buffer.from(subjectNameDer(der)).equals(issuerNameDer(der));

/** Anchors, held intermediates and the line reports show. @throws InputError for output that is not PEM */
export async function macosStore(readout: MacosReadout, reader: string): Promise<OsStoreResult> {
  const roots = uniqueCertificates(await keychainCertificates(readout.systemRoots, MACOS.systemRoots));
  const rootKeys = new Set(roots.map(sha1));
  const system = uniqueCertificates(await keychainCertificates(readout.systemKeychain, MACOS.systemKeychain)).filter((d) => !rootKeys.has(sha1(d)));
  const verdict = (der: Uint8Array): TrustVerdict | undefined => {
    const constraints = readout.adminTrust.get(sha1(der));
    return constraints && sslVerdict(constraints, selfIssued(der));
  };
  const anchors: Uint8Array[] = [];
  const intermediates: Uint8Array[] = [];
  let excluded = 0;
  // An admin setting that does not decide SSL trust leaves a system root to the system domain: trusted.
  for (const der of roots) {
    if (verdict(der) === "distrusted") excluded++;
    else anchors.push(der);
  }
  let adminAnchors = 0;
  for (const der of system) {
    const v = verdict(der);
    if (v === "distrusted") excluded++;
    else if (v === "anchor") {
      anchors.push(der);
      adminAnchors++;
    } else intermediates.push(der);
  }
  const read = new Set([...rootKeys, ...system.map(sha1)]);
  const unmatched = [...readout.adminTrust.keys()].filter((k) => !read.has(k)).length;
  const systemPart = system.length === 0 ? "0 certificates"
    : `${countCertificates(system.length)}: ${adminAnchors} trusted by an admin setting, ${intermediates.length} intermediate${intermediates.length === 1 ? "" : "s"}`;
  const text = `${MACOS.label} System Roots keychain (${countCertificates(roots.length)}) + System keychain (${systemPart})` +
    (excluded > 0 ? `, ${excluded} excluded by an admin "Never Trust" setting` : "");
  return {
    anchors,
    intermediates,
    description: {
      kind: "macos",
      text,
      parts: [
        { name: MACOS.systemRoots, role: "anchors", count: anchors.length - adminAnchors },
        { name: MACOS.systemKeychain, role: "anchors", count: adminAnchors },
        { name: MACOS.systemKeychain, role: "intermediates", count: intermediates.length },
      ],
      excluded,
      reader,
    },
    notes: unmatched > 0 ? [`${unmatched} admin trust setting(s) name a certificate in neither keychain read (perhaps a login keychain); not used`] : [],
  };
}
