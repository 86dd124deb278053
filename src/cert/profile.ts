/**
 * RFC 5280 certificate-profile rules that make a certificate unfit for any path, whatever its
 * position: the checks OpenSSL applies with X509_V_FLAG_X509_STRICT (the default of Python 3.13's
 * `ssl.create_default_context()`) and pyca/cryptography's verifier applies, plus the few CA/B Forum
 * Baseline Requirements a TLS server certificate must meet. Each broken rule is one defect string
 * (reported as MALFORMED_CERTIFICATE). Pure.
 */
import type { Certificate } from "../types.js";
import { OID } from "../asn1/oids.js";

/** What the rules read: the parsed certificate, before its defect list is final. */
export type ProfileInput = Omit<Certificate, "defects">;

/** Is the extension `oid` present and critical? */
export function isCritical(cert: ProfileInput, oid: string): boolean {
  return cert.extensions.some((e) => e.oid === oid && e.critical);
}

/** Criticality rules (RFC 5280 §4.2.1.1, §4.2.1.2, §4.2.1.9, §4.2.2.1). */
function criticalityDefects(cert: ProfileInput): string[] {
  const out: string[] = [];
  if (isCritical(cert, OID.authorityKeyIdentifier)) out.push("authorityKeyIdentifier is critical (RFC 5280 §4.2.1.1: MUST be non-critical)");
  if (isCritical(cert, OID.subjectKeyIdentifier)) out.push("subjectKeyIdentifier is critical (RFC 5280 §4.2.1.2: MUST be non-critical)");
  if (isCritical(cert, OID.authorityInfoAccess)) out.push("authorityInfoAccess is critical (RFC 5280 §4.2.2.1: MUST be non-critical)");
  if (cert.basicConstraints?.cA && !isCritical(cert, OID.basicConstraints)) {
    out.push("basicConstraints of a CA certificate is not critical (RFC 5280 §4.2.1.9: MUST be critical)");
  }
  return out;
}

/**
 * A CA must carry a subjectKeyIdentifier (§4.2.1.2) and a keyUsage (§4.2.1.3: "MUST be present in certificates
 * that contain public keys that are used to validate digital signatures on other public key certificates";
 * OpenSSL's X509_STRICT checks both on every certificate of the path, the trust anchor included, and Python >= 3.13
 * sets X509_STRICT by default). The authorityKeyIdentifier rules depend on the position (a trust anchor needs none,
 * and one it carries is not judged either, as OpenSSL exempts the last certificate): src/validate/checks/issued.ts.
 */
function caDefects(cert: ProfileInput): string[] {
  const out: string[] = [];
  if (cert.version !== 3 || !cert.basicConstraints?.cA) return out;
  if (!cert.subjectKeyId) out.push("CA certificate without subjectKeyIdentifier (RFC 5280 §4.2.1.2)");
  if (!cert.extensions.some((e) => e.oid === OID.keyUsage)) {
    out.push("CA certificate without keyUsage (RFC 5280 §4.2.1.3; OpenSSL's X509_STRICT, and so Python >= 3.13, rejects it)");
  }
  return out;
}

/** Subject rules (RFC 5280 §4.1.2.6, §4.2.1.6). Rules for server certificates only are in src/validate/checks/issued.ts. */
function subjectDefects(cert: ProfileInput): string[] {
  const out: string[] = [];
  const emptySubject = cert.subjectRdns.length === 0;
  if (cert.basicConstraints?.cA && emptySubject) out.push("CA certificate with an empty subject (RFC 5280 §4.1.2.6)");
  if (emptySubject && cert.san && !isCritical(cert, OID.subjectAltName)) {
    out.push("empty subject with a non-critical subjectAltName (RFC 5280 §4.2.1.6: MUST be critical)");
  }
  return out;
}

/** A dNSName in the preferred name syntax (RFC 1034 §3.5, RFC 1123 §2.1), `*` allowed as the whole first label. */
const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;
function isPreferredDnsName(name: string): boolean {
  if (name.length === 0 || name.length > 253) return false;
  const labels = name.split(".");
  return labels.every((label, i) => DNS_LABEL.test(label) || (i === 0 && label === "*" && labels.length > 1));
}

/**
 * subjectAltName dNSName entries MUST be in the preferred name syntax (RFC 5280 §4.2.1.6): no
 * underscore, no leading or empty label. A malformed name can neither match a host nor be judged
 * against name constraints (pyca/cryptography rejects it; x509-limbo rfc5280::san::underscore-dns,
 * rfc5280::nc::nc-permits-invalid-dns-san).
 */
function nameDefects(cert: ProfileInput): string[] {
  const bad = (cert.san?.dns ?? []).filter((n) => !isPreferredDnsName(n));
  return bad.length > 0 ? [`subjectAltName dNSName ${bad.map((n) => JSON.stringify(n)).join(", ")} not in the preferred name syntax (RFC 5280 §4.2.1.6)`] : [];
}

/** Every profile defect of `cert`, whatever its position in a path. */
export function profileDefects(cert: ProfileInput): string[] {
  return [...criticalityDefects(cert), ...caDefects(cert), ...subjectDefects(cert), ...nameDefects(cert)];
}
