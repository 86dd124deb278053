/** DER -> `Certificate` (RFC 5280 §4.1). Pure; the only certificate parser in chaincheck. */
import { createHash } from "node:crypto";
import type { Certificate, KeyUsageName, NameConstraints, PublicKeyInfo, SignatureAlgorithm, SubjectAltNames } from "../types.js";
import {
  DerError, TAG, children, content, contextTag, encoding, expectTag, readBitString, readBoolean, readIntegerBytes,
  readOid, readRoot, readSmallInteger, readTime, sequence, toHex, type Tlv,
} from "../asn1/der.js";
import {
  decodeAuthorityInfoAccess, decodeAuthorityKeyId, decodeBasicConstraints, decodeExtKeyUsage, decodeKeyUsage,
  decodeNameConstraints, decodeNetscapeCertType, decodeSubjectAltName, decodeSubjectKeyId, type AuthorityKeyId,
} from "./extensions.js";
import { parseName } from "./name.js";
import { CURVES, KEY_ALGORITHMS, OID, PROCESSED_EXTENSIONS, SIGNATURE_ALGORITHMS } from "../asn1/oids.js";
import { profileDefects } from "./profile.js";
import { verifySignature } from "./signature.js";

/** The certificate could not be parsed at all; `message` says why. */
export class CertificateParseError extends Error {
  override name = "CertificateParseError";
}

function algorithmIdentifier(tlv: Tlv, what: string): SignatureAlgorithm {
  const [oidTlv, params, ...rest] = sequence(tlv, what);
  if (!oidTlv || rest.length > 0) throw new DerError(`${what}: malformed AlgorithmIdentifier`);
  const oid = readOid(oidTlv, what);
  const info = SIGNATURE_ALGORITHMS[oid];
  const parametersDer = params && params.tag !== TAG.NULL ? toHex(encoding(params)) : undefined;
  return {
    oid,
    name: info?.name ?? oid,
    ...(info?.hash ? { hash: info.hash } : {}),
    ...(parametersDer ? { parametersDer } : {}),
  };
}

/** The key's type and size; key-encoding defects go to `defects`. */
function publicKeyInfo(spki: Tlv, defects: string[]): PublicKeyInfo {
  const [algTlv, keyTlv] = sequence(spki, "subjectPublicKeyInfo");
  if (!algTlv || !keyTlv) throw new DerError("subjectPublicKeyInfo: malformed");
  const [oidTlv, params] = sequence(algTlv, "subjectPublicKeyInfo.algorithm");
  const oid = readOid(oidTlv!, "public key algorithm");
  const type = KEY_ALGORITHMS[oid] ?? oid;
  const { bytes } = readBitString(keyTlv, "subjectPublicKey");
  if (type === "ec") {
    // RFC 5480 §2.1.1: the parameters MUST be a namedCurve (OpenSSL strict mode and pyca reject explicit curves).
    if (params?.tag !== TAG.OID) defects.push("EC public key with explicit curve parameters instead of a named curve (RFC 5480 §2.1.1)");
    const curve = params?.tag === TAG.OID ? CURVES[readOid(params, "namedCurve")] : undefined;
    return curve ? { type, bits: curve.bits, curve: curve.name } : { type };
  }
  if (type === "rsa" || type === "rsa-pss") {
    const [modulus] = sequence(readRoot(bytes), "RSAPublicKey");
    const n = readIntegerBytes(modulus!, "RSA modulus");
    let bits = n.length * 8;
    for (let i = 0; i < n.length && n[i] !== undefined; i++) {
      const byte = n[i]!;
      if (byte === 0) {
        bits -= 8;
        continue;
      }
      bits -= Math.clz32(byte) - 24;
      break;
    }
    if (bits % 8 !== 0) defects.push(`RSA modulus of ${bits} bits, not a whole number of bytes (CA/B Forum BR 6.1.5)`);
    return { type, bits };
  }
  if (type === "ed25519") return { type, bits: 256 };
  if (type === "ed448") return { type, bits: 456 };
  return { type };
}

interface DecodedExtensions {
  san?: SubjectAltNames;
  basicConstraints?: { cA: boolean; pathLen?: number };
  keyUsage?: KeyUsageName[];
  extKeyUsage?: string[];
  netscapeCertType?: string[];
  nameConstraints?: NameConstraints;
  subjectKeyId?: string;
  aki?: AuthorityKeyId;
  caIssuers: string[];
  ocspUrls: string[];
  extensions: { oid: string; critical: boolean }[];
  unknownCriticalExtensions: string[];
  defects: string[];
}

