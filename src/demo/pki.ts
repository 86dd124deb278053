/** The demo's private CA, made in memory at run time: root -> intermediate -> leaf for localhost. */
import { generateKey, issueCertificate } from "../pki/issue.js";

export interface DemoPki {
  readonly rootPem: string;
  readonly intermediatePem: string;
  readonly leafPem: string;
  readonly leafKeyPem: string;
}

const HOUR_MS = 3_600_000;

export async function createDemoPki(now: Date): Promise<DemoPki> {
  const [rootKey, intermediateKey, leafKey] = await Promise.all([generateKey("p256"), generateKey("p256"), generateKey("p256")]);
  const notBefore = new Date(now.getTime() - HOUR_MS);
  const notAfter = new Date(now.getTime() + 365 * 24 * HOUR_MS);
  const root = { subject: "CN=chaincheck demo Root CA, O=chaincheck demo", key: rootKey };
  const intermediate = { subject: "CN=chaincheck demo Issuing CA, O=chaincheck demo", key: intermediateKey };
  const rootCert = await issueCertificate({ ...root, serial: "01", notBefore, notAfter, ca: true });
  const intermediateCert = await issueCertificate({ ...intermediate, issuer: root, serial: "02", notBefore, notAfter, ca: true, pathLen: 0 });
  const leafCert = await issueCertificate({
    subject: "CN=localhost, O=chaincheck demo",
    key: leafKey,
    issuer: intermediate,
    serial: "03",
    notBefore,
    notAfter,
    dnsNames: ["localhost"],
    ipAddresses: ["127.0.0.1", "::1"],
  });
  return { rootPem: rootCert.pem, intermediatePem: intermediateCert.pem, leafPem: leafCert.pem, leafKeyPem: leafKey.privateKeyPem };
}
