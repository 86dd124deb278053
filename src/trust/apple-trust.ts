/**
 * macOS trust settings (Security.framework SecTrustSettings.h) for a TLS server certificate: what an
 * admin's "Always Trust" and "Never Trust" mean, evaluated by the rules Chromium's trust_store_mac.cc
 * applies (Node's --use-system-ca ports them; Go's root_darwin.go of 1.16 is close). Pure.
 * Record layout: Apple's TrustSettingsSchema.h (trustList -> SHA-1 -> trustSettings[]).
 */
import { asDict, parsePlist, type PlistDict, type PlistValue } from "./plist.js";
import { TAG, readOid, readRoot, tlv } from "../asn1/der.js";
import { OID } from "../asn1/oids.js";

/** kSecTrustSettingsResult values. */
export const TRUST_RESULT = { trustRoot: 1, trustAsRoot: 2, deny: 3, unspecified: 4 } as const;

/** The OID a record's kSecTrustSettingsPolicy names: older records store its content bytes, newer ones the dotted string. */
function policyOid(policy: string | Uint8Array): string | null {
  if (typeof policy === "string") return policy;
  try {
    return readOid(readRoot(tlv(TAG.OID, policy)), "kSecTrustSettingsPolicy");
  } catch {
    return null;
  }
}
/** A certificate's key in the record: its SHA-1 in upper-case hex (the record's default-root entry is skipped). */
const HASH_KEY = /^[0-9A-F]{40}$/;

/** One usage-constraints dictionary of a certificate's trust settings. */
export interface UsageConstraint {
  /** False when kSecTrustSettingsPolicy names a policy other than SSL; absent policy = every policy. */
  readonly appliesToSsl: boolean;
  /** Scoped to one application (kSecTrustSettingsApplication) or one host name (kSecTrustSettingsPolicyString). */
  readonly scoped: boolean;
  /** kSecTrustSettingsResult; absent means kSecTrustSettingsResultTrustRoot. */
  readonly result: number;
}

/** A domain's trust settings: the usage constraints of each certificate, by SHA-1 (upper-case hex). */
export type TrustSettings = ReadonlyMap<string, readonly UsageConstraint[]>;

/** What the settings make of a certificate for TLS: a trust anchor, explicitly distrusted, or neither. */
export type TrustVerdict = "anchor" | "distrusted" | "unspecified";

/** The trust settings of an exported record (`security trust-settings-export`). @throws PlistError, Error */
export function parseTrustSettings(xml: string): TrustSettings {
  const list = asDict(asDict(parsePlist(xml))?.get("trustList"));
  if (!list) throw new Error("the trust settings record has no trustList dictionary");
  const settings = new Map<string, UsageConstraint[]>();
  for (const [hash, entry] of list) {
    if (!HASH_KEY.test(hash)) continue;
    const array = asDict(entry)?.get("trustSettings");
    settings.set(hash, Array.isArray(array) ? array.map((d: PlistValue) => constraintOf(asDict(d) ?? new Map())) : []);
  }
  return settings;
}

function constraintOf(dict: PlistDict): UsageConstraint {
  const policy = dict.get("kSecTrustSettingsPolicy");
  const result = dict.get("kSecTrustSettingsResult");
  return {
    appliesToSsl: policy === undefined || ((typeof policy === "string" || policy instanceof Uint8Array) && policyOid(policy) === OID.appleSslPolicy),
    scoped: dict.has("kSecTrustSettingsApplication") || dict.has("kSecTrustSettingsPolicyString"),
    // A malformed result matches nothing (Chromium: UNSPECIFIED).
    result: result === undefined ? TRUST_RESULT.trustRoot : typeof result === "number" ? result : TRUST_RESULT.unspecified,
  };
}

/**
 * The verdict for TLS server use. An empty settings array is "Always Trust" (valid for a self-issued
 * certificate only); otherwise the first constraint that applies to SSL, to every application and every
 * host decides: Deny distrusts; TrustRoot makes a self-issued certificate an anchor, TrustAsRoot any other.
 */
export function sslVerdict(constraints: readonly UsageConstraint[], selfIssued: boolean): TrustVerdict {
  if (constraints.length === 0) return selfIssued ? "anchor" : "unspecified";
  for (const c of constraints) {
    if (c.scoped || !c.appliesToSsl) continue;
    if (c.result === TRUST_RESULT.deny) return "distrusted";
    if (c.result === (selfIssued ? TRUST_RESULT.trustRoot : TRUST_RESULT.trustAsRoot)) return "anchor";
  }
  return "unspecified";
}