function decodeExtensions(extensionsTlv: Tlv | undefined): DecodedExtensions {
  const out: DecodedExtensions = { caIssuers: [], ocspUrls: [], extensions: [], unknownCriticalExtensions: [], defects: [] };
  if (!extensionsTlv) return out;
  const list = sequence(children(extensionsTlv)[0] ?? extensionsTlv, "extensions");
  if (list.length === 0) out.defects.push("empty extensions list");
  for (const ext of list) {
    const fields = sequence(ext, "extension");
    const oid = readOid(fields[0]!, "extnID");
    let critical = false;
    let i = 1;
    if (fields[i]?.tag === TAG.BOOLEAN) {
      critical = readBoolean(fields[i]!, "critical");
      if (!critical) out.defects.push(`extension ${oid}: explicit critical FALSE (DER forbids it)`);
      i++;
    }
    const valueTlv = fields[i];
    if (!valueTlv || i + 1 !== fields.length) throw new DerError(`extension ${oid}: malformed`);
    const value = content(expectTag(valueTlv, TAG.OCTET_STRING, "extnValue"));
    if (out.extensions.some((e) => e.oid === oid)) out.defects.push(`extension ${oid} appears twice (RFC 5280 §4.2)`);
    out.extensions.push({ oid, critical });
    if (critical && !PROCESSED_EXTENSIONS.has(oid)) out.unknownCriticalExtensions.push(oid);
    try {
      applyExtension(out, oid, value);
    } catch (err) {
      out.defects.push(`extension ${oid}: ${(err as Error).message}`);
    }
  }
  return out;
}

function applyExtension(out: DecodedExtensions, oid: string, value: Uint8Array): void {
  switch (oid) {
    case OID.subjectAltName: out.san = decodeSubjectAltName(value); break;
    case OID.basicConstraints: out.basicConstraints = decodeBasicConstraints(value); break;
    case OID.keyUsage: out.keyUsage = decodeKeyUsage(value); break;
    case OID.extKeyUsage: out.extKeyUsage = decodeExtKeyUsage(value); break;
    case OID.netscapeCertType: out.netscapeCertType = decodeNetscapeCertType(value); break;
    case OID.nameConstraints: out.nameConstraints = decodeNameConstraints(value); break;
    case OID.subjectKeyIdentifier: out.subjectKeyId = decodeSubjectKeyId(value); break;
    case OID.authorityKeyIdentifier: out.aki = decodeAuthorityKeyId(value); break;
    case OID.authorityInfoAccess: {
      const aia = decodeAuthorityInfoAccess(value);
      out.caIssuers = aia.caIssuers;
      out.ocspUrls = aia.ocsp;
      break;
    }
    default:
      break;
  }
}

const PARSE_ERROR_PREFIX = "malformed certificate: ";

/** Parses one DER certificate. Throws `CertificateParseError` with a one-line reason when it cannot. */
export function parseCertificate(der: Uint8Array): Certificate {
  try {
    return parseStrict(der);
  } catch (err) {
    if (err instanceof DerError) throw new CertificateParseError(`${PARSE_ERROR_PREFIX}${err.message}`);
    throw err;
  }
}

/**
 * Parses one DER certificate and never throws: a certificate that cannot be decoded comes back marked
 * `unreadable` (the reason, naming the field), with its DER, SHA-256 and as much of its subject, issuer and
 * validity as could be read, so that a report can name it. The validator never uses such a certificate in a path.
 */
export function readCertificate(der: Uint8Array): Certificate {
  try {
    return parseCertificate(der);
  } catch (err) {
    if (!(err instanceof CertificateParseError)) throw err;
    return unreadableCertificate(der, err.message.slice(PARSE_ERROR_PREFIX.length));
  }
}

function bestEffort<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

/** What can still be read of a certificate that does not parse: each field on its own, strings shown as #hex when invalid. */
function unreadableCertificate(der: Uint8Array, reason: string): Certificate {
  const sha256 = createHash("sha256").update(der).digest("hex");
  const tbs = bestEffort(() => {
    const fields = sequence(sequence(readRoot(der), "Certificate")[0], "tbsCertificate");
    return fields[0]?.tag === contextTag(0, true) ? fields.slice(1) : fields;
  }) ?? [];
  const name = (tlv: Tlv | undefined) => bestEffort(() => parseName(tlv!, "name", false));
  const [subject, issuer] = [name(tbs[4]), name(tbs[2])];
  const validity = bestEffort(() => sequence(tbs[3], "validity")) ?? [];
  const time = (tlv: Tlv | undefined) => bestEffort(() => readTime(tlv, "time")) ?? new Date(0);
  const empty = new Uint8Array(0);
  return {
    der,
    sha256,
    version: 0,
    serialNumber: bestEffort(() => toHex(readIntegerBytes(tbs[0], "serialNumber"))) ?? "",
    subject: subject?.display ?? "",
    issuer: issuer?.display ?? "",
    // Keys no normalised name can equal (those are hex): nothing is looked up under them.
    subjectKey: `unreadable:${sha256}`,
    issuerKey: `unreadable-issuer:${sha256}`,
    subjectDer: "",
    issuerDer: "",
    subjectRdns: [],
    commonNames: subject?.commonNames ?? [],
    notBefore: time(validity[0]),
    notAfter: time(validity[1]),
    caIssuers: [],
    ocspUrls: [],
    signatureAlgorithm: { oid: "", name: "unknown" },
    publicKey: { type: "unknown" },
    extensions: [],
    unknownCriticalExtensions: [],
    selfIssued: false,
    selfSigned: false,
    defects: [reason],
    unreadable: reason,
    tbsDer: empty,
    signatureValue: empty,
    spkiDer: empty,
  };
}

