/**
 * Certificates padded with a large non-critical private extension, to make a presented chain exceed a TLS library's
 * size limit (OpenSSL's 100 KiB max_cert_list). Issued with chaincheck's own issuer (self-signed CAs, P-256).
 */
import { generateKey, issueCertificate, type IssuedCertificate } from "../../src/pki/issue.js";

/** `count` distinct self-signed CA certificates of roughly `padBytes` + 400 bytes each. */
export async function paddedCertificates(count: number, padBytes = 8192): Promise<IssuedCertificate[]> {
  const key = await generateKey("p256");
  const octets = Uint8Array.from([0x04, 0x82, padBytes >> 8, padBytes & 0xff, ...new Uint8Array(padBytes)]);
  const out: IssuedCertificate[] = [];
  for (let i = 0; i < count; i++) {
    out.push(await issueCertificate({
      subject: `CN=chaincheck padding ${i}`, key, serial: (0x100 + i).toString(16), ca: true,
      notBefore: new Date("2025-01-01T00:00:00Z"), notAfter: new Date("2049-01-01T00:00:00Z"),
      extraExtensions: [{ oid: "1.3.6.1.4.1.55555.1", critical: false, valueDer: octets }],
    }));
  }
  return out;
}
