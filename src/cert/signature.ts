/** Certificate signature verification with node:crypto (RSA PKCS#1 v1.5, RSA-PSS, ECDSA, EdDSA, DSA). */
import { constants, createPublicKey, verify, type KeyObject } from "node:crypto";
import { DerError, TAG, children, contextTag, readOid, readRoot, readSmallInteger, sequence, type Tlv } from "../asn1/der.js";
import { DIGESTS, OID, SIGNATURE_ALGORITHMS } from "../asn1/oids.js";

/** The digests RSASSA-PSS parameters may name (RFC 4055 §2.1). */
const PSS_DIGESTS: ReadonlySet<string> = new Set(["sha1", "sha224", "sha256", "sha384", "sha512"]);

function pssDigest(oid: string): string {
  const name = DIGESTS[oid];
  return name !== undefined && PSS_DIGESTS.has(name) ? name : "unknown";
}

/** What a signature check needs from a certificate (a subset of `Certificate`). */
export interface Signed {
  readonly tbsDer: Uint8Array;
  readonly signatureValue: Uint8Array;
  readonly signatureAlgorithm: { readonly oid: string; readonly parametersDer?: string };
}

const keyCache = new Map<string, KeyObject | null>();

/** Public key objects are cached by SPKI bytes: a trust store root signs many certificates. */
export function publicKeyOf(spkiDer: Uint8Array): KeyObject | null {
  const cacheKey = Buffer.from(spkiDer).toString("base64");
  let key = keyCache.get(cacheKey);
  if (key === undefined) {
    try {
      key = createPublicKey({ key: Buffer.from(spkiDer), format: "der", type: "spki" });
    } catch {
      key = null;
    }
    if (keyCache.size > 4096) keyCache.clear();
    keyCache.set(cacheKey, key);
  }
  return key;
}

interface PssParameters {
  hash: string;
  saltLength: number;
}

/** RSASSA-PSS-params (RFC 4055 §3.1); only MGF1 with the same digest, as every TLS stack requires. */
function decodePssParameters(parametersHex: string | undefined): PssParameters {
  if (!parametersHex) throw new DerError("RSASSA-PSS without parameters");
  const fields = sequence(readRoot(Buffer.from(parametersHex, "hex")), "RSASSA-PSS-params");
  let hash = "sha1";
  let mgfHash = "sha1";
  let saltLength = 20;
  const algorithmOid = (tlv: Tlv): string => readOid(sequence(tlv, "AlgorithmIdentifier")[0]!, "algorithm");
  for (const field of fields) {
    const [inner] = children(field);
    if (!inner) throw new DerError("RSASSA-PSS-params: empty field");
    if (field.tag === contextTag(0, true)) hash = pssDigest(algorithmOid(inner));
    else if (field.tag === contextTag(1, true)) {
      const [mgfOid, mgfParams] = sequence(inner, "maskGenAlgorithm");
      if (!mgfOid || readOid(mgfOid, "maskGenAlgorithm") !== OID.mgf1 || !mgfParams) {
        throw new DerError("RSASSA-PSS: unsupported mask generation function");
      }
      mgfHash = pssDigest(algorithmOid(mgfParams));
    } else if (field.tag === contextTag(2, true)) saltLength = readSmallInteger(inner, "saltLength", TAG.INTEGER);
    else if (field.tag === contextTag(3, true) && readSmallInteger(inner, "trailerField") !== 1) {
      throw new DerError("RSASSA-PSS: unsupported trailer field");
    }
  }
  if (hash === "unknown" || mgfHash !== hash) throw new DerError("RSASSA-PSS: unsupported digest combination");
  return { hash, saltLength };
}

/** The digest a signature algorithm uses (RSASSA-PSS: from its parameters); undefined when unknown or malformed. */
export function signatureDigest(algorithm: { readonly oid: string; readonly hash?: string; readonly parametersDer?: string }): string | undefined {
  if (algorithm.hash) return algorithm.hash;
  if (SIGNATURE_ALGORITHMS[algorithm.oid]?.family !== "rsa-pss") return undefined;
  try {
    return decodePssParameters(algorithm.parametersDer).hash;
  } catch {
    return undefined;
  }
}

/**
 * Does `issuerSpki`'s key verify `subject`'s signature? Returns false (never throws) for a wrong
 * key, an unsupported algorithm, a key of the wrong type or malformed parameters.
 */
export function verifySignature(subject: Signed, issuerSpki: Uint8Array): boolean {
  const info = SIGNATURE_ALGORITHMS[subject.signatureAlgorithm.oid];
  const key = publicKeyOf(issuerSpki);
  if (!info || !key) return false;
  const data = Buffer.from(subject.tbsDer);
  const signature = Buffer.from(subject.signatureValue);
  try {
    switch (info.family) {
      case "rsa":
        if (key.asymmetricKeyType !== "rsa") return false;
        return verify(info.hash!, data, { key, padding: constants.RSA_PKCS1_PADDING }, signature);
      case "rsa-pss": {
        if (key.asymmetricKeyType !== "rsa" && key.asymmetricKeyType !== "rsa-pss") return false;
        const { hash, saltLength } = decodePssParameters(subject.signatureAlgorithm.parametersDer);
        return verify(hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength }, signature);
      }
      case "ecdsa":
        if (key.asymmetricKeyType !== "ec") return false;
        return verify(info.hash!, data, { key, dsaEncoding: "der" }, signature);
      case "eddsa":
        if (key.asymmetricKeyType !== info.name.toLowerCase()) return false;
        return verify(null, data, key, signature);
      case "dsa":
        if (key.asymmetricKeyType !== "dsa") return false;
        return verify(info.hash!, data, key, signature);
    }
  } catch {
    return false;
  }
}
