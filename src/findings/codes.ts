/**
 * What each finding code is: the evidence it carries (typed, one shape per code) and its severity and rank. The
 * words each code says are src/words/findings.ts. The codes are a public contract (README "Finding codes"): add
 * codes, never rename or repurpose one. Evidence is what a report's `findings[].evidence` holds (JSON
 * schemaVersion 2): dates as ISO 8601 strings, fingerprints as lowercase hex, positions counted from 1.
 */
import type { Severity } from "../types.js";
import type { ProbeFailure } from "../probe/types.js";

/** A certificate as a finding names it. */
export interface NamedCert {
  readonly subject: string;
  readonly sha256: string;
}

/** Evidence each code carries. The certificate a finding is about is its `certificate` (and `evidence.subject`). */
export interface FindingEvidence {
  UNTRUSTED_ROOT: { store: string };
  ISSUER_NOT_FOUND: { issuer: string; keyId?: string; caIssuers: readonly string[]; store: string };
  SELF_SIGNED: { store: string };
  PARTIAL_CHAIN_ANCHOR: { store: string };
  BAD_SIGNATURE: { issuer: string; issuerSha256: string };
  NOT_A_CA: Record<string, never>;
  PATH_LENGTH_EXCEEDED: { pathLen: number; below: number };
  NAME_CONSTRAINTS_VIOLATION: { name: string; violation: NameViolation };
  KEY_USAGE_INVALID: { role: "issuer" | "leaf"; keyUsage: readonly string[] };
  /** `rule`: what excludes serverAuth; `eku`: the usages listed (EKU names, or nsCertType bits for "netscape-cert-type"). */
  EKU_NOT_SERVER_AUTH: { role: "issuer" | "leaf"; eku: readonly string[]; rule: "eku" | "any-eku-only" | "netscape-cert-type" };
  UNKNOWN_CRITICAL_EXTENSION: { oids: readonly string[] };
  /** `unreadable`: the certificate could not be decoded at all (OpenSSL cannot load it either). */
  MALFORMED_CERTIFICATE: { defects: readonly string[]; unreadable?: boolean };
  /** A held (--intermediates) or trust-store certificate that cannot be decoded; it was not used. */
  UNREADABLE_CERTIFICATE: { reason: string; source: "held" | "trust store" };
  PATH_BUDGET_EXCEEDED: { limit: BudgetLimit };
  EXPIRED: { notAfter: string; at: string };
  NOT_YET_VALID: { notBefore: string; at: string };
  EXPIRING_SOON: { notAfter: string; days: number; warnDays: number };
  /** `rerun`: the live check took `host` from the target (an IP or an alias), and this certificate name can be checked instead. */
  HOSTNAME_MISMATCH: { host: string; names: readonly string[]; cnOnly: boolean; rerun?: { readonly servername: string; readonly ip: boolean } };
  HOSTNAME_NOT_CHECKED: Record<string, never>;
  WEAK_SIGNATURE_ALGORITHM: { algorithm: string };
  /** `rule`: OpenSSL's security level 2 (RSA/DSA < 2048, EC < 224 bits), or DSA, which most clients lack. */
  WEAK_KEY: { type: string; bits?: number; curve?: string; rule: "security-level" | "dsa" };
  CRITICAL_SUBJECT_ALT_NAME: Record<string, never>;
  /** The certificate's issuer Name equals `issuer`'s subject only once normalised (RFC 5280 §7.1). */
  ISSUER_NAME_NOT_EXACT: { issuer: string; issuerSha256: string };
  LEAF_ONLY: Record<string, never>;
  /** `position`: a certificate that certifies none sent before it. With `leafAt`: the server's own certificate is not first in the file. */
  CHAIN_ORDER: { position: number; leafAt?: number; order?: readonly number[]; command?: string };
  EXTRA_CERTIFICATE: { position: number };
  ROOT_PRESENTED: { position: number };
  /** A presented certificate on another issuer path than the one built (a cross-certificate); `issuer`: the name it leads to. */
  CROSS_CERTIFICATE: { position: number; issuer: string };
  DUPLICATE_CERTIFICATE: { positions: readonly number[] };
  // Live probe (the chain could not be obtained: status "error", exit 3)
  CONNECTION_REFUSED: ProbeFailure;
  CONNECTION_TIMEOUT: ProbeFailure;
  DNS_ERROR: ProbeFailure;
  CONNECTION_RESET: ProbeFailure;
  NOT_TLS: ProbeFailure;
  TLS_HANDSHAKE_FAILED: ProbeFailure;
  // Live probe (the chain was obtained)
  LEGACY_TLS_VERSION: { protocol: string };
  SERVICE_MISMATCH: { expected: "tabpy" | "rserve"; detected: "tabpy" | "rserve" | "tls"; detail: string; endpoint: string };
  /** `cut`: why reading stopped before the whole message arrived (absent when it all arrived). */
  CHAIN_TOO_LARGE: { messageBytes: number; limitBytes: number; receivedBytes: number; certificates: number; complete: boolean; cut?: "closed" | "deadline" | "recording-cap" };
  CERTIFICATE_CHANGED: { change: LeafChange };
  // TabPy credentials check (Tableau's Test Connection)
  AUTH_OK: { user: string };
  AUTH_FAILED: { user: string };
  AUTH_NOT_ENABLED: { user: string };
  AUTH_REQUIRED: Record<string, never>;
  AUTH_NOT_CHECKED: { reason: CredentialsNotSent };
  CREDENTIALS_SENT_UNTRUSTED: Record<string, never>;
  // --aia downloads
  AIA_FETCH_FAILED: { url: string; failure: AiaFailure };
  /** Both verdicts on the chain itself: chaincheck's error codes (none: trusted) and OpenSSL's. */
  OPENSSL_DISAGREES: { chaincheck: { readonly codes: readonly FindingCode[] }; openssl: { readonly authorized: boolean; readonly reason: string | null } };
  /** What a decoder noticed reading an input file (`input`: its name): an ignored key, no MAC, held keystore entries. */
  INPUT_NOTE: { input: string; note: string };
  /** What loading the trust store left out (`store`: its description): an entry it cannot index, a skipped file. */
  TRUST_STORE_NOTE: { store: string; note: string };
  // Policies (src/policy): rollout gates the user asked for
  EXPIRES_TOO_SOON: { notAfter: string; days: number; minDays: number };
  PIN_MISMATCH: PinMismatchEvidence;
  /** `reference`: a target presenting the majority chain; `others`: how many do; `difference`: how this one differs. */
  CHAIN_DIFFERS: { reference: string; others: number; difference: ChainDifference };
  // `chaincheck tableau`: how Tableau has the connection configured
  TABLEAU_SSL_DISABLED: { connection: string; site: string; authentication: boolean };
  TABLEAU_EXTENSIONS_DISABLED: { scope: "server" | "site"; site: string };
}

