/**
 * I/O for `--aia`: fetch the issuers a chain lacks from their AIA caIssuers URLs (RFC 5280 §4.2.2.1),
 * over HTTP(S) with a size limit, up to a few levels. Bounded as a whole: the downloads of one round run in
 * parallel, all of them end by one deadline (a live target's --timeout), and at most a few URLs are tried per
 * chain. What comes back is only ever used as "held" certificates (advice and what-if), never as presented or
 * trusted.
 */
import type { Certificate } from "../types.js";
import type { AiaFailure } from "../findings/codes.js";
import type { Finding } from "../findings/finding.js";
import { makeFinding } from "../findings/finding.js";
import { sameCertificate } from "../cert/identity.js";
import { parseCertificate } from "../cert/parse.js";
import { decodeCertificates } from "../input/decode.js";

/** Defaults: one download, all downloads of a chain (when no deadline is given), URLs per chain. */
export const AIA_LIMITS = { downloadMs: 3000, totalMs: 10_000, urls: 8, bytes: 64 * 1024, rounds: 4 } as const;

export interface AiaOptions {
  /** Bound for one download (default 3000 ms). */
  readonly timeoutMs?: number;
  /** performance.now() time by which every download has ended (default: 10 s from the call). */
  readonly deadline?: number;
  /** URLs tried per chain, at most (default 8). */
  readonly maxUrls?: number;
  readonly maxBytes?: number;
  /** Levels to climb (leaf -> intermediate -> root). */
  readonly maxRounds?: number;
  /** Is an issuer for `cert` already available (presented, held or trusted)? */
  readonly hasIssuer: (cert: Certificate, known: readonly Certificate[]) => boolean;
  /** Aborting cancels the downloads; `fetchMissingIssuers` then rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Injected for tests; defaults to global fetch. */
  readonly fetch?: typeof fetch;
}

export interface AiaFetch {
  readonly certificates: Certificate[];
  /** The URL each downloaded certificate came from, by SHA-256 (the advice labels plain-HTTP downloads). */
  readonly origins: ReadonlyMap<string, string>;
  /** Every URL that failed or was not tried, and why. */
  readonly errors: { readonly url: string; readonly failure: AiaFailure }[];
}

/** A download that gave no certificate, and why. */
class DownloadFailed extends Error {
  constructor(readonly failure: AiaFailure) {
    super(failure.kind);
  }
}

async function download(url: string, options: AiaOptions, ms: number): Promise<Uint8Array> {
  if (!/^https?:\/\//i.test(url)) throw new DownloadFailed({ kind: "scheme" });
  const timer = AbortSignal.timeout(Math.max(1, Math.round(ms)));
  const signal = options.signal ? AbortSignal.any([options.signal, timer]) : timer;
  try {
    // The signal bounds the whole exchange: connect, redirects, and a body dripped byte by byte.
    const response = await (options.fetch ?? fetch)(url, { signal, redirect: "follow" });
    if (!response.ok || !response.body) throw new DownloadFailed({ kind: "http-status", status: response.status });
    const limit = options.maxBytes ?? AIA_LIMITS.bytes;
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.length;
      if (size > limit) throw new DownloadFailed({ kind: "too-large", limit });
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  } catch (err) {
    if (options.signal?.aborted) throw options.signal.reason;
    if (timer.aborted) throw new DownloadFailed({ kind: "timeout", ms: Math.round(ms) });
    throw err;
  }
}

async function certificatesAt(url: string, options: AiaOptions, ms: number): Promise<Certificate[]> {
  const decoded = await decodeCertificates(await download(url, options, ms), { name: url });
  return decoded.certificates.map((der) => parseCertificate(der));
}

/**
 * Downloads the missing issuers of `start`, level by level.
 * @throws only the abort reason of `options.signal`.
 */
export async function fetchMissingIssuers(start: readonly Certificate[], options: AiaOptions): Promise<AiaFetch> {
  const deadline = options.deadline ?? performance.now() + AIA_LIMITS.totalMs;
  const maxUrls = options.maxUrls ?? AIA_LIMITS.urls;
  const known = [...start];
  const fetched: Certificate[] = [];
  const origins = new Map<string, string>();
  const errors: { url: string; failure: AiaFailure }[] = [];
  const tried = new Set<string>();
  for (let round = 0; round < (options.maxRounds ?? AIA_LIMITS.rounds); round++) {
    const wanting = known.filter((c) => !c.selfSigned && !options.hasIssuer(c, known));
    const urls = [...new Set(wanting.flatMap((c) => c.caIssuers))].filter((u) => !tried.has(u));
    if (urls.length === 0) break;
    const left = deadline - performance.now();
    const now = left > 0 ? urls.slice(0, Math.max(0, maxUrls - tried.size)) : [];
    for (const url of urls.slice(now.length)) {
      tried.add(url);
      errors.push({ url, failure: left > 0 ? { kind: "not-tried-url-limit", max: maxUrls } : { kind: "not-tried-time" } });
    }
    if (now.length === 0) break;
    for (const url of now) tried.add(url);
    const ms = Math.min(options.timeoutMs ?? AIA_LIMITS.downloadMs, left);
    const outcomes = await Promise.allSettled(now.map((url) => certificatesAt(url, options, ms)));
    if (options.signal?.aborted) throw options.signal.reason;
    outcomes.forEach((outcome, i) => {
      const url = now[i]!;
      if (outcome.status === "rejected") {
        const reason = outcome.reason as Error;
        errors.push({ url, failure: reason instanceof DownloadFailed ? reason.failure : { kind: "error", message: reason.message.split("\n")[0] ?? "error" } });
        return;
      }
      for (const cert of outcome.value) {
        if (known.some((k) => sameCertificate(k, cert))) continue;
        known.push(cert);
        fetched.push(cert);
        origins.set(cert.sha256, url);
      }
    });
  }
  return { certificates: fetched, origins, errors };
}

/** `hasIssuer` for `fetchMissingIssuers`: an issuer name is available when trusted or already known. */
export function issuerAvailable(anchors: { named(subjectKey: string): readonly Certificate[] }, storeIntermediates: readonly Certificate[] = []) {
  // The store's intermediates (Windows CA store, macOS System keychain) complete paths: nothing to download for them.
  const inStore = new Set(storeIntermediates.map((c) => c.subjectKey));
  return (cert: Certificate, known: readonly Certificate[]): boolean =>
    anchors.named(cert.issuerKey).length > 0 || inStore.has(cert.issuerKey) || known.some((k) => !sameCertificate(k, cert) && k.subjectKey === cert.issuerKey);
}

/** AIA_FETCH_FAILED findings (info) for the downloads that failed. */
export function aiaFindings(fetch: Pick<AiaFetch, "errors">): Finding[] {
  return fetch.errors.map((e) => makeFinding("AIA_FETCH_FAILED", null, e));
}
