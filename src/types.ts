/**
 * The data that flows between chaincheck's modules. Pure types only: no code, no I/O.
 *
 * Parsing (src/cert) produces `Certificate`; the path builder and checks (src/validate) turn a
 * `ChainInput` plus a `TrustStore` into a `ChainResult`; the advisor (src/advise) fills
 * `remediation`; renderers (src/report) turn results into text, JSON, JUnit or SARIF.
 */
import type { Finding, FindingCode } from "./findings/finding.js";

/** A parsed X.509 certificate: everything later stages need, no live crypto objects. */
export interface Certificate {
  /** The certificate's DER bytes. */
  readonly der: Uint8Array;
  /** SHA-256 of the DER, lowercase hex without separators: the identity used in every report. */
  readonly sha256: string;
  /** X.509 version (1, 2 or 3). */
  readonly version: number;
  readonly serialNumber: string;
  /** RFC 4514-style display strings (hostile content is kept as is; renderers neutralise it). */
  readonly subject: string;
  readonly issuer: string;
  /**
   * The subject / issuer Name normalised as RFC 5280 §7.1 and OpenSSL compare names (case, white space,
   * PrintableString vs UTF8String; src/cert/name.ts), hex: what issuer matching compares.
   */
  readonly subjectKey: string;
  readonly issuerKey: string;
  /** Hex of the subject / issuer Name's DER as encoded (Go and rustls/webpki compare these bytes). */
  readonly subjectDer: string;
  readonly issuerDer: string;
  /** The normalised form (hex) of each subject RDN in encoding order (directoryName constraints compare prefixes). */
  readonly subjectRdns: readonly string[];
  /** Values of the subject's commonName attributes. */
  readonly commonNames: readonly string[];
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** subjectAltName entries by type; `undefined` when the certificate has no SAN extension. */
  readonly san?: SubjectAltNames;
  /** basicConstraints; `undefined` when absent. */
  readonly basicConstraints?: { readonly cA: boolean; readonly pathLen?: number };
  /** keyUsage bit names; `undefined` when the extension is absent. */
  readonly keyUsage?: readonly KeyUsageName[];
  /** extKeyUsage OIDs (dotted); `undefined` when the extension is absent. */
  readonly extKeyUsage?: readonly string[];
  /** Netscape certificate type bits ("sslClient", "sslServer", ...); `undefined` when the extension is absent. */
  readonly netscapeCertType?: readonly string[];
  readonly nameConstraints?: NameConstraints;
  /** subjectKeyIdentifier / authorityKeyIdentifier.keyIdentifier, lowercase hex. */
  readonly subjectKeyId?: string;
  readonly authorityKeyId?: string;
  /** AIA caIssuers and OCSP URLs. */
  readonly caIssuers: readonly string[];
  readonly ocspUrls: readonly string[];
  readonly signatureAlgorithm: SignatureAlgorithm;
  readonly publicKey: PublicKeyInfo;
  /** Every extension's OID and criticality, in certificate order. */
  readonly extensions: readonly { readonly oid: string; readonly critical: boolean }[];
  /** Critical extensions chaincheck does not process (a verifier must reject these). */
  readonly unknownCriticalExtensions: readonly string[];
  /** Subject and issuer names are identical. */
  readonly selfIssued: boolean;
  /** Self-issued and its signature verifies with its own key. */
  readonly selfSigned: boolean;
  /** Parse-level defects that make the certificate unusable in a path (e.g. duplicate extension). */
  readonly defects: readonly string[];
  /**
   * Set when the certificate could not be decoded at all (src/cert/parse.ts `readCertificate`): why, naming
   * the field. Such a certificate is never used in a path; only `der`, `sha256`, `subject` and `issuer` (as far
   * as they could be read) and the validity dates (when readable, else the epoch) are meaningful.
   */
  readonly unreadable?: string;
  /** Internal: what signature verification needs. */
  readonly tbsDer: Uint8Array;
  readonly signatureValue: Uint8Array;
  /** DER of the SubjectPublicKeyInfo. */
  readonly spkiDer: Uint8Array;
}

