/**
 * The one wording table: every finding code with its severity, rank, title, message and remediation.
 * Checks produce typed evidence (`FindingContexts`); only this file turns evidence into words.
 * The codes are a public contract (README "Finding codes"): add codes, never rename or repurpose one.
 */
import type { Severity } from "../types.js";

/** Evidence each code carries. `cert` (the certificate the finding names) is passed separately. */
export interface FindingContexts {
  UNTRUSTED_ROOT: { store: string };
  ISSUER_NOT_FOUND: { issuer: string; keyId?: string; caIssuers: readonly string[]; store: string };
  SELF_SIGNED: { store: string };
  PARTIAL_CHAIN_ANCHOR: { store: string };
  BAD_SIGNATURE: { issuer: string; issuerSha256: string };
  NOT_A_CA: Record<string, never>;
  PATH_LENGTH_EXCEEDED: { pathLen: number; below: number };
  NAME_CONSTRAINTS_VIOLATION: { name: string; reason: string };
  KEY_USAGE_INVALID: { role: "issuer" | "leaf"; keyUsage: readonly string[] };
  /** `rule`: what excludes serverAuth; `eku`: the usages listed (EKU names, or nsCertType bits for "netscape-cert-type"). */
  EKU_NOT_SERVER_AUTH: { role: "issuer" | "leaf"; eku: readonly string[]; rule: "eku" | "any-eku-only" | "netscape-cert-type" };
  UNKNOWN_CRITICAL_EXTENSION: { oids: readonly string[] };
  /** `unreadable`: the certificate could not be decoded at all (OpenSSL cannot load it either). */
  MALFORMED_CERTIFICATE: { defects: readonly string[]; unreadable?: boolean };
  /** A held (--intermediates) or trust-store certificate that cannot be decoded; it was not used. */
  UNREADABLE_CERTIFICATE: { reason: string; source: "held" | "trust store" };
  PATH_BUDGET_EXCEEDED: { reason: string };
  EXPIRED: { notAfter: string; at: string };
  NOT_YET_VALID: { notBefore: string; at: string };
  EXPIRING_SOON: { notAfter: string; days: number; warnDays: number };
  /** `rerun`: the live check took `host` from the target (an IP or an alias), and this certificate name can be checked instead. */
  HOSTNAME_MISMATCH: { host: string; names: readonly string[]; cnOnly: boolean; rerun?: { readonly servername: string; readonly ip: boolean } };
  HOSTNAME_NOT_CHECKED: Record<string, never>;
  WEAK_SIGNATURE_ALGORITHM: { algorithm: string };
  /** `rule`: OpenSSL's security level 2 (RSA/DSA < 2048, EC < 224 bits), or DSA, which most clients lack. */
  WEAK_KEY: { key: string; rule: "security-level" | "dsa" };
  CRITICAL_SUBJECT_ALT_NAME: Record<string, never>;
  /** The certificate's issuer Name equals `issuer`'s subject only once normalised (RFC 5280 §7.1). */
  ISSUER_NAME_NOT_EXACT: { issuer: string; issuerSha256: string };
  LEAF_ONLY: Record<string, never>;
  /** `position`: a certificate that certifies none sent before it. With `leafAt`: the server's own certificate is not first in the file. */
  CHAIN_ORDER: { position: number; leafAt?: number; order?: readonly number[]; command?: string };
  EXTRA_CERTIFICATE: { position: number };
  ROOT_PRESENTED: { position: number };
  DUPLICATE_CERTIFICATE: { positions: readonly number[] };
  // Live probe (the chain could not be obtained: status "error", exit 3)
  CONNECTION_REFUSED: ProbeErrorContext;
  CONNECTION_TIMEOUT: ProbeErrorContext;
  DNS_ERROR: ProbeErrorContext;
  CONNECTION_RESET: ProbeErrorContext;
  NOT_TLS: ProbeErrorContext;
  TLS_HANDSHAKE_FAILED: ProbeErrorContext;
  // Live probe (the chain was obtained)
  LEGACY_TLS_VERSION: { protocol: string };
  SERVICE_MISMATCH: { expected: "tabpy" | "rserve"; detected: "tabpy" | "rserve" | "tls"; detail: string; endpoint: string };
  CHAIN_TOO_LARGE: { messageBytes: number; limitBytes: number; certificates: number; complete: boolean; cut: string };
  CERTIFICATE_CHANGED: { difference: string };
  // TabPy credentials check (Tableau's Test Connection)
  AUTH_OK: { user: string };
  AUTH_FAILED: { user: string };
  AUTH_NOT_ENABLED: { user: string };
  AUTH_REQUIRED: Record<string, never>;
  AUTH_NOT_CHECKED: { reason: string };
  CREDENTIALS_SENT_UNTRUSTED: Record<string, never>;
  // --aia downloads
  AIA_FETCH_FAILED: { url: string; reason: string };
  OPENSSL_DISAGREES: { ours: string; openssl: string };
  /** What a decoder noticed reading an input file (`input`: its name): an ignored key, no MAC, held keystore entries. */
  INPUT_NOTE: { input: string; note: string };
  // Policies (src/policy): rollout gates the user asked for
  EXPIRES_TOO_SOON: { notAfter: string; days: number; minDays: number };
  PIN_MISMATCH: PinMismatchContext;
  /** `reference`: a target presenting the majority chain; `others`: how many do; `difference`: how this one differs. */
  CHAIN_DIFFERS: { reference: string; others: number; difference: string };
  // `chaincheck tableau`: how Tableau has the connection configured
  TABLEAU_SSL_DISABLED: { connection: string; site: string; authentication: boolean };
  TABLEAU_EXTENSIONS_DISABLED: { scope: "server" | "site"; site: string };
}

