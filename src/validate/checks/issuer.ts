/**
 * Checks of one link: `issuer` certifying the top of `path` (RFC 5280 §6.1.3 and §6.1.4).
 * Signature, CA status, key usage, path length, EKU, name constraints, dates and key strength.
 */
import type { Certificate, NameConstraints } from "../../types.js";
import type { Finding } from "../../findings/finding.js";
import { makeFinding } from "../../findings/finding.js";
import { EKU_NAMES, OID } from "../../asn1/oids.js";
import { checkNameConstraints, comparisonCount, MAX_NAME_CONSTRAINT_COMPARISONS } from "../name-constraints.js";
import { checkValidity } from "./dates.js";
import { checkWellFormed } from "./extensions.js";
import { checkIssued } from "./issued.js";
import { checkKeyStrength, checkSignatureStrength } from "./strength.js";

export interface LinkContext {
  readonly at: Date;
  readonly isTrusted: (cert: Certificate) => boolean;
  /** Cached signature verification of `subject` by `issuer`'s key. */
  readonly signatureValid: (subject: Certificate, issuer: Certificate) => boolean;
}

export function ekuNames(oids: readonly string[]): string[] {
  return oids.map((oid) => EKU_NAMES[oid] ?? oid);
}

/**
 * OpenSSL's sslserver purpose (X509_check_purpose, which Node and Python use): an extendedKeyUsage, on any
 * certificate of the path (the trust anchor included), must list serverAuth itself (anyExtendedKeyUsage is not
 * enough); on the server certificate a Netscape certificate type must include SSL server (on a CA with
 * basicConstraints cA it is ignored, as OpenSSL 3 does). Netscape Server Gated Crypto EKUs, which OpenSSL still
 * takes for serverAuth, are not accepted: Chrome and rustls/webpki refuse them.
 */
export function checkServerPurpose(cert: Certificate, role: "issuer" | "leaf"): Finding[] {
  const eku = cert.extKeyUsage;
  if (eku && !eku.includes(OID.serverAuth)) {
    const rule = eku.includes(OID.anyExtendedKeyUsage) ? "any-eku-only" : "eku";
    return [makeFinding("EKU_NOT_SERVER_AUTH", cert, { role, eku: ekuNames(eku), rule })];
  }
  const netscape = cert.netscapeCertType;
  if (role === "leaf" && netscape && !netscape.includes("sslServer")) {
    return [makeFinding("EKU_NOT_SERVER_AUTH", cert, { role, eku: netscape, rule: "netscape-cert-type" })];
  }
  return [];
}

/** A CA, or a version 1 self-issued trust anchor (OpenSSL accepts those as roots). */
function isCa(cert: Certificate, trusted: boolean): boolean {
  return cert.basicConstraints?.cA === true || (trusted && cert.version === 1 && cert.selfIssued);
}

/** Intermediate CAs between `issuer` and the leaf, self-issued ones excepted (RFC 5280 §6.1.4 (l)). */
function intermediatesBelow(path: readonly Certificate[]): number {
  return path.slice(1).filter((c) => !c.selfIssued).length;
}

/** Constraints apply to every certificate below, except self-issued intermediates (§6.1.3 (b)). */
function nameConstraintFindings(path: readonly Certificate[], issuer: Certificate, constraints: NameConstraints): Finding[] {
  const subjects = path.filter((cert, index) => index === 0 || !cert.selfIssued);
  const work = comparisonCount(subjects, constraints);
  if (work > MAX_NAME_CONSTRAINT_COMPARISONS) {
    return [makeFinding("PATH_BUDGET_EXCEEDED", null, { limit: { kind: "name-comparisons", issuer: issuer.subject, needed: work, max: MAX_NAME_CONSTRAINT_COMPARISONS } })];
  }
  return subjects.flatMap((cert) => checkNameConstraints(cert, constraints).map((v) => makeFinding("NAME_CONSTRAINTS_VIOLATION", issuer, v)));
}

export function checkLink(path: readonly Certificate[], issuer: Certificate, ctx: LinkContext): Finding[] {
  const child = path[path.length - 1]!;
  const out: Finding[] = [];
  if (!ctx.signatureValid(child, issuer)) {
    out.push(makeFinding("BAD_SIGNATURE", child, { issuer: issuer.subject, issuerSha256: issuer.sha256 }));
  }
  // The algorithm is the child's own: weak whoever the issuer is.
  out.push(...checkSignatureStrength(child));
  if (!isCa(issuer, ctx.isTrusted(issuer))) out.push(makeFinding("NOT_A_CA", issuer, {}));
  if (issuer.keyUsage && !issuer.keyUsage.includes("keyCertSign")) {
    out.push(makeFinding("KEY_USAGE_INVALID", issuer, { role: "issuer", keyUsage: issuer.keyUsage }));
  }
  const pathLen = issuer.basicConstraints?.pathLen;
  const below = intermediatesBelow(path);
  if (pathLen !== undefined && below > pathLen) out.push(makeFinding("PATH_LENGTH_EXCEEDED", issuer, { pathLen, below }));
  out.push(...checkServerPurpose(issuer, "issuer"));
  if (issuer.nameConstraints) out.push(...nameConstraintFindings(path, issuer, issuer.nameConstraints));
  out.push(...checkIssued(child, path.length === 1), ...checkValidity(issuer, ctx.at), ...checkWellFormed(issuer), ...checkKeyStrength(issuer));
  return out;
}
