/**
 * The one wording table of findings: every code's title, message and remediation, from its typed evidence
 * (src/findings/codes.ts). Checks produce evidence; reports call these functions when they render (src/report).
 * `satisfies` keeps the table complete: a new code without words does not compile.
 */
import { CODES, type AiaFailure, type BudgetLimit, type ChainDifference, type CodeInfo, type CredentialsNotSent, type FindingCode, type FindingEvidence, type LeafChange, type NamedCert, type NameViolation } from "../findings/codes.js";
import type { Finding } from "../findings/finding.js";
import type { ProbeFailure } from "../probe/types.js";
import { cutWords, probeFailureWords } from "./probe.js";

export interface FindingWords<Evidence> {
  readonly title: string;
  /** Plain words; `who` is the certificate named as `"subject" (SHA-256 abcd…)`. */
  message(evidence: Evidence, who: string): string;
  remediation(evidence: Evidence, who: string): string;
}

/** How every message names a certificate: its subject and the start of its SHA-256. */
export function nameCert(cert: NamedCert): string {
  return `"${cert.subject || "(empty subject)"}" (SHA-256 ${cert.sha256.slice(0, 16)}…)`;
}

/** The shared wording of probe errors: what the probe saw, and its hint when it has one. */
function probeError(title: string, fallbackHint: string): FindingWords<ProbeFailure> {
  return {
    title,
    message: (c) => probeFailureWords(c).message,
    remediation: (c) => probeFailureWords(c).hint ?? fallbackHint,
  };
}

const list = (names: readonly string[], none = "none"): string => (names.length ? names.join(", ") : none);