export interface SubjectAltNames {
  readonly dns: readonly string[];
  /** Textual IPv4 / IPv6 (canonical form from node:net). */
  readonly ip: readonly string[];
  readonly email: readonly string[];
  readonly uri: readonly string[];
  /** directoryName entries, normalised as `Certificate.subjectKey`. */
  readonly directoryNames: readonly string[];
  /** Count of other name forms (otherName, x400, ediParty, registeredID). */
  readonly other: number;
}

export type KeyUsageName =
  | "digitalSignature" | "nonRepudiation" | "keyEncipherment" | "dataEncipherment" | "keyAgreement"
  | "keyCertSign" | "cRLSign" | "encipherOnly" | "decipherOnly";

export interface GeneralSubtrees {
  readonly dns: readonly string[];
  /** `{ address, prefix }`: network address bytes and prefix length in bits. */
  readonly ip: readonly { readonly address: Uint8Array; readonly prefix: number }[];
  readonly email: readonly string[];
  readonly uri: readonly string[];
  /** directoryName subtrees, normalised as `Certificate.subjectKey` (a prefix of the RDNs it permits or excludes). */
  readonly directoryNames: readonly string[];
  /** Forms chaincheck cannot evaluate (otherName, x400, ediParty, registeredID). */
  readonly unsupported: number;
}

export interface NameConstraints {
  readonly permitted?: GeneralSubtrees;
  readonly excluded?: GeneralSubtrees;
}

export interface SignatureAlgorithm {
  readonly oid: string;
  /** e.g. "sha256WithRSAEncryption", "ecdsa-with-SHA384", "Ed25519", "RSASSA-PSS"; the OID when unknown. */
  readonly name: string;
  /** Digest used, when known: "md5" | "sha1" | "sha224" | "sha256" | "sha384" | "sha512". */
  readonly hash?: string;
  /** Hex DER of the AlgorithmIdentifier parameters, when present. */
  readonly parametersDer?: string;
}

export interface PublicKeyInfo {
  /** "rsa" | "rsa-pss" | "ec" | "ed25519" | "ed448" | "dsa" | the algorithm OID when unknown. */
  readonly type: string;
  /** Modulus size for RSA/DSA, curve size for EC. */
  readonly bits?: number;
  /** Named curve for EC keys, e.g. "P-256". */
  readonly curve?: string;
}

/** Finding severities, most serious first. */
export type Severity = "error" | "warning" | "info";

/**
 * A finding as reports carry it (JSON `findings[]`): the typed finding (code, severity, certificate, evidence) and
 * its words, rendered from the evidence by src/words/findings.ts.
 */
export type ReportedFinding = Finding & {
  /** One or two sentences naming the certificate (subject and SHA-256) and the evidence. */
  readonly message: string;
  /** What to do about it. */
  readonly remediation: string;
};

/** How the presented chain looks, before any validation. */
export type ChainKind = "self-signed" | "leaf-only" | "full";

/** Which clients' path validation to model. */
export type VerifierModel = "strict" | "partial-chain";

export type Service = "tabpy" | "rserve" | "tls";

export type Status = "pass" | "warn" | "fail" | "error";

/**
 * Where chaincheck got a certificate it advises installing: `presented` (the server sent it), `aia` (downloaded
 * from a caIssuers URL with --aia), `held` (given by the user: --intermediates, --ca-file, the unsent rest of
 * the file), `store` (the trust store chaincheck checked against), `unknown` (not held: it must be obtained).
 */
export type InstallSource = "presented" | "aia" | "held" | "store" | "unknown";

