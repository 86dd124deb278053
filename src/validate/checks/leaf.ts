/** Checks of the end-entity certificate itself: dates, name, usage, form and key strength. */
import type { Certificate, Finding } from "../../types.js";
import { makeFinding } from "../../findings/finding.js";
import { checkHostname, namesOf } from "../hostname.js";
import { checkValidity } from "./dates.js";
import { checkWellFormed } from "./extensions.js";
import { allowsServerAuth, ekuNames } from "./issuer.js";
import { checkKeyStrength } from "./strength.js";

/** Key usages a TLS server key can work with: signing (ECDHE/TLS 1.3) or RSA key transport / ECDH. */
const TLS_SERVER_KEY_USAGES = ["digitalSignature", "keyEncipherment", "keyAgreement"];

export function checkLeaf(leaf: Certificate, host: string | null, at: Date): Finding[] {
  const out: Finding[] = [...checkValidity(leaf, at)];
  if (host) {
    const { matches, cnOnly } = checkHostname(leaf, host);
    if (!matches) out.push(makeFinding("HOSTNAME_MISMATCH", leaf, { host, names: namesOf(leaf), cnOnly }));
  } else {
    out.push(makeFinding("HOSTNAME_NOT_CHECKED", null, {}));
  }
  if (!allowsServerAuth(leaf)) {
    out.push(makeFinding("EKU_NOT_SERVER_AUTH", leaf, { role: "leaf", eku: ekuNames(leaf.extKeyUsage ?? []) }));
  }
  if (leaf.keyUsage && !leaf.keyUsage.some((u) => TLS_SERVER_KEY_USAGES.includes(u))) {
    out.push(makeFinding("KEY_USAGE_INVALID", leaf, { role: "leaf", keyUsage: leaf.keyUsage }));
  }
  out.push(...checkWellFormed(leaf), ...checkKeyStrength(leaf));
  return out;
}