export const FINDING_WORDS: { readonly [C in FindingCode]: FindingWords<FindingEvidence[C]> } = {
  EXPIRED: {
    title: "Certificate expired",
    message: (c, who) => `${who} expired on ${c.notAfter} (checked at ${c.at}).`,
    remediation: () => "Renew this certificate and deploy the new one (for an intermediate, serve the CA's current intermediate); check the client's clock if the date looks wrong.",
  },
  NOT_YET_VALID: {
    title: "Certificate not yet valid",
    message: (c, who) => `${who} is not valid before ${c.notBefore} (checked at ${c.at}).`,
    remediation: () => "Check the clocks of the server, the client and the machine that issued the certificate, or wait until it becomes valid.",
  },
  HOSTNAME_MISMATCH: {
    title: "Certificate not issued to this host",
    message: (c, who) =>
      c.cnOnly
        ? `${who} names ${c.host} only in its subject common name; clients ignore the CN and its subjectAltName lists: ${list(c.names)}.`
        : `${who} is not valid for ${c.host}; it is valid for: ${list(c.names, "no DNS or IP names")}.`,
    remediation: (c) => c.rerun
      ? `This check used ${c.host}, the ${c.rerun.ip ? "IP address" : "name"} you probed. If Tableau connects with a name the certificate is valid for (${list(c.names)}), run chaincheck again with --servername ${c.rerun.servername} to check that name; if Tableau must connect to ${c.host}, reissue the certificate with a subjectAltName that contains ${c.host}.`
      : `Reissue the certificate with a subjectAltName that contains ${c.host}, or configure Tableau with a name the certificate is valid for${c.names.length ? ` (${list(c.names)})` : ""}.`,
  },
  BAD_SIGNATURE: {
    title: "Signature does not verify",
    message: (c, who) => `The signature on ${who} does not verify with the key of "${c.issuer}" (SHA-256 ${c.issuerSha256.slice(0, 16)}…), the certificate that carries its issuer's name.`,
    remediation: () => "The bundle mixes certificates of different CAs or a corrupted certificate: get the exact issuing intermediate from the CA that signed the server certificate.",
  },
  EKU_NOT_SERVER_AUTH: {
    title: "Not allowed for TLS servers",
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
    title: "Key usage does not allow this use",
    message: (c, who) => c.role === "issuer"
      ? `${who} signs certificates but its key usage (${list(c.keyUsage)}) lacks keyCertSign.`
      : `${who} has key usage ${list(c.keyUsage)}, which allows neither digitalSignature nor key encipherment/agreement for TLS.`,
    remediation: (c) => c.role === "issuer"
      ? "The CA certificate must be reissued with keyCertSign in its key usage."
      : "Reissue the server certificate with key usage digitalSignature (and keyEncipherment for RSA).",
  },
  NAME_CONSTRAINTS_VIOLATION: {
    title: "Name outside the CA's constraints",
    message: (c, who) => `${who} constrains the names it may certify, and ${c.violation.kind === "unsupported" ? `${c.name} name` : c.name} is not allowed: ${violationWords(c.violation)}.`,
    remediation: () => "Issue the server certificate from a CA allowed to certify this name, or ask the CA administrator to widen the name constraints.",
  },
  UNKNOWN_CRITICAL_EXTENSION: {
    title: "Unknown critical extension",
    message: (c, who) => `${who} has critical extension(s) ${list(c.oids)} that TLS clients do not process, so they must reject it.`,
    remediation: () => "Reissue the certificate without these extensions, or mark them non-critical.",
  },
  MALFORMED_CERTIFICATE: {
    title: "Malformed certificate",
    message: (c, who) => c.unreadable
      ? `${who} cannot be decoded: ${list(c.defects)}. OpenSSL, Node and Python refuse to load it, so a TLS handshake that includes it fails (and TabPy or Rserve would not start with it in their certificate file).`
      : `${who} breaks X.509 encoding or profile rules (RFC 5280) that strict clients enforce: ${list(c.defects)}.`,
    remediation: () => "Reissue the certificate with a standards-conforming tool (OpenSSL, a CA product).",
  },
  UNREADABLE_CERTIFICATE: {
    title: "Certificate cannot be read",
    message: (c, who) => `${who} (${c.source === "held" ? "given with --intermediates" : "in the trust store"}) cannot be decoded: ${c.reason}. chaincheck did not use it; OpenSSL and Node cannot load it either (and may refuse a whole file that holds it).`,
    remediation: (c) => c.source === "held"
      ? "Replace it with a well-formed copy from its CA, or leave it out of the file."
      : "Replace it in the trust store with a well-formed copy from its CA.",
  },
  PATH_LENGTH_EXCEEDED: {
    title: "Path length constraint exceeded",
    message: (c, who) => `${who} allows at most ${c.pathLen} intermediate CA(s) below it, but the path has ${c.below}.`,
    remediation: () => "Issue the server certificate from a CA closer to the root, or reissue the CA with a larger pathLenConstraint.",
  },
  NOT_A_CA: {
    title: "Issuer is not a CA",
    message: (_c, who) => `${who} is used as an issuer but is not a CA certificate (basicConstraints cA is not set).`,
    remediation: () => "The bundle contains a non-CA certificate in the issuer position: serve the real intermediate CA certificate.",
  },
  WEAK_SIGNATURE_ALGORITHM: {
    title: "Weak signature algorithm",
    message: (c, who) => `${who} is signed with ${c.algorithm}; OpenSSL's default security level 2 (Debian, RHEL, Node, Python) refuses MD5 and SHA-1 signatures on every certificate but the trust anchor, as Go and browsers do.`,
    remediation: () => "Reissue the certificate with a SHA-256 (or stronger) signature.",
  },
  WEAK_KEY: {
    title: "Weak key",
    message: (c, who) => c.rule === "dsa"
      ? `${who} has a ${keyWords(c)} key; Go, rustls and browsers do not support DSA and TLS 1.3 has no DSA signatures (RFC 8446), so those clients fail the handshake.`
      : `${who} has a ${keyWords(c)} key; OpenSSL's default security level 2 (Debian, RHEL, Node, Python) requires RSA and DSA keys of at least 2048 bits and EC keys of at least 224 bits.`,
    remediation: () => "Generate a new key (RSA 2048+ or ECDSA P-256+) and reissue the certificate.",
  },
  SELF_SIGNED: {
    title: "Self-signed certificate not trusted",
    message: (c, who) => `${who} is self-signed and is not in the trust store (${c.store}).`,
    remediation: () => "Install this exact certificate in the client's trust store, or replace it with one issued by your organisation's CA.",
  },
  ISSUER_NOT_FOUND: {
    title: "Issuer not found",
    message: (c, who) =>
      `The issuer of ${who}, "${c.issuer}"${c.keyId ? ` (key id ${c.keyId})` : ""}, is neither presented by the server nor in the trust store (${c.store}).`,
    remediation: (c) =>
      `Install "${c.issuer}" in the client's trust store, or have the server send it${c.caIssuers.length ? `; its certificate is published at ${list(c.caIssuers)}` : ""}.`,
  },
  PARTIAL_CHAIN_ANCHOR: {
    title: "Trusted only by partial-chain clients",
    message: (c, who) =>
      `The path ends at ${who}, which is in the trust store (${c.store}) but is not a self-signed root: only partial-chain clients (curl, Go, Java, GnuTLS, Python >= 3.13) accept it; OpenSSL's default, Node and Python < 3.13 do not.`,
    remediation: () => "Install the self-signed root of this CA in the trust store too (strict clients need the path to end at a root).",
  },
  UNTRUSTED_ROOT: {
    title: "Root not trusted",
    message: (c, who) => `The path ends at the self-signed root ${who}, which is not in the trust store (${c.store}).`,
    remediation: () => "Install this root certificate in the client's trust store (see the commands below).",
  },
  PATH_BUDGET_EXCEEDED: {
    title: "Path search limit reached",
    message: (c) => `chaincheck stopped building paths: ${budgetWords(c.limit)}.`,
    remediation: () => "Serve only the leaf and its own intermediates; remove unrelated or looping certificates from the bundle.",
  },
  CRITICAL_SUBJECT_ALT_NAME: {
    title: "Critical subjectAltName beside a subject",
    message: (_c, who) => `${who} marks its subjectAltName critical although its subject is not empty. The CA/B Forum Baseline Requirements (7.1.2.7.12) forbid this for public server certificates, but TLS clients accept it (OpenSSL, Node, Python, Go, Java); only strict validators such as pyca/cryptography reject it.`,
    remediation: () => "Nothing fails today; when the certificate is next reissued, mark its subjectAltName non-critical.",
  },
  ISSUER_NAME_NOT_EXACT: {
    title: "Issuer name matches only when normalised",
    message: (c, who) => `The issuer name of ${who} equals the subject of "${c.issuer}" (SHA-256 ${c.issuerSha256.slice(0, 16)}…) only after RFC 5280 §7.1 normalisation (letter case, spaces or string type differ): OpenSSL, Node, Python and Java find the issuer, but Go and rustls compare the encoded names byte for byte and do not.`,
    remediation: () => "Reissue the certificate with its issuer name encoded exactly as the CA certificate's subject (same string types, case and spacing).",
  },
  EXPIRING_SOON: {
    title: "Expires soon",
    message: (c, who) => `${who} expires on ${c.notAfter}, in ${c.days} day(s) (warning threshold ${c.warnDays} days).`,
    remediation: () => "Renew it before it expires and deploy the new certificate.",
  },
  CHAIN_ORDER: {
    title: "Chain out of order",
    message: (c, who) => c.leafAt
      ? `The server's own certificate ${who} is #${c.leafAt} in the file, not first: TabPy (Python's load_cert_chain), Rserve and most servers pair the private key with the first certificate and refuse to start ("key values mismatch"). chaincheck judged the corrected order: ${(c.order ?? []).map((p) => `#${p}`).join(", ")} of the file.`
      : `Certificate #${c.position} ${who} does not certify the certificate sent before it.`,
    remediation: (c) => c.leafAt
      ? `Write the file leaf first, then each issuer${c.command ? ` (this writes it: ${c.command})` : ""}, point the server at the new file and restart it. Keep every certificate: the server's own certificate must stay, first.`
      : "Put the certificates in order in the server's file: leaf first, then each issuer.",
  },
  EXTRA_CERTIFICATE: {
    title: "Certificate not on the path",
    message: (c, who) => `Certificate #${c.position} ${who} is sent by the server but is on no path from the leaf.`,
    remediation: () => "Remove it from the server's certificate file.",
  },
  DUPLICATE_CERTIFICATE: {
    title: "Duplicate certificate",
    message: (c, who) => `${who} is sent more than once (positions ${c.positions.join(", ")}).`,
    remediation: () => "Remove the duplicate from the server's certificate file.",
  },
  LEAF_ONLY: {
    title: "Leaf only",
    message: (_c, who) => `The server sends only its own certificate ${who}; clients must already hold every intermediate and the root.`,
    remediation: () => "Install the intermediates and the root on every client, or configure the server to send the intermediates.",
  },
  ROOT_PRESENTED: {
    title: "Root sent by the server",
    message: (c, who) => `Certificate #${c.position} ${who} is the self-signed root; clients use their own copy, so sending it does not make it trusted.`,
    remediation: () => "Optional: remove the root from the server's file; it must be installed on the client either way.",
  },
  CROSS_CERTIFICATE: {
    title: "Cross-certificate for other clients",
    message: (c, who) => `Certificate #${c.position} ${who} is not on the path chaincheck built, but on another issuer path from the leaf, towards "${c.issuer}" (a cross-certificate): clients that trust only "${c.issuer}" build their path through it.`,
    remediation: (c) => `Keep it in the server's file while any client trusts only "${c.issuer}"; the others ignore it.`,
  },
  AUTH_FAILED: {
    title: "TabPy rejected the credentials",
    message: (c) => `TabPy answered 401 to GET /info with the credentials of user "${c.user}": wrong user name or password.`,
    remediation: () => "Check the user name and password configured in Tableau. TabPy reads its password file only at start-up: after `tabpy-user add` or `tabpy-user update`, restart TabPy.",
  },
  AUTH_NOT_ENABLED: {
    title: "TabPy does not expect credentials",
    message: (c) => `Credentials for user "${c.user}" were sent, but TabPy runs without a password file and answered 406.`,
    remediation: () => "Turn off \"Sign in with username and password\" for this connection in Tableau, or start TabPy with TABPY_PWD_FILE set to a password file.",
  },
  AUTH_REQUIRED: {
    title: "TabPy requires credentials",
    message: () => "TabPy answered 401 with its Basic realm: authentication is on, so Tableau must send a user name and password.",
    remediation: () => "In Tableau, enable \"Sign in with username and password\" for this connection and enter a TabPy user; run chaincheck again with --user NAME to test them.",
  },
  CREDENTIALS_SENT_UNTRUSTED: {
    title: "Credentials sent over an untrusted connection",
    message: () => "The credentials were sent although chaincheck did not trust the certificate chain (--send-credentials-untrusted).",
    remediation: () => "Fix the certificate chain first; an untrusted connection may not be the real TabPy server.",
  },
  AUTH_NOT_CHECKED: {
    title: "Credentials not sent",
    message: (c) => `The credentials were not sent: ${notSentWords(c.reason)}.`,
    remediation: () => "Fix what stopped them (the reason above), then test the credentials again; --send-credentials-untrusted overrides an untrusted chain, nothing overrides TLS below 1.2.",
  },
  AIA_FETCH_FAILED: {
    title: "Issuer download failed",
    message: (c) => `Downloading an issuer from its caIssuers URL ${c.url} (--aia) failed: ${aiaFailureWords(c.failure)}.`,
    remediation: () => "Get the certificate from your CA administrator and pass it with --intermediates FILE, or check that this machine can reach the URL.",
  },
  INPUT_NOTE: {
    title: "Note on reading an input file",
    message: (c) => `Reading ${c.input}: ${c.note}.`,
    remediation: () => "Nothing to fix in the chain: this says how chaincheck read the file (what it skipped, held or could not verify). Check that it is the file you meant; a PKCS#12 file without an integrity MAC is best re-exported with one.",
  },
  TRUST_STORE_NOTE: {
    title: "Note on the trust store",
    message: (c) => `Loading the trust store (${c.store}): ${c.note}.`,
    remediation: () => "Nothing to fix in the chain: this says what chaincheck could not use of the trust store, so it is no anchor or intermediate of this check. If a path needs it, replace it in the store with a well-formed copy from its CA.",
  },
  AUTH_OK: {
    title: "TabPy accepted the credentials",
    message: (c) => `TabPy accepted the credentials of user "${c.user}" (GET /info answered 200, as Tableau's Test Connection expects).`,
    remediation: () => "Nothing to do.",
  },
  LEGACY_TLS_VERSION: {
    title: "Outdated TLS version",
    message: (c) => `The server negotiated ${c.protocol}; current clients (and Tableau at default settings) refuse TLS below 1.2.`,
    remediation: () => "Enable TLS 1.2 or 1.3 on the server (TabPy and Rserve use OpenSSL's defaults; check the server's OpenSSL configuration).",
  },
  OPENSSL_DISAGREES: {
    title: "OpenSSL's verdict differs",
    message: (c) => {
      const ours = c.chaincheck.codes.length === 0 ? "the chain is trusted" : `not trusted (${c.chaincheck.codes.join(", ")})`;
      const theirs = c.openssl.authorized ? "trusted" : `not trusted (${c.openssl.reason ?? "no reason given"})`;
      return `chaincheck says: ${ours}; OpenSSL's handshake verification against the same trust store says: ${theirs}.`;
    },
    remediation: () => "OpenSSL rejects some valid paths (it does not backtrack through cross-signed branches) and skips some checks; clients built on OpenSSL may behave like it. Serve the simplest chain: leaf, then its own intermediates.",
  },
  SERVICE_MISMATCH: {
    title: "Not the service asked for",
    message: (c) => {
      const found = c.detected === "tls" ? "it answers neither as TabPy nor as Rserve" : `it answers as ${c.detected === "tabpy" ? "TabPy" : "Rserve"}`;
      return `--service ${c.expected} expects ${c.expected === "tabpy" ? "TabPy" : "Rserve"} on ${c.endpoint}, but ${found} (${c.detail}): Tableau's ${c.expected === "tabpy" ? "TabPy/External API" : "RServe"} connection type would fail.`;
    },
    remediation: (c) => c.detected === "tls"
      ? `Point Tableau at the port of the ${c.expected === "tabpy" ? "TabPy server (default 9004)" : "Rserve TLS port (qap.tls.port, default 6311)"}, and check that the service runs there.`
      : `This port serves ${c.detected === "tabpy" ? "TabPy: configure Tableau's connection as TabPy/External API" : "Rserve: configure Tableau's connection as RServe"} (and run chaincheck with --service ${c.detected}), or use the port of the ${c.expected === "tabpy" ? "TabPy" : "Rserve"} server.`,
  },
  CHAIN_TOO_LARGE: {
    title: "Certificate chain too large for the TLS library",
    message: (c, who) =>
      `The server's Certificate message is ${c.messageBytes} bytes, more than the ${c.limitBytes} bytes OpenSSL accepts for a certificate list (max_cert_list): clients built on OpenSSL (Node, Python, curl) abort the handshake, as chaincheck's did. ` +
      `The chain shown is what arrived: ${c.certificates} certificate(s) from the leaf ${who}${c.complete ? "" : ` (${c.receivedBytes} of its bytes arrived, ${cutWords(c.cut)})`}.`,
    remediation: () => "Send only the leaf and its own intermediates: remove unrelated certificates and the root from the server's certificate file (a working chain is a few kilobytes).",
  },
  CERTIFICATE_CHANGED: {
    title: "Another certificate on the next connection",
    message: (c, who) => `The second connection (the credentials check) presented ${leafChangeWords(c.change)}, not the chain chaincheck judged on the first (leaf ${who}), so the credentials were not sent: Tableau may reach either.`,
    remediation: () => "Every server behind this address must present the same chain (a load balancer with differently configured backends, or a certificate replaced meanwhile): deploy the same certificate file everywhere, restart, and check again.",
  },
  CONNECTION_REFUSED: probeError("Connection refused", "Check the host and port: is TabPy (9004) or Rserve's TLS port (6311, qap.tls.port) running and reachable?"),
  CONNECTION_TIMEOUT: probeError("Connection timed out", "Check firewalls and that the service listens on this port; a TLS client against a plain-HTTP port also stalls."),
  DNS_ERROR: probeError("Host name not found", "Check the host name (DNS) or use the IP address with --servername NAME."),
  CONNECTION_RESET: probeError("Connection reset", "The server closed the connection during the handshake: check its TLS configuration and logs."),
  NOT_TLS: probeError("Not a TLS port", "Use the port that speaks TLS."),
  TLS_HANDSHAKE_FAILED: probeError("TLS handshake failed", "Check the server's TLS configuration (protocol versions, cipher suites, certificate and key)."),
  PIN_MISMATCH: {
    title: "Not the expected certificate",
    message: (c, who) => c.pin === "issuer"
      ? `${who} was issued by "${c.actual}", but --expect-issuer requires "${c.expected}"${c.reversedOrder ? " (the same names in reverse order: chaincheck writes names most specific first, CN=... first)" : ""}.`
      : `No certificate of the path (${c.checked} checked, from the leaf "${c.leaf}") has the SHA-256 fingerprint --expect-fingerprint requires (${c.expected.map((f) => `${f.slice(0, 16)}…`).join(" or ")}).`,
    remediation: (c) => c.pin === "issuer"
      ? "Deploy the certificate issued by the expected CA (and restart the service so it loads it), or update the pin if the change of CA is intended."
      : "The server does not present the certificate being rolled out: deploy the expected bundle (and restart the service so it loads it), or update the pin.",
  },
  CHAIN_DIFFERS: {
    title: "Chain differs from the other targets",
    message: (c, who) => `This target presents a different chain (leaf ${who}) than ${c.others} other target(s), e.g. ${c.reference}: ${chainDifferenceWords(c.difference)}.`,
    remediation: () => "Deploy the same certificate file (leaf and intermediates, in the same order) on every server of the fleet, then restart the ones that differ.",
  },
  EXPIRES_TOO_SOON: {
    title: "Expires before the required minimum",
    message: (c, who) => `${who} ${c.days < 0 ? `expired on ${c.notAfter}` : `expires on ${c.notAfter}, in ${c.days} day(s)`}; --min-days requires at least ${c.minDays} day(s) left.`,
    remediation: () => "Renew this certificate (for an intermediate or root, get the CA's current one) and deploy it before rolling out.",
  },
  TABLEAU_SSL_DISABLED: {
    title: "Tableau connects without SSL",
    message: (c) => `Tableau has "Require SSL" off for the connection "${c.connection}" on site "${c.site}": Tableau talks to it in clear${c.authentication ? ", and sends the connection's user name and password in clear" : ""}.`,
    remediation: () => "Serve TLS on the extension (TabPy: TABPY_TRANSFER_PROTOCOL = https with a certificate; Rserve: qap.tls.port) and turn on Require SSL for the connection in the site's Settings > Extensions; the result above says whether Tableau will trust its chain.",
  },
  TABLEAU_EXTENSIONS_DISABLED: {
    title: "Analytics extensions disabled",
    message: (c) => c.scope === "server"
      ? `Analytics extensions are disabled for the whole server, so Tableau does not use this connection of site "${c.site}".`
      : `Analytics extensions are disabled on site "${c.site}", but the site has this connection configured; Tableau does not use it.`,
    remediation: (c) => c.scope === "server"
      ? "A server administrator enables analytics extensions in the server's Settings > Extensions (or delete the connections no one needs)."
      : "Enable analytics extensions in the site's Settings > Extensions, or delete the connection if no one needs it.",
  },
  HOSTNAME_NOT_CHECKED: {
    title: "Host name not checked",
    message: () => "No host name was given, so the certificate was not checked against the name Tableau will connect to.",
    remediation: () => "Pass --host NAME with the host name configured in Tableau.",
  },
};

