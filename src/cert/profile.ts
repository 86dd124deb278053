/**
 * RFC 5280 certificate-profile rules that make a certificate unfit for any path, whatever its
 * position: the checks OpenSSL applies with X509_V_FLAG_X509_STRICT (the default of Python 3.13's
 * `ssl.create_default_context()`) and pyca/cryptography's verifier applies, plus the few CA/B Forum
 * Baseline Requirements a TLS server certificate must meet. Each broken rule is one defect string
 * (reported as MALFORMED_CERTIFICATE). Pure.
 */
import type { Certificate } from "../types.js";
import type { AuthorityKeyId } from "./extensions.js";
import { OID } from "./oids.js";

/** The DER of an empty Name (SEQUENCE {}). */
const EMPTY_NAME = "3000";

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
 * Key identifiers: an AKI must carry keyIdentifier (§4.2.1.1), a CA must carry an SKI (§4.2.1.2),
 * and a self-signed certificate's AKI must identify the certificate itself (§4.2.1.1: its fields
 * identify the issuer's key, name and serial; here the issuer is the certificate).
 */
function keyIdDefects(cert: ProfileInput, aki: AuthorityKeyId | undefined): string[] {
  const out: string[] = [];
  if (cert.version === 3 && cert.basicConstraints?.cA && !cert.subjectKeyId) {
    out.push("CA certificate without subjectKeyIdentifier (RFC 5280 §4.2.1.2)");
  }
  if (!aki) return out;
  if (aki.keyId === undefined) out.push("authorityKeyIdentifier without keyIdentifier (RFC 5280 §4.2.1.1)");
  if (cert.selfSigned) {
    const wrongKey = aki.keyId !== undefined && cert.subjectKeyId !== undefined && aki.keyId !== cert.subjectKeyId;
    const wrongSerial = aki.certSerial !== undefined && aki.certSerial !== cert.serialNumber;
    const wrongIssuer = aki.certIssuers.length > 0 && !aki.certIssuers.includes(cert.issuerKey);
    if (wrongKey || wrongSerial || wrongIssuer) {
      out.push(`self-signed certificate whose authorityKeyIdentifier ${wrongKey ? "key id differs from its own subjectKeyIdentifier" : "names another issuer or serial number"} (RFC 5280 §4.2.1.1)`);
    }
  }
  return out;
}

/** Subject rules (RFC 5280 §4.1.2.6, §4.2.1.6). Rules for server certificates only are in src/validate/checks/issued.ts. */
function subjectDefects(cert: ProfileInput): string[] {
  const out: string[] = [];
  const emptySubject = cert.subjectKey === EMPTY_NAME;
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

/** Every profile defect of `cert`. `aki` is its decoded authorityKeyIdentifier, when present. */
export function profileDefects(cert: ProfileInput, aki: AuthorityKeyId | undefined): string[] {
  return [...criticalityDefects(cert), ...keyIdDefects(cert, aki), ...subjectDefects(cert), ...nameDefects(cert)];
}
