/** Object identifiers chaincheck reads, with the names reports show. Data only. */

export const OID = {
  // Extensions (RFC 5280 §4.2)
  subjectKeyIdentifier: "2.5.29.14",
  keyUsage: "2.5.29.15",
  subjectAltName: "2.5.29.17",
  issuerAltName: "2.5.29.18",
  basicConstraints: "2.5.29.19",
  nameConstraints: "2.5.29.30",
  crlDistributionPoints: "2.5.29.31",
  certificatePolicies: "2.5.29.32",
  policyMappings: "2.5.29.33",
  authorityKeyIdentifier: "2.5.29.35",
  policyConstraints: "2.5.29.36",
  extKeyUsage: "2.5.29.37",
  freshestCrl: "2.5.29.46",
  inhibitAnyPolicy: "2.5.29.54",
  authorityInfoAccess: "1.3.6.1.5.5.7.1.1",
  tlsFeature: "1.3.6.1.5.5.7.1.24",
  ctPrecertPoison: "1.3.6.1.4.1.11129.2.4.3",
  ctSctList: "1.3.6.1.4.1.11129.2.4.2",
  // Read for OpenSSL's sslserver purpose check, yet not "processed": Go rejects it when critical.
  netscapeCertType: "2.16.840.1.113730.1.1",
  // Access methods
  caIssuers: "1.3.6.1.5.5.7.48.2",
  ocsp: "1.3.6.1.5.5.7.48.1",
  // Extended key usages
  serverAuth: "1.3.6.1.5.5.7.3.1",
  clientAuth: "1.3.6.1.5.5.7.3.2",
  anyExtendedKeyUsage: "2.5.29.37.0",
  // Attributes
  commonName: "2.5.4.3",
} as const;

/**
 * Extensions chaincheck understands well enough that being critical is not a reason to reject.
 * Policy processing extensions (policyConstraints, policyMappings, inhibitAnyPolicy) are deliberately
 * absent: chaincheck does not evaluate policies, so when they are critical the certificate is
 * rejected (RFC 5280 §4.2: a verifier MUST reject unrecognised critical extensions).
 * certificatePolicies is accepted because a TLS client requests no particular policy (anyPolicy),
 * as OpenSSL, Go and webpki do.
 */
export const PROCESSED_EXTENSIONS: ReadonlySet<string> = new Set([
  OID.subjectKeyIdentifier, OID.keyUsage, OID.subjectAltName, OID.basicConstraints, OID.nameConstraints,
  OID.authorityKeyIdentifier, OID.extKeyUsage, OID.certificatePolicies, OID.authorityInfoAccess,
  OID.crlDistributionPoints, OID.freshestCrl, OID.issuerAltName, OID.ctSctList, OID.tlsFeature,
]);

export const EKU_NAMES: Readonly<Record<string, string>> = {
  [OID.serverAuth]: "serverAuth",
  [OID.clientAuth]: "clientAuth",
  "1.3.6.1.5.5.7.3.3": "codeSigning",
  "1.3.6.1.5.5.7.3.4": "emailProtection",
  "1.3.6.1.5.5.7.3.8": "timeStamping",
  "1.3.6.1.5.5.7.3.9": "OCSPSigning",
  [OID.anyExtendedKeyUsage]: "anyExtendedKeyUsage",
};

/** Short names of name attributes (RFC 4514 §3 and common extras). */
export const ATTRIBUTE_NAMES: Readonly<Record<string, string>> = {
  "2.5.4.3": "CN",
  "2.5.4.4": "SN",
  "2.5.4.5": "serialNumber",
  "2.5.4.6": "C",
  "2.5.4.7": "L",
  "2.5.4.8": "ST",
  "2.5.4.9": "STREET",
  "2.5.4.10": "O",
  "2.5.4.11": "OU",
  "2.5.4.12": "title",
  "2.5.4.42": "GN",
  "2.5.4.97": "organizationIdentifier",
  "0.9.2342.19200300.100.1.1": "UID",
  "0.9.2342.19200300.100.1.25": "DC",
  "1.2.840.113549.1.9.1": "emailAddress",
};