/** A certificate the client must install, in the order to install. */
export interface InstallItem {
  readonly role: "root" | "intermediate" | "leaf";
  readonly subject: string;
  readonly sha256: string | null;
  readonly pem: string | null;
  readonly source: InstallSource;
  /**
   * A root or self-signed certificate whose only source is the server or an AIA download: nothing vouches for
   * it, so its SHA-256 must be confirmed with its owner over another channel before it is trusted.
   */
  readonly confirmOutOfBand: boolean;
  /** The URL it was downloaded from (source `aia`). */
  readonly downloadedFrom?: string;
  /** Where to get it when chaincheck does not hold it (CA administrator, AIA URL). */
  readonly obtainFrom?: string;
  /** AIA caIssuers URLs that publish a certificate chaincheck does not hold (`--aia` downloads them). */
  readonly publishedAt?: readonly string[];
  /** subjectKeyIdentifier of the certificate to obtain, when known from the child's AKI. */
  readonly keyId?: string;
  /**
   * `certificate`: chaincheck holds it (`pem`); `missing`: an issuer it does not hold, named by the certificate it
   * issued; `loop-root`: the root above CAs that only certify each other in a loop (schemaVersion 2).
   */
  readonly kind: "certificate" | "missing" | "loop-root";
}

/** What to do about an untrusted result (the anchor advisor's output). */
export interface Remediation {
  /** Certificates to install in the client's trust store (strict model: works for every client), in order. */
  readonly install: readonly InstallItem[];
  /** Plain-words steps with the commands for `targetOs`. */
  readonly steps: readonly string[];
  /** The platform the commands are for. */
  readonly targetOs: string;
  /** A smaller set that is enough for partial-chain clients only (curl, Go, Java, GnuTLS); empty when not smaller. */
  readonly partialChainInstall: readonly InstallItem[];
  /** What-if: the chain validates once `install` is added to the store (null: nothing to install). */
  readonly verifiedAfterInstall: boolean | null;
  /** One sentence stating what the what-if re-run showed. */
  readonly proof: string | null;
  /** The server-side alternative (send the intermediates), when it applies. */
  readonly serverSide: readonly string[];
  /** Failures no installed certificate can fix, with what to reissue or change: "CODE: remediation". */
  readonly cannotFix: readonly string[];
  /** The same failures as the findings they are (code and certificate), in the same order. */
  readonly cannotFixFindings: readonly { readonly code: FindingCode; readonly certificate: string | null }[];
  /** `verify` of a file whose server certificate is not first: the corrected order and the command that writes it. */
  readonly reorder?: FileReorder;
  /** A live check by IP or an alias the certificate does not cover: the name to check instead (--servername). */
  readonly recheck?: NameRecheck;
  /** OpenSSL's checks of the what-if (loopback handshakes), in the order run; absent when none ran. */
  readonly opensslProof?: readonly OpensslProofCheck[];
}

/**
 * One OpenSSL check of the what-if: a loopback TLS handshake presenting the chain to Node's OpenSSL client, which
 * trusts the store plus a set of anchors: `advised` (the install set) or `path` (every certificate of chaincheck's
 * proven path, tried when OpenSSL rejected the advised set).
 */
export interface OpensslProofCheck {
  readonly anchors: "advised" | "path";
  readonly verdict: "accepted" | "rejected" | "unavailable";
  /** OpenSSL's verify error (rejected) or why the check could not run (unavailable). */
  readonly reason: string | null;
}

/** The host name checked came from the target (an IP or an alias), and the certificate names DNS names. */
export interface NameRecheck {
  /** The name or IP that was checked. */
  readonly checked: string;
  /** A name of the certificate to pass as --servername (the name Tableau will be configured with). */
  readonly servername: string;
}

/** How to rewrite a certificate file whose server certificate is not first. */
export interface FileReorder {
  /** 1-based position of the server's certificate in the input. */
  readonly leafPosition: number;
  /** The input positions in the order to write them. */
  readonly order: readonly number[];
  /** A command that writes the corrected file (PEM, certificates only). */
  readonly command: string;
}