export type FindingCode = keyof FindingEvidence;

/** Why a name is outside a CA's name constraints (RFC 5280 §4.2.1.10). `form`: the name form compared. */
export type NameViolation =
  | { readonly kind: "not-permitted"; readonly form: "dns" | "ip" | "dir" }
  /** A permitted DNS constraint with a leading period, which permits nothing (it is not a DNS name). */
  | { readonly kind: "leading-period"; readonly constraint: string }
  | { readonly kind: "excluded"; readonly form: "dns" | "ip" | "dir" }
  /** A name form chaincheck cannot evaluate, constrained by the CA: never accepted. */
  | { readonly kind: "unsupported"; readonly form: "email" | "URI" | "other" };

/** The path search limit that stopped the search (rustls/webpki `Budget`, Go's `maxChainSignatureChecks`). */
export type BudgetLimit =
  | { readonly kind: "candidates"; readonly max: number }
  | { readonly kind: "depth"; readonly max: number }
  /** The name constraints of `issuer` would need `needed` comparisons. */
  | { readonly kind: "name-comparisons"; readonly issuer: string; readonly needed: number; readonly max: number };

/** How the credentials check's second connection presented another chain than the one judged. */
export type LeafChange =
  | { readonly kind: "same-leaf"; readonly certificates: number; readonly before: number }
  | { readonly kind: "other-leaf"; readonly certificate: NamedCert }
  | { readonly kind: "unreadable-leaf"; readonly sha256: string };

/** Why the TabPy credentials were not sent, or what came back instead of an answer to them. */
export type CredentialsNotSent =
  | { readonly kind: "handshake-incomplete" }
  | { readonly kind: "legacy-tls"; readonly protocol: string; readonly connection: "first" | "second" }
  | { readonly kind: "untrusted" }
  | { readonly kind: "not-tabpy"; readonly detail: string }
  | { readonly kind: "timeout" }
  | { readonly kind: "second-connection-failed"; readonly failure: ProbeFailure }
  | { readonly kind: "unexpected-answer"; readonly detail: string };

/** Why an AIA caIssuers download gave no certificate. */
export type AiaFailure =
  | { readonly kind: "not-tried-url-limit"; readonly max: number }
  | { readonly kind: "not-tried-time" }
  | { readonly kind: "scheme" }
  | { readonly kind: "http-status"; readonly status: number }
  | { readonly kind: "too-large"; readonly limit: number }
  | { readonly kind: "timeout"; readonly ms: number }
  /** What the network or the decoder said (its first line). */
  | { readonly kind: "error"; readonly message: string };

/** How one target's presented chain differs from the majority's (`--expect-same-chain`). */
export interface ChainDifference {
  /** The leaves differ: this target's, then the majority's. */
  readonly leaf?: { readonly mine: NamedCert; readonly theirs: NamedCert };
  /** Certificates after the leaf the others send and this one does not, and the other way round. */
  readonly missing: readonly NamedCert[];
  readonly extra: readonly NamedCert[];
  /** The same certificates: in another order (subjects as sent), or one repeated. */
  readonly sameCertificates?: { readonly kind: "order"; readonly mine: readonly string[]; readonly theirs: readonly string[] } | { readonly kind: "repeated" };
  readonly sent: { readonly mine: number; readonly theirs: number };
}

