/**
 * The project's one certificate issuer: fixtures (fixtures/gen), `chaincheck demo` and tests that need
 * certificates at run time all come through `issueCertificate`. Built on @peculiar/x509 and node's WebCrypto;
 * both heavy modules load lazily so that importing this file costs nothing at start-up.
 */
import { X509Certificate as NodeX509, webcrypto } from "node:crypto";
import type * as X509 from "@peculiar/x509";
import type { KeyUsageName } from "../types.js";
import { OID } from "../asn1/oids.js";
import { nameConstraintsDer } from "./name-constraints.js";
import type { NameConstraintsSpec } from "./name-constraints.js";
import { importSigningKey, keyIdentifier, publicKeyObject, spkiDer } from "./keys.js";
import type { HashName, KeyPairPem } from "./keys.js";

export type { NameConstraintsSpec } from "./name-constraints.js";
export { generateKey, keyFromPem, keyIdentifier } from "./keys.js";
export type { HashName, KeyKind, KeyPairPem } from "./keys.js";

/** An extension given as raw DER (its extnValue contents). */
export interface RawExtension {
  readonly oid: string;
  readonly critical: boolean;
  readonly valueDer: Uint8Array;
}

/** Everything that goes into one certificate. */
export interface IssueSpec {
  /** RFC 4514 string, most specific RDN first ("CN=Chaincheck Test Root, O=chaincheck"). */
  readonly subject: string;
  /** The subject's key pair: its public key goes into the certificate. */
  readonly key: KeyPairPem;
  /** Issuer name and signing key; absent = self-signed with `key`. A key other than the issuer's real one gives a bad signature. */
  readonly issuer?: { readonly subject: string; readonly key: KeyPairPem };
  /** Serial number, positive, hex. */
  readonly serial: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** basicConstraints (critical) when defined; no extension when undefined. */
  readonly ca?: boolean;
  readonly pathLen?: number;
  /** null = no extension. Default: CA keyCertSign+cRLSign; otherwise digitalSignature (+keyEncipherment for RSA). */
  readonly keyUsage?: readonly KeyUsageName[] | null;
  /** Dotted OIDs; null = no extension. Default: serverAuth for non-CA certificates, none for CAs. */
  readonly extKeyUsage?: readonly string[] | null;
  /** subjectAltName entries; no extension when both are empty. */
  readonly dnsNames?: readonly string[];
  readonly ipAddresses?: readonly string[];
  /** nameConstraints (critical, RFC 5280 section 4.2.1.10). */
  readonly nameConstraints?: NameConstraintsSpec;
  /** subjectKeyIdentifier, default true. */
  readonly subjectKeyId?: boolean;
  /** authorityKeyIdentifier: default true when `issuer` is set; a hex string forces that key identifier. */
  readonly authorityKeyId?: boolean | string;
  /** AIA caIssuers URL. */
  readonly caIssuersUrl?: string;
  readonly extraExtensions?: readonly RawExtension[];
  /** Digest of RSA (PKCS#1 v1.5 or PSS) and ECDSA signatures; default SHA-256, or the curve's size for ECDSA. */
  readonly hash?: HashName;
  /** Sign with RSASSA-PSS (RSA issuer keys only). */
  readonly rsaPss?: boolean;
}

/** An issued certificate. */
export interface IssuedCertificate {
  readonly der: Uint8Array;
  readonly pem: string;
}

/** Well-known extended key usage OIDs (RFC 5280 section 4.2.1.12). */
export const EKU = {
  serverAuth: OID.serverAuth,
  clientAuth: OID.clientAuth,
  codeSigning: OID.codeSigning,
  emailProtection: OID.emailProtection,
  anyExtendedKeyUsage: OID.anyExtendedKeyUsage,
} as const;

type X509Module = typeof X509;

let x509Module: Promise<X509Module> | undefined;

/** @peculiar/x509 is CommonJS and needs reflect-metadata loaded first (it throws otherwise). */
function loadX509(): Promise<X509Module> {
  x509Module ??= import("reflect-metadata").then(() => import("@peculiar/x509"));
  return x509Module;
}

const KEY_USAGE_BITS: Record<KeyUsageName, number> = {
  digitalSignature: 1, nonRepudiation: 2, keyEncipherment: 4, dataEncipherment: 8, keyAgreement: 16,
  keyCertSign: 32, cRLSign: 64, encipherOnly: 128, decipherOnly: 256,
};