function violationWords(v: NameViolation): string {
  switch (v.kind) {
    case "not-permitted":
      return `not within the permitted ${v.form === "dir" ? "directory names" : `${v.form.toUpperCase()} subtrees`}`;
    case "leading-period":
      return `the CA permits "${v.constraint}", which is not a DNS name: RFC 5280 §4.2.1.10 allows a leading period only in URI and e-mail constraints, so it permits nothing (OpenSSL and Go read it as "subdomains of ${v.constraint.slice(1)}"; strict verifiers such as pyca/cryptography do not)`;
    case "excluded":
      return `within an excluded ${v.form === "dir" ? "directory name" : `${v.form.toUpperCase()} subtree`}`;
    case "unsupported":
      return `chaincheck cannot evaluate ${v.form} name constraints, so it does not accept them`;
  }
}

function budgetWords(limit: BudgetLimit): string {
  switch (limit.kind) {
    case "candidates": return `more than ${limit.max} issuer candidates were tried`;
    case "depth": return `paths longer than ${limit.max} certificates are not followed`;
    case "name-comparisons": return `the name constraints of "${limit.issuer}" would need ${limit.needed} name comparisons, more than the ${limit.max} allowed`;
  }
}

/** "RSA 1024-bit", "EC P-192 (192-bit)", "DSA 2048-bit". */
function keyWords(key: FindingEvidence["WEAK_KEY"]): string {
  if (key.type === "ec") return `EC ${key.curve ?? ""} (${key.bits}-bit)`.replace("  ", " ");
  return `${key.type.toUpperCase()}${key.bits === undefined ? "" : ` ${key.bits}-bit`}`;
}

