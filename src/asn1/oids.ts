/**
 * Every object identifier chaincheck reads or writes, by name: the one OID table. The lookups the parsers use
 * (extensions processed, algorithm names, digests, curves, attribute labels) are built from it. Data only.
 */

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
  // Access methods (RFC 5280 §4.2.2.1)
  caIssuers: "1.3.6.1.5.5.7.48.2",
  ocsp: "1.3.6.1.5.5.7.48.1",
  // Extended key usages (RFC 5280 §4.2.1.12)
  serverAuth: "1.3.6.1.5.5.7.3.1",
  clientAuth: "1.3.6.1.5.5.7.3.2",
  codeSigning: "1.3.6.1.5.5.7.3.3",
  emailProtection: "1.3.6.1.5.5.7.3.4",
  timeStamping: "1.3.6.1.5.5.7.3.8",
  ocspSigning: "1.3.6.1.5.5.7.3.9",
  anyExtendedKeyUsage: "2.5.29.37.0",
  // Name attributes
  commonName: "2.5.4.3",
  emailAddress: "1.2.840.113549.1.9.1",
  // Public-key algorithms (RFC 3279, 4055, 5480, 8410)
  rsaEncryption: "1.2.840.113549.1.1.1",
  rsassaPss: "1.2.840.113549.1.1.10",
  ecPublicKey: "1.2.840.10045.2.1",
  ed25519: "1.3.101.112",
  ed448: "1.3.101.113",
  dsa: "1.2.840.10040.4.1",
  mgf1: "1.2.840.113549.1.1.8",
  // Digests (RFC 3279, NIST)
  md5: "1.2.840.113549.2.5",
  sha1: "1.3.14.3.2.26",
  sha224: "2.16.840.1.101.3.4.2.4",
  sha256: "2.16.840.1.101.3.4.2.1",
  sha384: "2.16.840.1.101.3.4.2.2",
  sha512: "2.16.840.1.101.3.4.2.3",
  sha512_224: "2.16.840.1.101.3.4.2.5",
  sha512_256: "2.16.840.1.101.3.4.2.6",
  // HMAC pseudo-random functions (RFC 8018 appendix B.1)
  hmacWithSHA1: "1.2.840.113549.2.7",
  hmacWithSHA224: "1.2.840.113549.2.8",
  hmacWithSHA256: "1.2.840.113549.2.9",
  hmacWithSHA384: "1.2.840.113549.2.10",
  hmacWithSHA512: "1.2.840.113549.2.11",
  // Password-based encryption and MAC (RFC 8018, RFC 7292 appendix C, RFC 9579)
  pbes2: "1.2.840.113549.1.5.13",
  pbkdf2: "1.2.840.113549.1.5.12",
  pbmac1: "1.2.840.113549.1.5.14",
  pbeWithMD5AndDesCbc: "1.2.840.113549.1.5.3",
  pbeWithMD5AndRc2Cbc: "1.2.840.113549.1.5.6",
  pbeWithSHA1AndDesCbc: "1.2.840.113549.1.5.10",
  pbeWithSHA1AndRc2Cbc: "1.2.840.113549.1.5.11",
  pbeWithSHAAnd128BitRC4: "1.2.840.113549.1.12.1.1",
  pbeWithSHAAnd40BitRC4: "1.2.840.113549.1.12.1.2",
  pbeWithSHAAnd3KeyTripleDesCbc: "1.2.840.113549.1.12.1.3",
  pbeWithSHAAnd2KeyTripleDesCbc: "1.2.840.113549.1.12.1.4",
  pbeWithSHAAnd128BitRc2Cbc: "1.2.840.113549.1.12.1.5",
  pbeWithSHAAnd40BitRc2Cbc: "1.2.840.113549.1.12.1.6",
  scrypt: "1.3.6.1.4.1.11591.4.11",
  // Ciphers
  desCbc: "1.3.14.3.2.7",
  rc2Cbc: "1.2.840.113549.3.2",
  desEde3Cbc: "1.2.840.113549.3.7",
  aes128Cbc: "2.16.840.1.101.3.4.1.2",
  aes192Cbc: "2.16.840.1.101.3.4.1.22",
  aes256Cbc: "2.16.840.1.101.3.4.1.42",
  aes128Gcm: "2.16.840.1.101.3.4.1.6",
  aes256Gcm: "2.16.840.1.101.3.4.1.46",
  // CMS / PKCS#7 content types (RFC 5652, RFC 2315)
  data: "1.2.840.113549.1.7.1",
  signedData: "1.2.840.113549.1.7.2",
  envelopedData: "1.2.840.113549.1.7.3",
  signedAndEnvelopedData: "1.2.840.113549.1.7.4",
  digestedData: "1.2.840.113549.1.7.5",
  encryptedData: "1.2.840.113549.1.7.6",
  // PKCS#12 bags and attributes (RFC 7292 §4.2, PKCS #9)
  keyBag: "1.2.840.113549.1.12.10.1.1",
  pkcs8ShroudedKeyBag: "1.2.840.113549.1.12.10.1.2",
  certBag: "1.2.840.113549.1.12.10.1.3",
  safeContentsBag: "1.2.840.113549.1.12.10.1.6",
  x509Certificate: "1.2.840.113549.1.9.22.1",
  localKeyId: "1.2.840.113549.1.9.21",
  // Java's PKCS12KeyStore marks a trustedCertEntry with this bag attribute (ORACLE_TrustedKeyUsage).
  javaTrustedKeyUsage: "2.16.840.1.113894.746875.1.1",
  // macOS trust settings: kSecPolicyAppleSSL
  appleSslPolicy: "1.2.840.113635.100.1.3",
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

