/**
 * What a check returns: `ChainVerdict`, all data (typed findings, the advice), which commands build, policies
 * extend and src/report renders; and `ChainResult`, the same result with its words (what the JSON report
 * serialises, schemaVersion 2, and every renderer and the library read). Field names are a public contract
 * (README "JSON report").
 */
import type { Termination } from "../validate/path-builder.js";
import type { TableauSetup } from "../advise/tableau.js";
import type { Advice } from "../advise/advise.js";
import type { Certificate, ChainKind, Remediation, ReportedFinding, Service, Status, VerifierModel } from "../types.js";
import type { Finding, FindingCode } from "../findings/finding.js";
import type { WireOrderReason } from "../probe/types.js";
import { encodePem } from "../cert/pem.js";
import { dedupeFindings, headlineOf, sortFindings } from "../findings/finding.js";

export interface PresentedCertificate {
  readonly subject: string;
  readonly issuer: string;
  readonly serialNumber: string;
  readonly sha256: string;
  readonly notBefore: string;
  readonly notAfter: string;
  /** "DNS:name", "IP:address", "email:…", "URI:…". */
  readonly subjectAltNames: readonly string[];
  readonly isCA: boolean;
  readonly selfSigned: boolean;
  readonly pem: string;
}

/** A certificate of the path chaincheck built, and where it came from. */
export interface PathCertificate {
  readonly sha256: string;
  readonly subject: string;
  readonly notAfter: string;
  /** presented: sent by the server (or in the file); store: the trust store; held: --intermediates / AIA. */
  readonly source: "presented" | "store" | "held";
}

/**
 * OpenSSL's second opinion: what Node's OpenSSL said of the chain in the probe's handshake, against the same trust
 * store, at the current time, at security level 0 (to see weak servers), without the host name.
 */
export interface OpensslOpinion {
  readonly authorized: boolean;
  readonly reason: string | null;
  /**
   * How chaincheck's verdict on the chain itself (host name, weak-crypto and gate findings left out) compares:
   * "agrees", "differs" (OPENSSL_DISAGREES), or not compared because chaincheck validated at another time (--at)
   * or under another model (--partial-chain; OpenSSL's handshake is strict).
   */
  readonly comparison: "agrees" | "differs" | "other-time" | "other-model";
}

/** What the live probe saw besides the chain (absent for `verify`). */
export interface ConnectionInfo {
  /** The address probed, e.g. "127.0.0.1:9004". */
  readonly endpoint: string;
  /** "wire": parsed from the TLS Certificate message; "reconstructed": from Node's view (fallback). */
  readonly order: "wire" | "reconstructed";
  /** Why the order is "reconstructed" (schemaVersion 2). */
  readonly orderReason?: WireOrderReason;
  readonly protocol: string | null;
  readonly cipher: string | null;
  readonly ocspStapled: boolean | null;
  readonly servername: string | null;
  /** What answered: "Rserve 0103 QAP1 (TLS)", "TabPy 2.13.0, authentication on", ... */
  readonly serviceDetail: string | null;
  /** OpenSSL's verdict from the same handshake against the same trust store (chain only: the host name is not compared). */
  readonly openssl: OpensslOpinion | null;
  readonly elapsedMs: number;
}

/** An analytics-extension connection as a Tableau site has it configured (`chaincheck tableau`). Never a password. */
export interface ExtensionConnection {
  /** Tableau's connection LUID. */
  readonly id: string;
  readonly name: string;
  /** Tableau's `connection_type`, as it sent it: "TABPY", "RSERVE", "EINSTEIN_DISCOVERY", "GENERIC_API", ... */
  readonly type: string;
  /** As configured (since Server 2022.1 it may carry a path, e.g. "tabpy.corp.example/v1"). */
  readonly host: string;
  readonly port: number;
  /** "Require SSL" in Tableau (`is_ssl_enabled`). */
  readonly ssl: boolean;
  /** "Sign in with username and password" in Tableau (`is_auth_enabled`). */
  readonly authentication: boolean;
  readonly username?: string;
}

/** `verify` only: the input file(s) as read, and the order a server must load them in. */
export interface BundleInfo {
  /** Format of FILE: "pem", "der", "pkcs7" or "pkcs12". */
  readonly format: string;
  /** The server's certificate was not first: `presented` is the corrected order (CHAIN_ORDER says so). */
  readonly reordered: boolean;
  /**
   * Every certificate of FILE and the --chain files in the order a server must load them: the leaf, each issuer
   * after the certificate it issued, then the rest; `position` is 1-based in the input (FILE first).
   */
  readonly order: readonly { readonly position: number; readonly sha256: string }[];
  /** Certificates of the input the server does not send (Rserve sends only the first), in that order. */
  readonly unsent: readonly PresentedCertificate[];
}