function leafChangeWords(change: LeafChange): string {
  switch (change.kind) {
    case "same-leaf": return `the same leaf with other certificates after it (${change.certificates} certificate(s) instead of ${change.before})`;
    case "other-leaf": return `another certificate, ${nameCert(change.certificate)}`;
    case "unreadable-leaf": return `another certificate (SHA-256 ${change.sha256.slice(0, 16)}…, which chaincheck cannot parse)`;
  }
}

function notSentWords(reason: CredentialsNotSent): string {
  switch (reason.kind) {
    case "handshake-incomplete": return "the TLS handshake did not complete";
    case "legacy-tls":
      return reason.connection === "first"
        ? `the server negotiated ${reason.protocol}, and chaincheck sends credentials only over TLS 1.2 or later, as Tableau requires`
        : `the second connection negotiated ${reason.protocol}, and chaincheck sends credentials only over TLS 1.2 or later`;
    case "untrusted": return "chaincheck does not trust the certificate chain, so it did not send them";
    case "not-tabpy": return `the server is not TabPy (${reason.detail})`;
    case "timeout": return "the target's --timeout ended before the second connection could be made";
    case "second-connection-failed": return `the second connection failed: ${probeFailureWords(reason.failure).message}`;
    case "unexpected-answer": return `unexpected answer to GET /info (${reason.detail})`;
  }
}