/** Extended key usages by the names reports show (the OID's own name). */
export const EKU_NAMES: Readonly<Record<string, string>> = Object.fromEntries(
  (["serverAuth", "clientAuth", "codeSigning", "emailProtection", "timeStamping", "anyExtendedKeyUsage"] as const).map((name) => [OID[name], name]),
);
// RFC 5280 spells this one with capitals.
(EKU_NAMES as Record<string, string>)[OID.ocspSigning] = "OCSPSigning";

/** Short names of name attributes (RFC 4514 §3 and common extras). */
export const ATTRIBUTE_NAMES: Readonly<Record<string, string>> = {
  [OID.commonName]: "CN",
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
  [OID.emailAddress]: "emailAddress",
};

/** The digests by OID, as node:crypto names them. */
export const DIGESTS: Readonly<Record<string, string>> = {
  [OID.md5]: "md5", [OID.sha1]: "sha1", [OID.sha224]: "sha224", [OID.sha256]: "sha256", [OID.sha384]: "sha384",
  [OID.sha512]: "sha512", [OID.sha512_224]: "sha512-224", [OID.sha512_256]: "sha512-256",
};

/** The HMAC PRFs of PBKDF2 and PBMAC1 by OID, as the digest node:crypto names. */
export const HMAC_DIGESTS: Readonly<Record<string, string>> = {
  [OID.hmacWithSHA1]: "sha1", [OID.hmacWithSHA224]: "sha224", [OID.hmacWithSHA256]: "sha256",
  [OID.hmacWithSHA384]: "sha384", [OID.hmacWithSHA512]: "sha512",
};

/** Signature algorithms: display name, digest, and how node:crypto verifies them. */
export interface SignatureAlgorithmInfo {
  readonly name: string;
  readonly hash?: string;
  readonly family: "rsa" | "rsa-pss" | "ecdsa" | "eddsa" | "dsa";
}

/** Each signature algorithm as [OID, display name, digest, family]: RFC 3279, 4055, 5758 and 8410. */
const SIGNATURES: readonly (readonly [string, string, string | undefined, SignatureAlgorithmInfo["family"]])[] = [
  ["1.2.840.113549.1.1.4", "md5WithRSAEncryption", "md5", "rsa"], ["1.2.840.113549.1.1.5", "sha1WithRSAEncryption", "sha1", "rsa"],
  ["1.2.840.113549.1.1.14", "sha224WithRSAEncryption", "sha224", "rsa"], ["1.2.840.113549.1.1.11", "sha256WithRSAEncryption", "sha256", "rsa"],
  ["1.2.840.113549.1.1.12", "sha384WithRSAEncryption", "sha384", "rsa"], ["1.2.840.113549.1.1.13", "sha512WithRSAEncryption", "sha512", "rsa"],
  [OID.rsassaPss, "RSASSA-PSS", undefined, "rsa-pss"],
  ["1.2.840.10045.4.1", "ecdsa-with-SHA1", "sha1", "ecdsa"], ["1.2.840.10045.4.3.1", "ecdsa-with-SHA224", "sha224", "ecdsa"],
  ["1.2.840.10045.4.3.2", "ecdsa-with-SHA256", "sha256", "ecdsa"], ["1.2.840.10045.4.3.3", "ecdsa-with-SHA384", "sha384", "ecdsa"],
  ["1.2.840.10045.4.3.4", "ecdsa-with-SHA512", "sha512", "ecdsa"],
  [OID.ed25519, "Ed25519", undefined, "eddsa"], [OID.ed448, "Ed448", undefined, "eddsa"],
  ["1.2.840.10040.4.3", "dsa-with-SHA1", "sha1", "dsa"], ["2.16.840.1.101.3.4.3.2", "dsa-with-SHA256", "sha256", "dsa"],
];

export const SIGNATURE_ALGORITHMS: Readonly<Record<string, SignatureAlgorithmInfo>> = Object.fromEntries(
  SIGNATURES.map(([oid, name, hash, family]) => [oid, hash ? { name, hash, family } : { name, family }]),
);

/** Public key algorithms. */
export const KEY_ALGORITHMS: Readonly<Record<string, string>> = {
  [OID.rsaEncryption]: "rsa",
  [OID.rsassaPss]: "rsa-pss",
  [OID.ecPublicKey]: "ec",
  [OID.ed25519]: "ed25519",
  [OID.ed448]: "ed448",
  [OID.dsa]: "dsa",
};

export const CURVES: Readonly<Record<string, { name: string; bits: number }>> = {
  "1.2.840.10045.3.1.7": { name: "P-256", bits: 256 },
  "1.3.132.0.34": { name: "P-384", bits: 384 },
  "1.3.132.0.35": { name: "P-521", bits: 521 },
  "1.3.132.0.10": { name: "secp256k1", bits: 256 },
  "1.2.840.10045.3.1.1": { name: "P-192", bits: 192 },
  "1.3.132.0.33": { name: "P-224", bits: 224 },
};