export interface ChainVerdict {
  /** What was checked: "host:port" for a live probe, the file name for `verify`. */
  readonly target: string;
  readonly service: Service | null;
  /** The name checked against the certificate, or null when none was given. */
  readonly host: string | null;
  readonly chainKind: ChainKind | null;
  /** What the server presents (or will present), in order. */
  readonly presented: readonly PresentedCertificate[];
  /** SHA-256 of each certificate from the leaf to the trust-store certificate that ends the path, when one is reached (even if a check fails on it). */
  readonly path: readonly string[] | null;
  /**
   * The path that best explains the verdict, leaf first, and how it ends; `loop` (schemaVersion 2) when it stops
   * because its top certificate's issuer is already on it (CAs that only certify each other).
   */
  readonly builtPath: { readonly certificates: readonly PathCertificate[]; readonly end: Termination; readonly loop?: true } | null;
  /** Every path the builder explored (for --verbose and support): certificates, end, error codes on its links. */
  readonly pathAttempts?: readonly { readonly certificates: readonly PathCertificate[]; readonly end: Termination; readonly findings: readonly FindingCode[] }[];
  /** The trust store used, e.g. "system store /etc/ssl/certs/ca-certificates.crt (144 certificates)". */
  readonly trustStore: string;
  readonly verifierModel: VerifierModel;
  /** Validation time (ISO 8601). */
  readonly checkedAt: string;
  readonly trusted: boolean;
  readonly status: Status;
  /** Code of the most specific error, or null. */
  readonly headline: FindingCode | null;
  /** Errors first, most specific first. */
  readonly findings: readonly Finding[];
  readonly remediation: Advice;
  readonly connection?: ConnectionInfo;
  /** `verify` only: the input's certificates and their order. */
  readonly bundle?: BundleInfo;
  /** Live TabPy/Rserve results: what to enter in Tableau. */
  readonly tableau?: TableauSetup;
  /** `chaincheck tableau`: the Tableau site whose analytics-extension connection this result checks. */
  readonly site?: { readonly id: string; readonly name: string; readonly contentUrl: string };
  /** `chaincheck tableau`: the analytics-extension connection as Tableau has it configured. */
  readonly extensionConnection?: ExtensionConnection;
}

/** A verdict in words (src/report/document.ts): the JSON report's `results[]`, and what every renderer reads. */
export interface ChainResult extends Omit<ChainVerdict, "findings" | "remediation"> {
  readonly findings: readonly ReportedFinding[];
  readonly remediation: Remediation;
}

export function describeCertificate(cert: Certificate): PresentedCertificate {
  const san = cert.san;
  return {
    subject: cert.subject,
    issuer: cert.issuer,
    serialNumber: cert.serialNumber,
    sha256: cert.sha256,
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    subjectAltNames: san
      ? [...san.dns.map((n) => `DNS:${n}`), ...san.ip.map((n) => `IP:${n}`), ...san.email.map((n) => `email:${n}`), ...san.uri.map((n) => `URI:${n}`)]
      : [],
    isCA: cert.basicConstraints?.cA === true,
    selfSigned: cert.selfSigned,
    pem: encodePem(cert.der),
  };
}

/** pass: trusted, nothing to say; warn: trusted with warnings; fail: untrusted or any error. */
export function statusOf(trusted: boolean, findings: readonly Pick<Finding, "severity">[]): Status {
  if (!trusted || findings.some((f) => f.severity === "error")) return "fail";
  return findings.some((f) => f.severity === "warning") ? "warn" : "pass";
}

/**
 * Adds findings to a result (policies, the credentials check, probe facts) and recomputes what
 * depends on them. `trusted` stays the chain verdict; `status` and `headline` follow the findings.
 */
export function withFindings(result: ChainVerdict, extra: readonly Finding[]): ChainVerdict {
  if (extra.length === 0) return result;
  const findings = sortFindings(dedupeFindings([...result.findings, ...extra]));
  return { ...result, findings, status: statusOf(result.trusted, findings), headline: headlineOf(findings)?.code ?? null };
}