/** Why an AIA download gave no certificate, in words. */
export function aiaFailureWords(failure: AiaFailure): string {
  switch (failure.kind) {
    case "not-tried-url-limit": return `not tried: at most ${failure.max} caIssuers URLs are tried per chain`;
    case "not-tried-time": return "not tried: the time allowed for downloads ran out";
    case "scheme": return "unsupported URL scheme";
    case "http-status": return `HTTP ${failure.status}`;
    case "too-large": return `larger than ${failure.limit} bytes`;
    case "timeout": return `no complete answer within ${failure.ms} ms`;
    case "error": return failure.message;
  }
}

const names = (certs: readonly NamedCert[]): string => certs.map(nameCert).join(", ");

/** How a chain differs from the majority's, in words: leaf, missing and extra certificates, order or repeats. */
export function chainDifferenceWords(d: ChainDifference): string {
  const parts: string[] = [];
  if (d.leaf) parts.push(`its leaf is ${nameCert(d.leaf.mine)} where theirs is ${nameCert(d.leaf.theirs)}`);
  if (d.missing.length > 0) parts.push(`it does not send ${names(d.missing)}`);
  if (d.extra.length > 0) parts.push(`it also sends ${names(d.extra)}`);
  if (d.sameCertificates?.kind === "order") {
    parts.push(`the same certificates in another order (${d.sameCertificates.mine.map((s) => `"${s}"`).join(" > ")} instead of ${d.sameCertificates.theirs.map((s) => `"${s}"`).join(" > ")})`);
  } else if (d.sameCertificates?.kind === "repeated") {
    parts.push(`the same certificates, ${d.sent.mine} sent instead of ${d.sent.theirs} (a certificate is repeated)`);
  }
  parts.push(`it sends ${d.sent.mine} certificate(s), they send ${d.sent.theirs}`);
  return parts.join("; ");
}

/** The catalog as the library exports it (severity, rank and words together), keyed by code. */
export const FINDINGS: { readonly [C in FindingCode]: CodeInfo<FindingEvidence[C]> & FindingWords<FindingEvidence[C]> } = Object.fromEntries(
  (Object.keys(FINDING_WORDS) as FindingCode[]).map((code) => [code, { ...CODES[code], ...FINDING_WORDS[code] }]),
) as never;

/** A finding in words: its message and remediation, naming its certificate. */
export function findingWords(f: Finding): { message: string; remediation: string } {
  const words = FINDING_WORDS[f.code] as FindingWords<typeof f.evidence>;
  const who = f.certificate ? nameCert({ subject: f.evidence.subject ?? "", sha256: f.certificate }) : "the chain";
  return { message: words.message(f.evidence, who), remediation: words.remediation(f.evidence, who) };
}

/** The title of a finding code ("Issuer not found"), or the code itself when unknown (a report from elsewhere). */
export function titleOf(code: string): string {
  return (FINDING_WORDS as Record<string, { title: string } | undefined>)[code]?.title ?? code;
}
