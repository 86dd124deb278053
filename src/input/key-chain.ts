/**
 * The order a server presents the certificates of a PKCS#12 file in. The file's internal order
 * means nothing (GnuTLS certtool writes the root before the leaf): a server loading it takes the
 * certificate whose localKeyID matches the private key's, then that certificate's issuers, in
 * chain order (OpenSSL's PKCS12_parse, Java's PrivateKeyEntry). Certificates outside that chain
 * (trusted CA entries of a keystore, and every Java trusted-certificate entry) are held, not presented. Pure; names are compared as DER.
 */
import { toHex } from "../asn1/der.js";
import { issuerNameDer, subjectNameDer } from "../cert/shape.js";

export interface KeyChainOrder {
  /** Indices into the input: the presented chain first, then the other certificates in file order. */
  readonly order: number[];
  /** How many leading entries of `order` a server presents. */
  readonly presented: number;
  readonly notes: string[];
}

/**
 * @param ders         the file's certificates, in file order (their outer shape already checked)
 * @param localKeyIds  per certificate, its localKeyID (hex) when it has one
 * @param keyIds       per private key in the file, its localKeyID (hex) when it has one
 * @param trusted      per certificate, whether it is a Java trusted-certificate entry (keytool's trustedCertEntry:
 *                     a CA the keystore trusts, never part of a key's chain)
 */
export function keyChainOrder(
  ders: readonly Uint8Array[], localKeyIds: readonly (string | undefined)[], keyIds: readonly (string | undefined)[], trusted: readonly boolean[] = [],
): KeyChainOrder {
  const notes: string[] = [];
  const all = ders.map((_, i) => i);
  let start = keyIds.map((id) => (id === undefined ? -1 : localKeyIds.indexOf(id))).find((i) => i >= 0);
  // A trusted-certificate entry never chains (unless it is the key's own certificate).
  const names = ders.map((der, i) => (trusted[i] && i !== start ? undefined : namesOf(der)));
  const entries = all.filter((i) => trusted[i] && i !== start);
  if (keyIds.length === 0 && entries.length > 0 && entries.length < all.length) {
    // A keystore without a key: its trusted entries are a truststore's CAs, held; the rest is the bundle.
    const bundle = keyChainOrder(ders, localKeyIds, keyIds, []);
    const which = entries.map((i) => i + 1).join(", ");
    notes.push(`${entries.length === 1 ? "certificate" : "certificates"} ${which} of the PKCS#12 file ${entries.length === 1 ? "is a Java trusted-certificate entry" : "are Java trusted-certificate entries"} (trusted CA entries); a server does not present ${entries.length === 1 ? "it" : "them"}, so chaincheck holds ${entries.length === 1 ? "it" : "them"} for the advice`);
    const sent = bundle.order.filter((i) => !trusted[i]);
    return { order: [...sent, ...entries], presented: sent.length, notes: [...bundle.notes, ...notes] };
  }
  if (keyIds.length > 1 && start !== undefined) {
    notes.push(`the PKCS#12 file holds ${keyIds.length} private keys; chaincheck presents the chain of the first one whose certificate it found (certificate ${start + 1} of the file)`);
  }
  if (start === undefined) {
    // An end-entity issues no other certificate of the file.
    const issuerNames = new Set(names.filter((n) => n !== undefined && n.issuer !== n.subject).map((n) => n!.issuer));
    const endEntities = all.filter((i) => names[i] !== undefined && !issuerNames.has(names[i]!.subject));
    if (endEntities.length !== 1) return { order: all, presented: all.length, notes };
    start = endEntities[0]!;
    // Without a key no server loads the file: it is a bundle, and all of it stays presented.
    if (keyIds.length === 0) {
      const chain = chainFrom(start, names);
      return { order: [...chain, ...others(all, chain)], presented: all.length, notes };
    }
    notes.push(`no certificate carries the localKeyID of the PKCS#12 file's private key; chaincheck took the end-entity certificate (certificate ${start + 1} of the file) as the key's`);
  }
  const chain = chainFrom(start, names);
  const rest = others(all, chain);
  if (rest.length > 0) {
    const which = rest.map((i) => i + 1).join(", ");
    notes.push(`${rest.length === 1 ? "certificate" : "certificates"} ${which} of the PKCS#12 file ${rest.length === 1 ? "is" : "are"} not in the private key's chain (trusted CA entries); a server does not present them, so chaincheck holds them for the advice`);
  }
  return { order: [...chain, ...rest], presented: chain.length, notes };
}

function others(all: readonly number[], chain: readonly number[]): number[] {
  const inChain = new Set(chain);
  return all.filter((i) => !inChain.has(i));
}

interface Names {
  readonly subject: string;
  readonly issuer: string;
}

/** Subject and issuer Name DER as hex; `undefined` when the certificate cannot be walked. */
function namesOf(der: Uint8Array): Names | undefined {
  try {
    return { subject: toHex(subjectNameDer(der)), issuer: toHex(issuerNameDer(der)) };
  } catch {
    return undefined;
  }
}

/** `start`, then its issuers found among the certificates (first in file order), each once, up to a self-issued one. */
function chainFrom(start: number, names: readonly (Names | undefined)[]): number[] {
  const bySubject = new Map<string, number[]>();
  names.forEach((n, i) => {
    const same = n && bySubject.get(n.subject);
    if (same) same.push(i);
    else if (n) bySubject.set(n.subject, [i]);
  });
  const chain = [start];
  const used = new Set(chain);
  for (let current = names[start]; current && current.issuer !== current.subject;) {
    const next = bySubject.get(current.issuer)?.find((i) => !used.has(i));
    if (next === undefined) break;
    chain.push(next);
    used.add(next);
    current = names[next];
  }
  return chain;
}
