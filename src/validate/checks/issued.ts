/**
 * Rules for a certificate issued by a CA, i.e. any certificate of a path except the trust anchor
 * (checked per link, on the child). They depend on the position, so they are not parse defects:
 * a trust anchor given by the store is exempt, as in OpenSSL's X509_V_FLAG_X509_STRICT checks.
 */
import type { Certificate } from "../../types.js";
import type { Finding } from "../../findings/finding.js";
import { makeFinding } from "../../findings/finding.js";

/**
 * Rules for the server (end-entity) certificate a CA issued. A certificate used as an issuer is
 * judged by the issuer checks instead (NOT_A_CA, KEY_USAGE_INVALID say it better there).
 */
function serverCertificateDefects(leaf: Certificate): string[] {
  const out: string[] = [];
  const ca = leaf.basicConstraints?.cA === true;
  // RFC 5280 §4.2.1.9: without cA, keyCertSign MUST NOT be asserted.
  if (!ca && leaf.keyUsage?.includes("keyCertSign")) out.push("keyCertSign key usage without basicConstraints cA (RFC 5280 §4.2.1.9)");
  // CA/B Forum BR 7.1.2.7.8: cA MUST be FALSE in a server certificate; with a key usage that cannot
  // sign certificates the claim is also inconsistent (a CA-as-leaf that may sign still passes).
  if (ca && leaf.keyUsage && !leaf.keyUsage.includes("keyCertSign")) out.push("basicConstraints cA=TRUE but keyUsage lacks keyCertSign (CA/B Forum BR 7.1.2.7.8)");
  // RFC 5280 §4.2.1.10: name constraints MUST be used only in a CA certificate.
  if (!ca && leaf.nameConstraints) out.push("nameConstraints in a certificate that is not a CA (RFC 5280 §4.2.1.10)");
  return out;
}

/**
 * `isLeaf`: `child` is the end-entity certificate (an intermediate's key usage is judged as an issuer's).
 * Never called on the trust anchor that ends a path: a missing authorityKeyIdentifier, or one without a
 * keyIdentifier, is a defect of an issued certificate only (OpenSSL's X509_STRICT exempts the last certificate),
 * so an anchor is judged the same whether or not it carries an AKI.
 */
export function checkIssued(child: Certificate, isLeaf: boolean): Finding[] {
  const defects: string[] = [];
  // RFC 5280 §4.2.1.1: keyIdentifier MUST be in every certificate a conforming CA issues; only a
  // self-signed certificate may omit it (OpenSSL strict: X509_V_ERR_MISSING_AUTHORITY_KEY_IDENTIFIER).
  if (child.version === 3 && !child.selfSigned && child.authorityKeyId === undefined) {
    defects.push("no authorityKeyIdentifier keyIdentifier, which RFC 5280 §4.2.1.1 requires in every certificate a CA issues");
  }
  if (isLeaf) defects.push(...serverCertificateDefects(child));
  return defects.length > 0 ? [makeFinding("MALFORMED_CERTIFICATE", child, { defects })] : [];
}
