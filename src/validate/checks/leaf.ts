/** Checks of the end-entity certificate itself: dates, name, usage, form and key strength. */
import type { Certificate } from "../../types.js";
import type { Finding } from "../../findings/finding.js";
import { makeFinding } from "../../findings/finding.js";
import { checkHostname, namesOf } from "../hostname.js";
import { checkValidity } from "./dates.js";
import { checkWellFormed } from "./extensions.js";
import { checkServerPurpose } from "./issuer.js";
import { checkKeyStrength } from "./strength.js";
import { isCritical } from "../../cert/profile.js";
import { OID } from "../../asn1/oids.js";

/**
 * Key usages a TLS server key can work with: signing (ECDHE/TLS 1.3) or RSA key transport / ECDH, as OpenSSL's
 * sslserver purpose requires one of them (KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT | KU_KEY_AGREEMENT).
 */
const TLS_SERVER_KEY_USAGES = ["digitalSignature", "keyEncipherment", "keyAgreement"];

export function checkLeaf(leaf: Certificate, host: string | null, at: Date): Finding[] {
  const out: Finding[] = [...checkValidity(leaf, at)];
  if (host) {
    const { matches, cnOnly } = checkHostname(leaf, host);
    if (!matches) out.push(makeFinding("HOSTNAME_MISMATCH", leaf, { host, names: namesOf(leaf), cnOnly }));
  } else {
    out.push(makeFinding("HOSTNAME_NOT_CHECKED", null, {}));
  }
  out.push(...checkServerPurpose(leaf, "leaf"));
  if (leaf.keyUsage && !leaf.keyUsage.some((u) => TLS_SERVER_KEY_USAGES.includes(u))) {
    out.push(makeFinding("KEY_USAGE_INVALID", leaf, { role: "leaf", keyUsage: leaf.keyUsage }));
  }
  out.push(...checkWellFormed(leaf), ...checkKeyStrength(leaf));
  // CA/B Forum BR 7.1.2.7.12 (RFC 5280 §4.2.1.6 SHOULD): critical only beside an empty subject. An issuance
  // rule that no TLS client enforces, so a warning.
  if (leaf.subjectRdns.length > 0 && isCritical(leaf, OID.subjectAltName)) out.push(makeFinding("CRITICAL_SUBJECT_ALT_NAME", leaf, {}));
  return out;
}
