/**
 * The result object: what every command returns, the JSON report serialises (schemaVersion 1) and
 * every renderer reads. Field names are a public contract (README "JSON report").
 */
import type { Termination } from "./validate/path-builder.js";
import type { TableauSetup } from "./advise/tableau.js";
import type { Certificate, ChainKind, Finding, Remediation, Service, Status, VerifierModel } from "./types.js";
import { encodePem } from "./cert/pem.js";
import { dedupeFindings, headlineOf, sortFindings } from "./findings/finding.js";

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

/** What the live probe saw besides the chain (absent for `verify`). */
export interface ConnectionInfo {
  /** The address probed, e.g. "127.0.0.1:9004". */
  readonly endpoint: string;
  /** "wire": parsed from the TLS Certificate message; "reconstructed": from Node's view (fallback). */
  readonly order: "wire" | "reconstructed";
  readonly protocol: string | null;
  readonly cipher: string | null;
  readonly ocspStapled: boolean | null;
  readonly servername: string | null;
  /** What answered: "Rserve 0103 QAP1 (TLS)", "TabPy 2.13.0, authentication on", ... */
  readonly serviceDetail: string | null;
  /** OpenSSL's verdict from the same handshake against the same trust store. */
  readonly openssl: { readonly authorized: boolean; readonly reason: string | null } | null;
  readonly elapsedMs: number;
}

export interface ChainResult {
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
  /** The path that best explains the verdict, leaf first, and how it ends. */
  readonly builtPath: { readonly certificates: readonly PathCertificate[]; readonly end: Termination } | null;
  /** Every path the builder explored (for --verbose and support): certificates, end, error codes on its links. */
  readonly pathAttempts?: readonly { readonly certificates: readonly PathCertificate[]; readonly end: Termination; readonly findings: readonly string[] }[];
  /** The trust store used, e.g. "system store /etc/ssl/certs/ca-certificates.crt (144 certificates)". */
  readonly trustStore: string;
  readonly verifierModel: VerifierModel;
  /** Validation time (ISO 8601). */
  readonly checkedAt: string;
  readonly trusted: boolean;
  readonly status: Status;
  /** Code of the most specific error, or null. */
  readonly headline: string | null;
  /** Errors first, most specific first. */
  readonly findings: readonly Finding[];
  readonly remediation: Remediation;
  readonly connection?: ConnectionInfo;
  /** Live TabPy/Rserve results: what to enter in Tableau. */
  readonly tableau?: TableauSetup;
  /** `chaincheck tableau`: the Tableau site whose analytics-extension connection this result checks. */
  readonly site?: { readonly id: string; readonly name: string; readonly contentUrl: string };
  /** `chaincheck tableau`: the analytics-extension connection as Tableau has it configured. */
  readonly extensionConnection?: ExtensionConnection;
}

/** An analytics-extension connection as Tableau has it configured (never its password). */
export interface ExtensionConnection {
  readonly id: string;
  readonly name: string;
  /** Tableau's connection_type, e.g. "TABPY", "RSERVE". */
  readonly type: string;
  readonly host: string;
  readonly port: number;
  readonly ssl: boolean;
  readonly authentication: boolean;
  readonly username?: string;
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
export function statusOf(trusted: boolean, findings: readonly Finding[]): Status {
  if (!trusted || findings.some((f) => f.severity === "error")) return "fail";
  return findings.some((f) => f.severity === "warning") ? "warn" : "pass";
}

/**
 * Adds findings to a result (policies, the credentials check, probe facts) and recomputes what
 * depends on them. `trusted` stays the chain verdict; `status` and `headline` follow the findings.
 */
export function withFindings(result: ChainResult, extra: readonly Finding[]): ChainResult {
  if (extra.length === 0) return result;
  const findings = sortFindings(dedupeFindings([...result.findings, ...extra]));
  return { ...result, findings, status: statusOf(result.trusted, findings), headline: headlineOf(findings)?.code ?? null };
}