/** `--expect-issuer` / `--expect-fingerprint` evidence: what was pinned, what was found. */
export type PinMismatchContext =
  | { readonly pin: "issuer"; readonly expected: string; readonly actual: string; readonly reversedOrder: boolean }
  | { readonly pin: "fingerprint"; readonly expected: readonly string[]; readonly checked: number; readonly leaf: string };

/** What the probe saw when no chain could be obtained. */
export interface ProbeErrorContext {
  readonly message: string;
  readonly hint?: string;
}

export type FindingCode = keyof FindingContexts;

/** A certificate as findings name it. */
export interface NamedCert {
  readonly subject: string;
  readonly sha256: string;
}

export interface FindingInfo<Ctx> {
  /** The code's severity (the most serious one when `severityOf` can lower it). */
  readonly severity: Severity;
  /** A severity that depends on the evidence, when one code covers a fatal and a tolerable case. */
  readonly severityOf?: (ctx: Ctx) => Severity;
  /** Specificity: the headline is the error with the highest rank (rustls/webpki `most_specific`). */
  readonly rank: number;
  /**
   * A gate the user asked for (a pin, a minimum lifetime, fleet consistency): it fails the run but says nothing
   * about whether Tableau will trust the chain, so it never outranks a trust (validation) error (src/findings/finding.ts).
   */
  readonly gate?: true;
  readonly title: string;
  /** Plain words; `who` is the certificate named as `"subject" (SHA-256 abcd…)`. */
  message(ctx: Ctx, who: string): string;
  remediation(ctx: Ctx, who: string): string;
}

/** The shared wording of probe errors: the probe's own one-line message, and its hint when it has one. */
function probeError(title: string, rank: number, fallbackHint: string): FindingInfo<ProbeErrorContext> {
  return {
    severity: "error", rank, title,
    message: (c) => c.message,
    remediation: (c) => c.hint ?? fallbackHint,
  };
}

const list = (names: readonly string[], none = "none"): string => (names.length ? names.join(", ") : none);

