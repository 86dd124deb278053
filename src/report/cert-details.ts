/**
 * The extension details `--verbose` and the HTML page show for a certificate (basic constraints, key
 * usage, EKU, name constraints, AIA, key ids, algorithms), read back from the PEM the result carries.
 * Pure: parsing is chaincheck's own DER parser. Values hold raw certificate text: renderers escape it.
 */
import type { Certificate, GeneralSubtrees } from "../types.js";
import { parseCertificate } from "../cert/parse.js";
import { pemToDer } from "../cert/pem.js";
import { formatIp } from "../cert/ip.js";
import { EKU_NAMES, OID } from "../asn1/oids.js";

/** One labelled line of detail, e.g. `{ label: "key usage", value: "digitalSignature (critical)" }`. */
export interface Detail {
  readonly label: string;
  readonly value: string;
}

function criticality(cert: Certificate, oid: string): string {
  const ext = cert.extensions.find((e) => e.oid === oid);
  return ext?.critical ? " (critical)" : "";
}

function subtrees(t: GeneralSubtrees): string {
  const parts = [
    ...t.dns.map((d) => `DNS:${d}`),
    ...t.ip.map((ip) => `IP:${formatIp(ip.address)}/${ip.prefix}`),
    ...t.email.map((e) => `email:${e}`),
    ...t.uri.map((u) => `URI:${u}`),
    ...(t.directoryNames.length ? [`${t.directoryNames.length} directoryName(s)`] : []),
    ...(t.unsupported ? [`${t.unsupported} other form(s)`] : []),
  ];
  return parts.length ? parts.join(", ") : "none";
}

function keyWords(cert: Certificate): string {
  const k = cert.publicKey;
  return [k.type.toUpperCase(), k.bits ? `${k.bits} bits` : "", k.curve ?? ""].filter(Boolean).join(" ");
}

/** Details of one certificate, in a fixed order; absent extensions are said to be absent where that matters. */
export function certificateDetails(pem: string): Detail[] {
  let cert: Certificate;
  try {
    cert = parseCertificate(pemToDer(pem));
  } catch (err) {
    return [{ label: "details", value: `could not be decoded (${err instanceof Error ? err.message : String(err)})` }];
  }
  const bc = cert.basicConstraints;
  const details: Detail[] = [
    { label: "version", value: `v${cert.version}, serial ${cert.serialNumber}` },
    { label: "signature", value: cert.signatureAlgorithm.name },
    { label: "public key", value: keyWords(cert) },
    {
      label: "basic constraints",
      value: bc ? `${bc.cA ? "CA" : "not a CA"}${bc.pathLen !== undefined ? `, path length at most ${bc.pathLen}` : ""}${criticality(cert, OID.basicConstraints)}` : "absent",
    },
    { label: "key usage", value: cert.keyUsage ? `${cert.keyUsage.join(", ") || "none"}${criticality(cert, OID.keyUsage)}` : "absent (any)" },
    {
      label: "extended key usage",
      value: cert.extKeyUsage ? `${cert.extKeyUsage.map((o) => EKU_NAMES[o] ?? o).join(", ")}${criticality(cert, OID.extKeyUsage)}` : "absent (any)",
    },
  ];
  const nc = cert.nameConstraints;
  if (nc) {
    details.push({
      label: "name constraints",
      value: `permitted: ${nc.permitted ? subtrees(nc.permitted) : "any"}; excluded: ${nc.excluded ? subtrees(nc.excluded) : "none"}${criticality(cert, OID.nameConstraints)}`,
    });
  }
  if (cert.caIssuers.length || cert.ocspUrls.length) {
    details.push({ label: "AIA", value: [...cert.caIssuers.map((u) => `caIssuers ${u}`), ...cert.ocspUrls.map((u) => `OCSP ${u}`)].join(", ") });
  }
  if (cert.subjectKeyId) details.push({ label: "subject key id", value: cert.subjectKeyId });
  if (cert.authorityKeyId) details.push({ label: "authority key id", value: cert.authorityKeyId });
  if (cert.unknownCriticalExtensions.length) details.push({ label: "unknown critical", value: cert.unknownCriticalExtensions.join(", ") });
  if (cert.defects.length) details.push({ label: "defects", value: cert.defects.join("; ") });
  return details;
}
