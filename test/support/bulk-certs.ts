/**
 * Many distinct, valid self-signed CA certificates, fast: one template issued with the project's issuer
 * (Ed25519, so every signature has the same length), then for each copy the serial and the common name are
 * rewritten in place (same length) and the TBSCertificate signed again with node:crypto. 10,000 take well
 * under a second. For trust-store size tests (corporate bundles).
 */
import { X509Certificate, createPrivateKey, sign } from "node:crypto";
import { generateKey, issueCertificate } from "../../src/pki/issue.js";
import { encodePem } from "../../src/cert/pem.js";
import { children, readTlv } from "../../src/asn1/der.js";

const CN_MARK = "Bulk Root 000000";
const SERIAL_MARK = "5eeded0000000001";

/** PEM text of `count` distinct self-signed roots "CN=Bulk Root NNNNNN". */
export async function bulkRootsPem(count: number): Promise<string> {
  const key = await generateKey("ed25519");
  const template = await issueCertificate({
    subject: `CN=${CN_MARK}, O=chaincheck bulk`, key, serial: SERIAL_MARK, ca: true,
    notBefore: new Date("2025-01-01T00:00:00Z"), notAfter: new Date("2049-12-31T23:59:59Z"),
  });
  const der = Buffer.from(template.der);
  const tbs = children(readTlv(der, 0))[0]!;
  const tbsStart = tbs.start;
  const tbsEnd = tbs.end;
  const cn = Buffer.from(CN_MARK, "latin1");
  const cnOffsets = [der.indexOf(cn), der.lastIndexOf(cn)];
  const serialOffset = der.indexOf(Buffer.from(SERIAL_MARK, "hex"));
  const privateKey = createPrivateKey(key.privateKeyPem);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const copy = Buffer.from(der);
    const digits = Buffer.from(`Bulk Root ${String(i).padStart(6, "0")}`, "latin1");
    for (const at of cnOffsets) digits.copy(copy, at);
    copy.writeUInt32BE(i + 1, serialOffset + 4);
    sign(null, copy.subarray(tbsStart, tbsEnd), privateKey).copy(copy, copy.length - 64);
    out.push(encodePem(copy));
  }
  // The last copy must still be a certificate node:crypto reads, signed by its own key.
  const last = new X509Certificate(out[out.length - 1]!);
  if (!last.verify(last.publicKey)) throw new Error("bulk certificate does not verify");
  return out.join("");
}