/** Signature algorithms: display name, digest, and how node:crypto verifies them. */
export interface SignatureAlgorithmInfo {
  readonly name: string;
  readonly hash?: string;
  readonly family: "rsa" | "rsa-pss" | "ecdsa" | "eddsa" | "dsa";
}

export const SIGNATURE_ALGORITHMS: Readonly<Record<string, SignatureAlgorithmInfo>> = {
  "1.2.840.113549.1.1.4": { name: "md5WithRSAEncryption", hash: "md5", family: "rsa" },
  "1.2.840.113549.1.1.5": { name: "sha1WithRSAEncryption", hash: "sha1", family: "rsa" },
  "1.2.840.113549.1.1.14": { name: "sha224WithRSAEncryption", hash: "sha224", family: "rsa" },
  "1.2.840.113549.1.1.11": { name: "sha256WithRSAEncryption", hash: "sha256", family: "rsa" },
  "1.2.840.113549.1.1.12": { name: "sha384WithRSAEncryption", hash: "sha384", family: "rsa" },
  "1.2.840.113549.1.1.13": { name: "sha512WithRSAEncryption", hash: "sha512", family: "rsa" },
  "1.2.840.113549.1.1.10": { name: "RSASSA-PSS", family: "rsa-pss" },
  "1.2.840.10045.4.1": { name: "ecdsa-with-SHA1", hash: "sha1", family: "ecdsa" },
  "1.2.840.10045.4.3.1": { name: "ecdsa-with-SHA224", hash: "sha224", family: "ecdsa" },
  "1.2.840.10045.4.3.2": { name: "ecdsa-with-SHA256", hash: "sha256", family: "ecdsa" },
  "1.2.840.10045.4.3.3": { name: "ecdsa-with-SHA384", hash: "sha384", family: "ecdsa" },
  "1.2.840.10045.4.3.4": { name: "ecdsa-with-SHA512", hash: "sha512", family: "ecdsa" },
  "1.3.101.112": { name: "Ed25519", family: "eddsa" },
  "1.3.101.113": { name: "Ed448", family: "eddsa" },
  "1.2.840.10040.4.3": { name: "dsa-with-SHA1", hash: "sha1", family: "dsa" },
  "2.16.840.1.101.3.4.3.2": { name: "dsa-with-SHA256", hash: "sha256", family: "dsa" },
};

/** Digest OIDs used inside RSASSA-PSS parameters. */
export const HASH_OIDS: Readonly<Record<string, string>> = {
  "1.3.14.3.2.26": "sha1",
  "2.16.840.1.101.3.4.2.4": "sha224",
  "2.16.840.1.101.3.4.2.1": "sha256",
  "2.16.840.1.101.3.4.2.2": "sha384",
  "2.16.840.1.101.3.4.2.3": "sha512",
};

export const MGF1_OID = "1.2.840.113549.1.1.8";

/** Public key algorithms. */
export const KEY_ALGORITHMS: Readonly<Record<string, string>> = {
  "1.2.840.113549.1.1.1": "rsa",
  "1.2.840.113549.1.1.10": "rsa-pss",
  "1.2.840.10045.2.1": "ec",
  "1.3.101.112": "ed25519",
  "1.3.101.113": "ed448",
  "1.2.840.10040.4.1": "dsa",
};

export const CURVES: Readonly<Record<string, { name: string; bits: number }>> = {
  "1.2.840.10045.3.1.7": { name: "P-256", bits: 256 },
  "1.3.132.0.34": { name: "P-384", bits: 384 },
  "1.3.132.0.35": { name: "P-521", bits: 521 },
  "1.3.132.0.10": { name: "secp256k1", bits: 256 },
  "1.2.840.10045.3.1.1": { name: "P-192", bits: 192 },
  "1.3.132.0.33": { name: "P-224", bits: 224 },
};