export const FINDINGS: { readonly [C in FindingCode]: FindingInfo<FindingContexts[C]> } = {
  EXPIRED: {
    severity: "error", rank: 290, title: "Certificate expired",
    message: (c, who) => `${who} expired on ${c.notAfter} (checked at ${c.at}).`,
    remediation: () => "Renew this certificate and deploy the new one (for an intermediate, serve the CA's current intermediate); check the client's clock if the date looks wrong.",
  },
  NOT_YET_VALID: {
    severity: "error", rank: 289, title: "Certificate not yet valid",
    message: (c, who) => `${who} is not valid before ${c.notBefore} (checked at ${c.at}).`,
    remediation: () => "Check the clocks of the server, the client and the machine that issued the certificate, or wait until it becomes valid.",
  },
  HOSTNAME_MISMATCH: {
    severity: "error", rank: 280, title: "Certificate not issued to this host",
    message: (c, who) =>
      c.cnOnly
        ? `${who} names ${c.host} only in its subject common name; clients ignore the CN and its subjectAltName lists: ${list(c.names)}.`
        : `${who} is not valid for ${c.host}; it is valid for: ${list(c.names, "no DNS or IP names")}.`,
    remediation: (c) => c.rerun
      ? `This check used ${c.host}, the ${c.rerun.ip ? "IP address" : "name"} you probed. If Tableau connects with a name the certificate is valid for (${list(c.names)}), run chaincheck again with --servername ${c.rerun.servername} to check that name; if Tableau must connect to ${c.host}, reissue the certificate with a subjectAltName that contains ${c.host}.`
      : `Reissue the certificate with a subjectAltName that contains ${c.host}, or configure Tableau with a name the certificate is valid for${c.names.length ? ` (${list(c.names)})` : ""}.`,
  },
  BAD_SIGNATURE: {
    severity: "error", rank: 260, title: "Signature does not verify",
    message: (c, who) => `The signature on ${who} does not verify with the key of "${c.issuer}" (SHA-256 ${c.issuerSha256.slice(0, 16)}…), the certificate that carries its issuer's name.`,
    remediation: () => "The bundle mixes certificates of different CAs or a corrupted certificate: get the exact issuing intermediate from the CA that signed the server certificate.",
  },
  EKU_NOT_SERVER_AUTH: {
    severity: "error", rank: 240, title: "Not allowed for TLS servers",
    message: (c, who) => {
      if (c.rule === "netscape-cert-type") {
        return `${who} has a Netscape certificate type (nsCertType: ${list(c.eku)}) without SSL server: OpenSSL's sslserver purpose rejects it, so OpenSSL-based clients (OpenSSL's default, Node, Python, curl built with OpenSSL) and Java refuse it for a TLS server; Go ignores the extension.`;
      }
      const rejecters = c.rule === "any-eku-only"
        ? "OpenSSL's sslserver purpose requires serverAuth itself, so OpenSSL-based clients (OpenSSL's default, Node, Python, curl built with OpenSSL) reject it; Go and Java accept anyExtendedKeyUsage"
        : c.role === "leaf"
          ? "TLS clients reject it for a server (OpenSSL, Node and Python: unsupported certificate purpose; Go and Java too)"
          : "OpenSSL-based clients (OpenSSL's default, Node, Python) and Go reject every server certificate below it";
      return `${who} restricts its extended key usage to ${list(c.eku)}, which does not include serverAuth: ${rejecters}.`;
    },
    remediation: (c) => c.role === "leaf"
      ? c.rule === "netscape-cert-type"
        ? "Reissue the server certificate without the Netscape certificate type extension (or with its SSL server bit), with the serverAuth extended key usage."
        : "Reissue the server certificate with the serverAuth extended key usage (TLS Web Server Authentication)."
      : "This CA may not issue TLS server certificates: issue the server certificate from a CA whose extended key usage lists serverAuth (anyExtendedKeyUsage alone is not enough).",
  },
  KEY_USAGE_INVALID: {
    severity: "error", rank: 235, title: "Key usage does not allow this use",
    message: (c, who) => c.role === "issuer"
      ? `${who} signs certificates but its key usage (${list(c.keyUsage)}) lacks keyCertSign.`
      : `${who} has key usage ${list(c.keyUsage)}, which allows neither digitalSignature nor key encipherment/agreement for TLS.`,
    remediation: (c) => c.role === "issuer"
      ? "The CA certificate must be reissued with keyCertSign in its key usage."
      : "Reissue the server certificate with key usage digitalSignature (and keyEncipherment for RSA).",
  },
  NAME_CONSTRAINTS_VIOLATION: {
    severity: "error", rank: 230, title: "Name outside the CA's constraints",
    message: (c, who) => `${who} constrains the names it may certify, and ${c.name} is not allowed: ${c.reason}.`,
    remediation: () => "Issue the server certificate from a CA allowed to certify this name, or ask the CA administrator to widen the name constraints.",
  },
  UNKNOWN_CRITICAL_EXTENSION: {
    severity: "error", rank: 225, title: "Unknown critical extension",
    message: (c, who) => `${who} has critical extension(s) ${list(c.oids)} that TLS clients do not process, so they must reject it.`,
    remediation: () => "Reissue the certificate without these extensions, or mark them non-critical.",
  },
  MALFORMED_CERTIFICATE: {
    severity: "error", rank: 224, title: "Malformed certificate",
    message: (c, who) => c.unreadable
      ? `${who} cannot be decoded: ${list(c.defects)}. OpenSSL, Node and Python refuse to load it, so a TLS handshake that includes it fails (and TabPy or Rserve would not start with it in their certificate file).`
      : `${who} breaks X.509 encoding or profile rules (RFC 5280) that strict clients enforce: ${list(c.defects)}.`,
    remediation: () => "Reissue the certificate with a standards-conforming tool (OpenSSL, a CA product).",
  },
  UNREADABLE_CERTIFICATE: {
    severity: "warning", rank: 46, title: "Certificate cannot be read",
    message: (c, who) => `${who} (${c.source === "held" ? "given with --intermediates" : "in the trust store"}) cannot be decoded: ${c.reason}. chaincheck did not use it; OpenSSL and Node cannot load it either (and may refuse a whole file that holds it).`,
    remediation: (c) => c.source === "held"
      ? "Replace it with a well-formed copy from its CA, or leave it out of the file."
      : "Replace it in the trust store with a well-formed copy from its CA.",
  },
  PATH_LENGTH_EXCEEDED: {
    severity: "error", rank: 220, title: "Path length constraint exceeded",
    message: (c, who) => `${who} allows at most ${c.pathLen} intermediate CA(s) below it, but the path has ${c.below}.`,
    remediation: () => "Issue the server certificate from a CA closer to the root, or reissue the CA with a larger pathLenConstraint.",
  },
  NOT_A_CA: {
    severity: "error", rank: 210, title: "Issuer is not a CA",
    message: (_c, who) => `${who} is used as an issuer but is not a CA certificate (basicConstraints cA is not set).`,
    remediation: () => "The bundle contains a non-CA certificate in the issuer position: serve the real intermediate CA certificate.",
  },
  WEAK_SIGNATURE_ALGORITHM: {
    severity: "error", rank: 200, title: "Weak signature algorithm",
    message: (c, who) => `${who} is signed with ${c.algorithm}; OpenSSL's default security level 2 (Debian, RHEL, Node, Python) refuses MD5 and SHA-1 signatures on every certificate but the trust anchor, as Go and browsers do.`,
    remediation: () => "Reissue the certificate with a SHA-256 (or stronger) signature.",
  },
  WEAK_KEY: {
    severity: "error", rank: 195, title: "Weak key",
    message: (c, who) => c.rule === "dsa"
      ? `${who} has a ${c.key} key; Go, rustls and browsers do not support DSA and TLS 1.3 has no DSA signatures (RFC 8446), so those clients fail the handshake.`
      : `${who} has a ${c.key} key; OpenSSL's default security level 2 (Debian, RHEL, Node, Python) requires RSA and DSA keys of at least 2048 bits and EC keys of at least 224 bits.`,
    remediation: () => "Generate a new key (RSA 2048+ or ECDSA P-256+) and reissue the certificate.",
  },
  SELF_SIGNED: {
    severity: "error", rank: 120, title: "Self-signed certificate not trusted",
    message: (c, who) => `${who} is self-signed and is not in the trust store (${c.store}).`,
    remediation: () => "Install this exact certificate in the client's trust store, or replace it with one issued by your organisation's CA.",
  },
  ISSUER_NOT_FOUND: {
    severity: "error", rank: 110, title: "Issuer not found",
    message: (c, who) =>
      `The issuer of ${who}, "${c.issuer}"${c.keyId ? ` (key id ${c.keyId})` : ""}, is neither presented by the server nor in the trust store (${c.store}).`,
    remediation: (c) =>
      `Install "${c.issuer}" in the client's trust store, or have the server send it${c.caIssuers.length ? `; its certificate is published at ${list(c.caIssuers)}` : ""}.`,
  },
  PARTIAL_CHAIN_ANCHOR: {
    severity: "error", rank: 105, title: "Trusted only by partial-chain clients",
    message: (c, who) =>
      `The path ends at ${who}, which is in the trust store (${c.store}) but is not a self-signed root: only partial-chain clients (curl, Go, Java, GnuTLS, Python >= 3.13) accept it; OpenSSL's default, Node and Python < 3.13 do not.`,
    remediation: () => "Install the self-signed root of this CA in the trust store too (strict clients need the path to end at a root).",
  },
  UNTRUSTED_ROOT: {
    severity: "error", rank: 100, title: "Root not trusted",
    message: (c, who) => `The path ends at the self-signed root ${who}, which is not in the trust store (${c.store}).`,
    remediation: () => "Install this root certificate in the client's trust store (see the commands below).",
  },
  PATH_BUDGET_EXCEEDED: {
    severity: "error", rank: 1, title: "Path search limit reached",
    message: (c) => `chaincheck stopped building paths: ${c.reason}.`,
    remediation: () => "Serve only the leaf and its own intermediates; remove unrelated or looping certificates from the bundle.",
  },
  CRITICAL_SUBJECT_ALT_NAME: {
    severity: "warning", rank: 44, title: "Critical subjectAltName beside a subject",
    message: (_c, who) => `${who} marks its subjectAltName critical although its subject is not empty. The CA/B Forum Baseline Requirements (7.1.2.7.12) forbid this for public server certificates, but TLS clients accept it (OpenSSL, Node, Python, Go, Java); only strict validators such as pyca/cryptography reject it.`,
    remediation: () => "Nothing fails today; when the certificate is next reissued, mark its subjectAltName non-critical.",
  },
  ISSUER_NAME_NOT_EXACT: {
    severity: "warning", rank: 43, title: "Issuer name matches only when normalised",
    message: (c, who) => `The issuer name of ${who} equals the subject of "${c.issuer}" (SHA-256 ${c.issuerSha256.slice(0, 16)}…) only after RFC 5280 §7.1 normalisation (letter case, spaces or string type differ): OpenSSL, Node, Python and Java find the issuer, but Go and rustls compare the encoded names byte for byte and do not.`,
    remediation: () => "Reissue the certificate with its issuer name encoded exactly as the CA certificate's subject (same string types, case and spacing).",
  },
  EXPIRING_SOON: {
    severity: "warning", rank: 50, title: "Expires soon",
    message: (c, who) => `${who} expires on ${c.notAfter}, in ${c.days} day(s) (warning threshold ${c.warnDays} days).`,
    remediation: () => "Renew it before it expires and deploy the new certificate.",
  },
  CHAIN_ORDER: {
    // An error when the server's certificate is not first (the server does not start); a warning for intermediates
    // out of order (clients re-sort them). Ranked below the date errors, above the name: nothing else matters while
    // the server cannot load its file.
    severity: "error", severityOf: (c) => (c.leafAt ? "error" : "warning"), rank: 285, title: "Chain out of order",
    message: (c, who) => c.leafAt
      ? `The server's own certificate ${who} is #${c.leafAt} in the file, not first: TabPy (Python's load_cert_chain), Rserve and most servers pair the private key with the first certificate and refuse to start ("key values mismatch"). chaincheck judged the corrected order: ${(c.order ?? []).map((p) => `#${p}`).join(", ")} of the file.`
      : `Certificate #${c.position} ${who} does not certify the certificate sent before it.`,
    remediation: (c) => c.leafAt
      ? `Write the file leaf first, then each issuer${c.command ? ` (this writes it: ${c.command})` : ""}, point the server at the new file and restart it. Keep every certificate: the server's own certificate must stay, first.`
      : "Put the certificates in order in the server's file: leaf first, then each issuer.",
  },
  EXTRA_CERTIFICATE: {
    severity: "warning", rank: 35, title: "Certificate not on the path",
    message: (c, who) => `Certificate #${c.position} ${who} is sent by the server but is on no path from the leaf.`,
    remediation: () => "Remove it from the server's certificate file.",
  },
  DUPLICATE_CERTIFICATE: {
    severity: "warning", rank: 30, title: "Duplicate certificate",
    message: (c, who) => `${who} is sent more than once (positions ${c.positions.join(", ")}).`,
    remediation: () => "Remove the duplicate from the server's certificate file.",
  },
  LEAF_ONLY: {
    severity: "info", rank: 20, title: "Leaf only",
    message: (_c, who) => `The server sends only its own certificate ${who}; clients must already hold every intermediate and the root.`,
    remediation: () => "Install the intermediates and the root on every client, or configure the server to send the intermediates.",
  },
  ROOT_PRESENTED: {
    severity: "info", rank: 10, title: "Root sent by the server",
    message: (c, who) => `Certificate #${c.position} ${who} is the self-signed root; clients use their own copy, so sending it does not make it trusted.`,
    remediation: () => "Optional: remove the root from the server's file; it must be installed on the client either way.",
  },
  AUTH_FAILED: {
    severity: "error", rank: 265, title: "TabPy rejected the credentials",
    message: (c) => `TabPy answered 401 to GET /info with the credentials of user "${c.user}": wrong user name or password.`,
    remediation: () => "Check the user name and password configured in Tableau. TabPy reads its password file only at start-up: after `tabpy-user add` or `tabpy-user update`, restart TabPy.",
  },
  AUTH_NOT_ENABLED: {
    severity: "error", rank: 264, title: "TabPy does not expect credentials",
    message: (c) => `Credentials for user "${c.user}" were sent, but TabPy runs without a password file and answered 406.`,
    remediation: () => "Turn off \"Sign in with username and password\" for this connection in Tableau, or start TabPy with TABPY_PWD_FILE set to a password file.",
  },
  AUTH_REQUIRED: {
    severity: "warning", rank: 55, title: "TabPy requires credentials",
    message: () => "TabPy answered 401 with its Basic realm: authentication is on, so Tableau must send a user name and password.",
    remediation: () => "In Tableau, enable \"Sign in with username and password\" for this connection and enter a TabPy user; run chaincheck again with --user NAME to test them.",
  },
  CREDENTIALS_SENT_UNTRUSTED: {
    severity: "warning", rank: 54, title: "Credentials sent over an untrusted connection",
    message: () => "The credentials were sent although chaincheck did not trust the certificate chain (--send-credentials-untrusted).",
    remediation: () => "Fix the certificate chain first; an untrusted connection may not be the real TabPy server.",
  },
  AUTH_NOT_CHECKED: {
    severity: "info", rank: 8, title: "Credentials not sent",
    message: (c) => `The credentials were not sent: ${c.reason}.`,
    remediation: () => "Fix what stopped them (the reason above), then test the credentials again; --send-credentials-untrusted overrides an untrusted chain, nothing overrides TLS below 1.2.",
  },
  AIA_FETCH_FAILED: {
    severity: "info", rank: 6, title: "Issuer download failed",
    message: (c) => `Downloading an issuer from its caIssuers URL ${c.url} (--aia) failed: ${c.reason}.`,
    remediation: () => "Get the certificate from your CA administrator and pass it with --intermediates FILE, or check that this machine can reach the URL.",
  },
  INPUT_NOTE: {
    severity: "info", rank: 5, title: "Note on reading an input file",
    message: (c) => `Reading ${c.input}: ${c.note}.`,
    remediation: () => "Nothing to fix in the chain: this says how chaincheck read the file (what it skipped, held or could not verify). Check that it is the file you meant; a PKCS#12 file without an integrity MAC is best re-exported with one.",
  },
  AUTH_OK: {
    severity: "info", rank: 7, title: "TabPy accepted the credentials",
    message: (c) => `TabPy accepted the credentials of user "${c.user}" (GET /info answered 200, as Tableau's Test Connection expects).`,
    remediation: () => "Nothing to do.",
  },
  LEGACY_TLS_VERSION: {
    severity: "error", rank: 270, title: "Outdated TLS version",
    message: (c) => `The server negotiated ${c.protocol}; current clients (and Tableau at default settings) refuse TLS below 1.2.`,
    remediation: () => "Enable TLS 1.2 or 1.3 on the server (TabPy and Rserve use OpenSSL's defaults; check the server's OpenSSL configuration).",
  },
  OPENSSL_DISAGREES: {
    severity: "warning", rank: 45, title: "OpenSSL's verdict differs",
    message: (c) => `chaincheck says: ${c.ours}; OpenSSL's handshake verification against the same trust store says: ${c.openssl}.`,
    remediation: () => "OpenSSL rejects some valid paths (it does not backtrack through cross-signed branches) and skips some checks; clients built on OpenSSL may behave like it. Serve the simplest chain: leaf, then its own intermediates.",
  },
  SERVICE_MISMATCH: {
    severity: "error", rank: 97, title: "Not the service asked for",
    message: (c) => {
      const found = c.detected === "tls" ? "it answers neither as TabPy nor as Rserve" : `it answers as ${c.detected === "tabpy" ? "TabPy" : "Rserve"}`;
      return `--service ${c.expected} expects ${c.expected === "tabpy" ? "TabPy" : "Rserve"} on ${c.endpoint}, but ${found} (${c.detail}): Tableau's ${c.expected === "tabpy" ? "TabPy/External API" : "RServe"} connection type would fail.`;
    },
    remediation: (c) => c.detected === "tls"
      ? `Point Tableau at the port of the ${c.expected === "tabpy" ? "TabPy server (default 9004)" : "Rserve TLS port (qap.tls.port, default 6311)"}, and check that the service runs there.`
      : `This port serves ${c.detected === "tabpy" ? "TabPy: configure Tableau's connection as TabPy/External API" : "Rserve: configure Tableau's connection as RServe"} (and run chaincheck with --service ${c.detected}), or use the port of the ${c.expected === "tabpy" ? "TabPy" : "Rserve"} server.`,
  },
  CHAIN_TOO_LARGE: {
    severity: "error", rank: 275, title: "Certificate chain too large for the TLS library",
    message: (c, who) =>
      `The server's Certificate message is ${c.messageBytes} bytes, more than the ${c.limitBytes} bytes OpenSSL accepts for a certificate list (max_cert_list): clients built on OpenSSL (Node, Python, curl) abort the handshake, as chaincheck's did. ` +
      `The chain shown is what arrived: ${c.certificates} certificate(s) from the leaf ${who}${c.complete ? "" : ` (${c.cut})`}.`,
    remediation: () => "Send only the leaf and its own intermediates: remove unrelated certificates and the root from the server's certificate file (a working chain is a few kilobytes).",
  },
  CERTIFICATE_CHANGED: {
    severity: "error", rank: 95, title: "Another certificate on the next connection",
    message: (c, who) => `The second connection (the credentials check) presented ${c.difference}, not the chain chaincheck judged on the first (leaf ${who}), so the credentials were not sent: Tableau may reach either.`,
    remediation: () => "Every server behind this address must present the same chain (a load balancer with differently configured backends, or a certificate replaced meanwhile): deploy the same certificate file everywhere, restart, and check again.",
  },
  CONNECTION_REFUSED: probeError("Connection refused", 900, "Check the host and port: is TabPy (9004) or Rserve's TLS port (6311, qap.tls.port) running and reachable?"),
  CONNECTION_TIMEOUT: probeError("Connection timed out", 899, "Check firewalls and that the service listens on this port; a TLS client against a plain-HTTP port also stalls."),
  DNS_ERROR: probeError("Host name not found", 898, "Check the host name (DNS) or use the IP address with --servername NAME."),
  CONNECTION_RESET: probeError("Connection reset", 897, "The server closed the connection during the handshake: check its TLS configuration and logs."),
  NOT_TLS: probeError("Not a TLS port", 896, "Use the port that speaks TLS."),
  TLS_HANDSHAKE_FAILED: probeError("TLS handshake failed", 895, "Check the server's TLS configuration (protocol versions, cipher suites, certificate and key)."),
  PIN_MISMATCH: {
    // A gate: below every trust error; among the gates the most telling ("this is not the certificate you deployed").
    severity: "error", rank: 295, gate: true, title: "Not the expected certificate",
    message: (c, who) => c.pin === "issuer"
      ? `${who} was issued by "${c.actual}", but --expect-issuer requires "${c.expected}"${c.reversedOrder ? " (the same names in reverse order: chaincheck writes names most specific first, CN=... first)" : ""}.`
      : `No certificate of the path (${c.checked} checked, from the leaf "${c.leaf}") has the SHA-256 fingerprint --expect-fingerprint requires (${c.expected.map((f) => `${f.slice(0, 16)}…`).join(" or ")}).`,
    remediation: (c) => c.pin === "issuer"
      ? "Deploy the certificate issued by the expected CA (and restart the service so it loads it), or update the pin if the change of CA is intended."
      : "The server does not present the certificate being rolled out: deploy the expected bundle (and restart the service so it loads it), or update the pin.",
  },
  CHAIN_DIFFERS: {
    severity: "error", rank: 150, gate: true, title: "Chain differs from the other targets",
    message: (c, who) => `This target presents a different chain (leaf ${who}) than ${c.others} other target(s), e.g. ${c.reference}: ${c.difference}.`,
    remediation: () => "Deploy the same certificate file (leaf and intermediates, in the same order) on every server of the fleet, then restart the ones that differ.",
  },
  EXPIRES_TOO_SOON: {
    severity: "error", rank: 90, gate: true, title: "Expires before the required minimum",
    message: (c, who) => `${who} ${c.days < 0 ? `expired on ${c.notAfter}` : `expires on ${c.notAfter}, in ${c.days} day(s)`}; --min-days requires at least ${c.minDays} day(s) left.`,
    remediation: () => "Renew this certificate (for an intermediate or root, get the CA's current one) and deploy it before rolling out.",
  },
  TABLEAU_SSL_DISABLED: {
    severity: "error", rank: 85, title: "Tableau connects without SSL",
    severityOf: (c) => (c.authentication ? "error" : "warning"),
    message: (c) => `Tableau has "Require SSL" off for the connection "${c.connection}" on site "${c.site}": Tableau talks to it in clear${c.authentication ? ", and sends the connection's user name and password in clear" : ""}.`,
    remediation: () => "Serve TLS on the extension (TabPy: TABPY_TRANSFER_PROTOCOL = https with a certificate; Rserve: qap.tls.port) and turn on Require SSL for the connection in the site's Settings > Extensions; the result above says whether Tableau will trust its chain.",
  },
  TABLEAU_EXTENSIONS_DISABLED: {
    severity: "warning", rank: 58, title: "Analytics extensions disabled",
    message: (c) => c.scope === "server"
      ? `Analytics extensions are disabled for the whole server, so Tableau does not use this connection of site "${c.site}".`
      : `Analytics extensions are disabled on site "${c.site}", but the site has this connection configured; Tableau does not use it.`,
    remediation: (c) => c.scope === "server"
      ? "A server administrator enables analytics extensions in the server's Settings > Extensions (or delete the connections no one needs)."
      : "Enable analytics extensions in the site's Settings > Extensions, or delete the connection if no one needs it.",
  },
  HOSTNAME_NOT_CHECKED: {
    severity: "info", rank: 5, title: "Host name not checked",
    message: () => "No host name was given, so the certificate was not checked against the name Tableau will connect to.",
    remediation: () => "Pass --host NAME with the host name configured in Tableau.",
  },
};