function parseStrict(der: Uint8Array): Certificate {
  const [tbsTlv, sigAlgTlv, sigTlv, ...extra] = sequence(readRoot(der), "Certificate");
  if (!tbsTlv || !sigAlgTlv || !sigTlv || extra.length > 0) throw new DerError("Certificate: expected 3 fields");
  const tbs = sequence(tbsTlv, "tbsCertificate");
  let i = 0;
  let version = 1;
  if (tbs[i]?.tag === contextTag(0, true)) {
    version = readSmallInteger(children(tbs[i]!)[0]!, "version") + 1;
    if (version < 2 || version > 3) throw new DerError(`unsupported version ${version}`);
    i++;
  }
  const serialBytes = readIntegerBytes(tbs[i++]!, "serialNumber");
  const innerAlgorithmTlv = tbs[i++]!;
  algorithmIdentifier(innerAlgorithmTlv, "signature");
  const issuer = parseName(tbs[i++]!, "issuer");
  const validity = sequence(tbs[i++]!, "validity");
  if (validity.length !== 2) throw new DerError("validity: expected notBefore and notAfter");
  const notBefore = readTime(validity[0]!, "notBefore");
  const notAfter = readTime(validity[1]!, "notAfter");
  const subject = parseName(tbs[i++]!, "subject");
  const spkiTlv = tbs[i++];
  if (!spkiTlv) throw new DerError("tbsCertificate: missing subjectPublicKeyInfo");
  const defects: string[] = [];
  const publicKey = publicKeyInfo(spkiTlv, defects);
  // issuerUniqueID [1] and subjectUniqueID [2] are skipped; extensions [3] only in v3.
  while (tbs[i] && (tbs[i]!.tag === contextTag(1, false) || tbs[i]!.tag === contextTag(2, false))) i++;
  const extensionsTlv = tbs[i]?.tag === contextTag(3, true) ? tbs[i++] : undefined;
  if (i !== tbs.length) throw new DerError("tbsCertificate: unexpected trailing fields");
  if (extensionsTlv && version !== 3) defects.push(`extensions in a version ${version} certificate`);
  const ext = decodeExtensions(extensionsTlv);
  defects.push(...ext.defects);

  const signatureAlgorithm = algorithmIdentifier(sigAlgTlv, "signatureAlgorithm");
  if (toHex(encoding(sigAlgTlv)) !== toHex(encoding(innerAlgorithmTlv))) {
    defects.push("signatureAlgorithm differs from tbsCertificate.signature (RFC 5280 §4.1.1.2)");
  }
  const { bytes: signatureValue } = readBitString(sigTlv, "signatureValue");
  if (serialBytes.length > 20) defects.push("serial number longer than 20 octets");
  // RFC 5280 §4.1.2.2: the serial MUST be positive; Go (1.23+) refuses to parse a negative one.
  if (serialBytes[0]! >= 0x80) defects.push("negative serial number (RFC 5280 §4.1.2.2; Go rejects it)");
  if (subject.rdns.length === 0 && !ext.san) defects.push("empty subject without a subjectAltName");

  const selfIssued = subject.key === issuer.key;
  const tbsDer = encoding(tbsTlv);
  const spkiDer = encoding(spkiTlv);
  const signed = { tbsDer, signatureValue, signatureAlgorithm };
  const certificate = {
    der,
    sha256: createHash("sha256").update(der).digest("hex"),
    version,
    serialNumber: toHex(serialBytes),
    subject: subject.display,
    issuer: issuer.display,
    subjectKey: subject.key,
    issuerKey: issuer.key,
    subjectDer: subject.der,
    issuerDer: issuer.der,
    subjectRdns: subject.rdns,
    commonNames: subject.commonNames,
    notBefore,
    notAfter,
    ...(ext.san ? { san: ext.san } : {}),
    ...(ext.basicConstraints ? { basicConstraints: ext.basicConstraints } : {}),
    ...(ext.keyUsage ? { keyUsage: ext.keyUsage } : {}),
    ...(ext.extKeyUsage ? { extKeyUsage: ext.extKeyUsage } : {}),
    ...(ext.netscapeCertType ? { netscapeCertType: ext.netscapeCertType } : {}),
    ...(ext.nameConstraints ? { nameConstraints: ext.nameConstraints } : {}),
    ...(ext.subjectKeyId ? { subjectKeyId: ext.subjectKeyId } : {}),
    ...(ext.aki?.keyId ? { authorityKeyId: ext.aki.keyId } : {}),
    caIssuers: ext.caIssuers,
    ocspUrls: ext.ocspUrls,
    signatureAlgorithm,
    publicKey,
    extensions: ext.extensions,
    unknownCriticalExtensions: ext.unknownCriticalExtensions,
    selfIssued,
    selfSigned: selfIssued && verifySignature(signed, spkiDer),
    tbsDer,
    signatureValue,
    spkiDer,
  };
  defects.push(...profileDefects(certificate));
  return { ...certificate, defects };
}
