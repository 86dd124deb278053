/**
 * The library's check (`verifyChain` in src/index.ts): certificates given as PEM or DER, anchors given or this
 * host's store, then the chain's verdict. I/O only to read the system trust store when no anchors are given.
 */
import type { Certificate } from "../types.js";
import { checkChain } from "../result/chain-result.js";
import { sentBy } from "../result/presentation.js";
import { readAll } from "./certificates.js";
import { TRUST_LIMITS, decodeCertificates, type InputLimits } from "../input/decode.js";
import { TrustStore } from "../trust/store.js";
import { loadTrust } from "./trust.js";
import { trustAnchors } from "../validate/anchors.js";
import type { TrustAnchors } from "../validate/validate.js";
import type { TargetOs } from "../advise/platforms.js";
import type { ChainVerdict } from "../result/verdict.js";

/** PEM text (one or more certificates) or DER bytes of one certificate. */
export type CertificateInput = string | Uint8Array;

export interface VerifyChainOptions {
  /** The server's certificate (PEM may hold the whole presented chain, leaf first). */
  readonly leaf: CertificateInput;
  /** More presented certificates, in the order the server sends them. */
  readonly intermediates?: readonly CertificateInput[];
  /** Trust anchors; default: this host's store (Linux files with SSL_CERT_FILE / SSL_CERT_DIR honoured; Windows LocalMachine Root + CA; macOS keychains). */
  readonly anchors?: readonly CertificateInput[];
  /** DNS name or IP the client connects to; omitted = not checked (HOSTNAME_NOT_CHECKED). */
  readonly host?: string;
  /** Validation time; default now. */
  readonly at?: Date;
  /** Partial-chain model (Go, Java, GnuTLS, curl): any trusted certificate ends a path. */
  readonly partialChain?: boolean;
  /** EXPIRING_SOON threshold in days (default 30). */
  readonly warnDays?: number;
  /** "tabpy" or "rserve" changes the advice; "rserve" is judged as Rserve presents its file: only the first certificate is sent (the rest is held). */
  readonly service?: "tabpy" | "rserve" | "tls";
  /** Platform of the install commands (default "debian"). */
  readonly targetOs?: TargetOs;
}

/** The presented certificates of an input and the ones it only holds (a PKCS#12 keystore's CA entries). */
async function toCertificates(input: CertificateInput, limits?: InputLimits): Promise<{ presented: Certificate[]; held: Certificate[] }> {
  const bytes = typeof input === "string" ? Buffer.from(input, "utf8") : input;
  const decoded = await decodeCertificates(bytes, { name: "input", ...(limits ? { limits } : {}) });
  const all = readAll(decoded.certificates);
  return { presented: all.slice(0, decoded.presented), held: all.slice(decoded.presented) };
}

async function toAll(inputs: readonly CertificateInput[], limits?: InputLimits): Promise<Certificate[]> {
  return (await Promise.all(inputs.map((i) => toCertificates(i, limits)))).flatMap((c) => [...c.presented, ...c.held]);
}

/**
 * Validates a presented chain. A certificate that cannot be decoded (presented, intermediate or anchor) does not
 * throw: it is named in a finding (MALFORMED_CERTIFICATE for a presented one, which makes the result untrusted).
 * @throws InputError for input that is no certificate container (not PEM, DER, PKCS#7 or PKCS#12);
 *   TrustStoreError when no system store exists and no anchors are given.
 */
export async function checkCertificates(options: VerifyChainOptions): Promise<ChainVerdict> {
  const leaf = await toCertificates(options.leaf);
  const service = options.service ?? null;
  // What the server sends of these certificates: Rserve only the first (the rest is held, for the advice).
  const { presented, unsent } = sentBy(service, [...leaf.presented, ...(await toAll(options.intermediates ?? []))]);
  let anchors: TrustAnchors;
  let storeIntermediates: readonly Certificate[] = [];
  if (options.anchors) {
    const given = await toAll(options.anchors, TRUST_LIMITS);
    anchors = trustAnchors(new TrustStore({ kind: "files", description: `${given.length} anchor(s) given by the caller`, paths: [] }, given.map((c) => c.der)));
  } else {
    // The OS store: files on Linux, the LocalMachine stores on Windows, the keychains on macOS.
    ({ anchors, intermediates: storeIntermediates } = await loadTrust([]));
  }
  return checkChain({
    target: "chain",
    service,
    presented,
    anchors,
    host: options.host ?? null,
    at: options.at ?? new Date(),
    partialChain: options.partialChain ?? false,
    warnDays: options.warnDays ?? 30,
    targetOs: options.targetOs ?? "debian",
    heldIntermediates: [...unsent, ...leaf.held],
    storeIntermediates,
  });
}
