/**
 * The order of a certificate file, judged by structure: which certificate is the server's own (the end-entity, the one
 * that issued no other certificate of the file), and the order a server must load the file in (end-entity first,
 * then each issuer after the certificate it issued, then the rest in file order). Pure.
 *
 * Servers pair the private key with the first certificate of their file (Python's `load_cert_chain` for TabPy,
 * OpenSSL's `SSL_CTX_use_certificate_chain_file`): a bundle whose end-entity is not first does not load at all.
 */
import type { Certificate, Service } from "../types.js";
import { sameCertificate } from "../cert/identity.js";

export interface BundleOrder {
  /** The file's certificates in the order a server must load them. */
  readonly certificates: readonly Certificate[];
  /** 1-based file position of each of `certificates`. */
  readonly positions: readonly number[];
  /** The end-entity's 1-based file position when it is not first; null when the file starts with it. */
  readonly endEntityAt: number | null;
}

/** `issuer` carries `child`'s issuer name and its key id does not contradict `child`'s authority key id. */
function mayIssue(issuer: Certificate, child: Certificate): boolean {
  if (sameCertificate(issuer, child) || child.issuerKey !== issuer.subjectKey) return false;
  return !child.authorityKeyId || !issuer.subjectKeyId || child.authorityKeyId === issuer.subjectKeyId;
}

/** From `start`, each certificate's issuer among `pool` (first in file order), as far as the pool reaches. */
function issuerChain(start: Certificate, pool: readonly Certificate[]): Certificate[] {
  const chain = [start];
  for (;;) {
    const top = chain[chain.length - 1]!;
    if (top.selfIssued) return chain;
    const next = pool.find((c) => !chain.some((x) => sameCertificate(x, c)) && mayIssue(c, top));
    if (!next) return chain;
    chain.push(next);
  }
}

export function bundleOrder(file: readonly Certificate[]): BundleOrder {
  const issuesAnother = (c: Certificate) => file.some((other) => mayIssue(c, other));
  const first = file[0];
  const candidates = file.filter((c) => !issuesAnother(c));
  let endEntity = first;
  // Only a certificate that is not a CA can be the server's: a file of CA certificates alone keeps its order.
  const servers = candidates.filter((c) => c.basicConstraints?.cA !== true);
  if (first && issuesAnother(first) && servers.length > 0) {
    // The one whose issuers the file holds most of, then file order.
    endEntity = servers.reduce((best, c) => (issuerChain(c, file).length > issuerChain(best, file).length ? c : best));
  }
  if (!endEntity) return { certificates: [], positions: [], endEntityAt: null };
  const chain = issuerChain(endEntity, file);
  const used = new Set<number>();
  const take = (cert: Certificate) => {
    const index = file.findIndex((c, i) => !used.has(i) && sameCertificate(c, cert));
    used.add(index);
    return index;
  };
  const indexes = chain.map(take);
  file.forEach((_c, i) => {
    if (!used.has(i)) indexes.push(i);
  });
  return {
    certificates: indexes.map((i) => file[i]!),
    positions: indexes.map((i) => i + 1),
    endEntityAt: endEntity === first ? null : file.indexOf(endEntity) + 1,
  };
}

/** A path quoted for sh when it holds anything beyond the plain characters of file names. */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_./:@%+=-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The command that writes the certificates of `paths` (FILE, then --chain files) leaf first: chaincheck's own PEM output. */
export function reorderCommand(paths: readonly string[]): string {
  const [file, ...chain] = paths;
  const out = `${file!.replace(/\.(pem|crt|cer|p7b|p7c|der)$/i, "")}-ordered.pem`;
  const chainArgs = chain.map((c) => ` --chain ${shellWord(c)}`).join("");
  return `chaincheck verify ${shellWord(file!)}${chainArgs} --format pem > ${shellWord(out)}`;
}

/** What a server presents from a file, and what it keeps to itself. */
export interface ServerPresentation {
  readonly order: BundleOrder;
  /** What the server sends: the file as is, or the corrected order when the server could not load the file as is. */
  readonly presented: readonly Certificate[];
  /** Certificates of the file the server does not send (Rserve sends only the first). */
  readonly unsent: readonly Certificate[];
}

/**
 * What `service` sends of the certificates of its file, in order, and what it keeps to itself. Rserve loads tls.cert
 * with SSL_CTX_use_certificate_file: only the first certificate is sent (the rest needs `tls.ca`). TabPy and other
 * servers send the whole file.
 */
export function sentBy(service: Service | null, certificates: readonly Certificate[]): { readonly presented: readonly Certificate[]; readonly unsent: readonly Certificate[] } {
  return service === "rserve" ? { presented: certificates.slice(0, 1), unsent: certificates.slice(1) } : { presented: certificates, unsent: [] };
}

/**
 * The file's certificates as `service` presents them. A PKCS#12 file arrives key certificate first (the reader orders
 * it by localKeyID, as a server loading it does), so its order is not judged. A file whose end-entity is not first is
 * judged in the corrected order (what the server will send once the file is fixed; CHAIN_ORDER says so); intermediates
 * out of order are judged as sent. Then {@link sentBy}.
 */
export function serverPresentation(file: readonly Certificate[], format: string, service: "tabpy" | "rserve" | null): ServerPresentation {
  const order = format === "pkcs12" ? inFileOrder(file) : bundleOrder(file);
  return { order, ...sentBy(service, order.endEntityAt !== null ? order.certificates : file) };
}

function inFileOrder(file: readonly Certificate[]): BundleOrder {
  return { certificates: file, positions: file.map((_c, i) => i + 1), endEntityAt: null };
}