/** The key usage a certificate gets when the spec does not say. */
export function defaultKeyUsage(spec: Pick<IssueSpec, "ca" | "key">): KeyUsageName[] {
  if (spec.ca === true) return ["keyCertSign", "cRLSign"];
  // keyEncipherment is for RSA key transport only (RFC 8813 section 3 forbids it for EC keys).
  return spec.key.kind.startsWith("rsa") ? ["digitalSignature", "keyEncipherment"] : ["digitalSignature"];
}

/**
 * Issues (signs) one certificate. The result is checked before it is returned: node:crypto must parse it and
 * its signature must verify with the signing key, so a broken certificate never reaches a fixture or a test.
 */
export async function issueCertificate(spec: IssueSpec): Promise<IssuedCertificate> {
  const x509 = await loadX509();
  const signer = spec.issuer ?? { subject: spec.subject, key: spec.key };
  const hash = spec.hash ?? defaultHash(signer.key);
  const signing = await importSigningKey(signer.key, hash, spec.rsaPss === true);
  const cert = await x509.X509CertificateGenerator.create(
    {
      serialNumber: serialHex(spec.serial),
      subject: rfc4514Name(x509, spec.subject),
      issuer: rfc4514Name(x509, signer.subject),
      notBefore: spec.notBefore,
      notAfter: spec.notAfter,
      publicKey: spkiDer(spec.key),
      signingKey: signing.cryptoKey,
      signingAlgorithm: signing.signingAlgorithm,
      extensions: buildExtensions(x509, spec),
    },
    webcrypto,
  );
  const der = new Uint8Array(cert.rawData);
  const parsed = new NodeX509(der);
  if (!parsed.verify(publicKeyObject(signer.key))) {
    throw new Error(`issued certificate ${spec.subject} does not verify with its signing key`);
  }
  return { der, pem: parsed.toString() };
}

function defaultHash(key: KeyPairPem): HashName {
  return key.kind === "p384" ? "SHA-384" : key.kind === "p521" ? "SHA-512" : "SHA-256";
}

/** Hex serial, even length; zero or negative serials are refused (RFC 5280 section 4.1.2.2). */
function serialHex(serial: string): string {
  const hex = serial.replace(/^0x/i, "").toLowerCase();
  if (!/^[0-9a-f]+$/.test(hex) || /^0+$/.test(hex)) throw new Error(`serial must be positive hex: ${serial}`);
  return hex.length % 2 ? `0${hex}` : hex;
}

/**
 * RFC 4514 strings list the most specific RDN first; DER order is the reverse. @peculiar/x509 keeps the
 * string's order, so the parsed RDNs are reversed before encoding.
 */
function rfc4514Name(x509: X509Module, text: string): X509.Name {
  return new x509.Name(new x509.Name(text).toJSON().reverse());
}

function buildExtensions(x509: X509Module, spec: IssueSpec): X509.Extension[] {
  const ext: X509.Extension[] = [];
  if (spec.ca !== undefined) ext.push(new x509.BasicConstraintsExtension(spec.ca, spec.pathLen, true));
  const keyUsage = spec.keyUsage === undefined ? defaultKeyUsage(spec) : spec.keyUsage;
  if (keyUsage !== null) {
    const bits = keyUsage.reduce((acc, name) => acc | KEY_USAGE_BITS[name], 0);
    ext.push(new x509.KeyUsagesExtension(bits, true));
  }
  const eku = spec.extKeyUsage === undefined ? (spec.ca === true ? null : [EKU.serverAuth]) : spec.extKeyUsage;
  if (eku !== null && eku !== undefined) ext.push(new x509.ExtendedKeyUsageExtension([...eku], false));
  const san = [
    ...(spec.dnsNames ?? []).map((value) => ({ type: "dns" as const, value })),
    ...(spec.ipAddresses ?? []).map((value) => ({ type: "ip" as const, value })),
  ];
  if (san.length) ext.push(new x509.SubjectAlternativeNameExtension(san, false));
  if (spec.nameConstraints) ext.push(new x509.Extension(OID.nameConstraints, true, nameConstraintsDer(spec.nameConstraints)));
  if (spec.subjectKeyId !== false) ext.push(new x509.SubjectKeyIdentifierExtension(keyIdentifier(spec.key), false));
  const aki = spec.authorityKeyId ?? spec.issuer !== undefined;
  if (aki !== false) {
    const id = typeof aki === "string" ? aki : keyIdentifier(spec.issuer?.key ?? spec.key);
    ext.push(new x509.AuthorityKeyIdentifierExtension(id, false));
  }
  if (spec.caIssuersUrl) ext.push(new x509.AuthorityInfoAccessExtension({ caIssuers: spec.caIssuersUrl }, false));
  for (const e of spec.extraExtensions ?? []) ext.push(new x509.Extension(e.oid, e.critical, e.valueDer));
  return ext;
}
