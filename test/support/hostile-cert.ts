/**
 * A certificate whose names are an attack on the report: the subject CN holds ANSI escape sequences
 * (clear screen, red, OSC window title), a BEL, a newline, a right-to-left override and `<script>`;
 * the SANs hold ESC and HTML. @peculiar/x509's name parser refuses a newline, so the certificate is
 * issued with a same-length placeholder CN (UTF8String), the placeholder bytes are replaced in the DER
 * and the TBSCertificate is signed again (self-signed, ECDSA P-256), so it still verifies.
 */
import { sign } from "node:crypto";
import { encodePem } from "../../src/cert/pem.js";
import { children, encoding, readRoot, tlv } from "../../src/asn1/der.js";
import { generateKey, issueCertificate } from "../../src/pki/issue.js";

/** The hostile common name, exactly as stored in the certificate. */
export const HOSTILE_CN = "evil\u001b[2J\u001b[H\u001b[31mRED\u001b]0;pwned\u0007\nforged line\u202eRLO<script>alert(1)</script>";
export const HOSTILE_DNS = ["esc\u001b[2J.example", "<img src=x onerror=alert(2)>.example"];

export interface HostileCertificate {
  readonly pem: string;
  readonly der: Uint8Array;
  /** PKCS#8 PEM of its key, for a TLS server that presents it. */
  readonly keyPem: string;
}

function replaceAll(haystack: Uint8Array, needle: Uint8Array, replacement: Uint8Array): Uint8Array {
  const out = Uint8Array.from(haystack);
  let count = 0;
  for (let i = 0; i + needle.length <= out.length; i++) {
    if (needle.every((b, j) => out[i + j] === b)) {
      out.set(replacement, i);
      count++;
    }
  }
  if (count === 0) throw new Error("placeholder not found in the certificate");
  return out;
}

export async function makeHostileCertificate(): Promise<HostileCertificate> {
  const hostile = Buffer.from(HOSTILE_CN, "utf8");
  // U+202E forces a UTF8String; the X padding makes the placeholder as long as the hostile value.
  const placeholder = Buffer.from(`\u202e${"X".repeat(hostile.length - 3)}`, "utf8");
  const key = await generateKey("p256");
  const issued = await issueCertificate({
    subject: `CN=${placeholder.toString("utf8")}, O=chaincheck hostile test`,
    key,
    serial: "0bad",
    notBefore: new Date("2025-01-01T00:00:00Z"),
    notAfter: new Date("2049-12-31T00:00:00Z"),
    dnsNames: HOSTILE_DNS,
  });
  const [tbs, algorithm] = children(readRoot(issued.der));
  const patchedTbs = replaceAll(encoding(tbs!), placeholder, hostile);
  const signature = sign("sha256", patchedTbs, key.privateKeyPem);
  const bitString = tlv(0x03, Uint8Array.from([0, ...signature]));
  const der = tlv(0x30, Uint8Array.from([...patchedTbs, ...encoding(algorithm!), ...bitString]));
  return { der, pem: encodePem(der), keyPem: key.privateKeyPem };
}