/** `--expect-issuer` / `--expect-fingerprint` evidence: what was pinned, what was found. */
export type PinMismatchEvidence =
  | { readonly pin: "issuer"; readonly expected: string; readonly actual: string; readonly reversedOrder: boolean }
  | { readonly pin: "fingerprint"; readonly expected: readonly string[]; readonly checked: number; readonly leaf: string };

export interface CodeInfo<Evidence> {
  /** The code's severity (the most serious one when `severityOf` can lower it). */
  readonly severity: Severity;
  /** A severity that depends on the evidence, when one code covers a fatal and a tolerable case. */
  readonly severityOf?: (evidence: Evidence) => Severity;
  /** Specificity: the headline is the error with the highest rank (rustls/webpki `most_specific`). */
  readonly rank: number;
  /**
   * A gate the user asked for (a pin, a minimum lifetime, fleet consistency): it fails the run but says nothing
   * about whether Tableau will trust the chain, so it never outranks a trust (validation) error (src/findings/finding.ts).
   */
  readonly gate?: true;
}

type Plain = { readonly severity: Severity; readonly rank: number };
const error = (rank: number): Plain => ({ severity: "error", rank });
const warning = (rank: number): Plain => ({ severity: "warning", rank });
const info = (rank: number): Plain => ({ severity: "info", rank });

export const CODES: { readonly [C in FindingCode]: CodeInfo<FindingEvidence[C]> } = {
  CONNECTION_REFUSED: error(900),
  CONNECTION_TIMEOUT: error(899),
  DNS_ERROR: error(898),
  CONNECTION_RESET: error(897),
  NOT_TLS: error(896),
  TLS_HANDSHAKE_FAILED: error(895),
  // A gate: below every trust error; among the gates the most telling ("this is not the certificate you deployed").
  PIN_MISMATCH: { ...error(295), gate: true },
  EXPIRED: error(290),
  NOT_YET_VALID: error(289),
  // An error when the server's certificate is not first (the server does not start); a warning for intermediates
  // out of order (clients re-sort them). Ranked below the date errors, above the name: nothing else matters while
  // the server cannot load its file.
  CHAIN_ORDER: { ...error(285), severityOf: (e) => (e.leafAt ? "error" : "warning") },
  HOSTNAME_MISMATCH: error(280),
  CHAIN_TOO_LARGE: error(275),
  LEGACY_TLS_VERSION: error(270),
  AUTH_FAILED: error(265),
  AUTH_NOT_ENABLED: error(264),
  BAD_SIGNATURE: error(260),
  EKU_NOT_SERVER_AUTH: error(240),
  KEY_USAGE_INVALID: error(235),
  NAME_CONSTRAINTS_VIOLATION: error(230),
  UNKNOWN_CRITICAL_EXTENSION: error(225),
  MALFORMED_CERTIFICATE: error(224),
  PATH_LENGTH_EXCEEDED: error(220),
  NOT_A_CA: error(210),
  WEAK_SIGNATURE_ALGORITHM: error(200),
  WEAK_KEY: error(195),
  CHAIN_DIFFERS: { ...error(150), gate: true },
  SELF_SIGNED: error(120),
  ISSUER_NOT_FOUND: error(110),
  PARTIAL_CHAIN_ANCHOR: error(105),
  UNTRUSTED_ROOT: error(100),
  SERVICE_MISMATCH: error(97),
  CERTIFICATE_CHANGED: error(95),
  EXPIRES_TOO_SOON: { ...error(90), gate: true },
  TABLEAU_SSL_DISABLED: { ...error(85), severityOf: (e) => (e.authentication ? "error" : "warning") },
  PATH_BUDGET_EXCEEDED: error(1),
  TABLEAU_EXTENSIONS_DISABLED: warning(58),
  AUTH_REQUIRED: warning(55),
  CREDENTIALS_SENT_UNTRUSTED: warning(54),
  EXPIRING_SOON: warning(50),
  UNREADABLE_CERTIFICATE: warning(46),
  OPENSSL_DISAGREES: warning(45),
  CRITICAL_SUBJECT_ALT_NAME: warning(44),
  ISSUER_NAME_NOT_EXACT: warning(43),
  EXTRA_CERTIFICATE: warning(35),
  DUPLICATE_CERTIFICATE: warning(30),
  LEAF_ONLY: info(20),
  ROOT_PRESENTED: info(10),
  CROSS_CERTIFICATE: info(9),
  AUTH_NOT_CHECKED: info(8),
  AUTH_OK: info(7),
  AIA_FETCH_FAILED: info(6),
  INPUT_NOTE: info(5),
  TRUST_STORE_NOTE: info(4),
  HOSTNAME_NOT_CHECKED: info(5),
};
