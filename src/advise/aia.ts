/**
 * I/O for `--aia`: fetch the issuers a chain lacks from their AIA caIssuers URLs (RFC 5280 §4.2.2.1),
 * over HTTP(S) with a short timeout and a size limit, up to a few levels. What comes back is only
 * ever used as "held" certificates (advice and what-if), never as presented or trusted.
 */
import type { Certificate, Finding } from "../types.js";
import { makeFinding } from "../findings/finding.js";
import { parseCertificate } from "../cert/parse.js";
import { decodeCertificates } from "../input/decode.js";

export interface AiaOptions {
  readonly timeoutMs?: number;
  readonly maxBytes?: number;
  /** Levels to climb (leaf -> intermediate -> root). */
  readonly maxRounds?: number;
  /** Is an issuer for `cert` already available (presented, held or trusted)? */
  readonly hasIssuer: (cert: Certificate, known: readonly Certificate[]) => boolean;
  /** Injected for tests; defaults to global fetch. */
  readonly fetch?: typeof fetch;
}

export interface AiaFetch {
  readonly certificates: Certificate[];
  /** The URL each downloaded certificate came from, by SHA-256 (the advice labels plain-HTTP downloads). */
  readonly origins: ReadonlyMap<string, string>;
  /** Every URL that failed, with a one-line reason. */
  readonly errors: { readonly url: string; readonly reason: string }[];
}

async function download(url: string, options: AiaOptions): Promise<Uint8Array> {
  if (!/^https?:\/\//i.test(url)) throw new Error(`unsupported URL scheme`);
  const response = await (options.fetch ?? fetch)(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 3000), redirect: "follow" });
  if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
  const limit = options.maxBytes ?? 64 * 1024;
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    if (size > limit) throw new Error(`larger than ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export async function fetchMissingIssuers(start: readonly Certificate[], options: AiaOptions): Promise<AiaFetch> {
  const known = [...start];
  const fetched: Certificate[] = [];
  const origins = new Map<string, string>();
  const errors: { url: string; reason: string }[] = [];
  const tried = new Set<string>();
  for (let round = 0; round < (options.maxRounds ?? 4); round++) {
    const wanting = known.filter((c) => !c.selfSigned && !options.hasIssuer(c, known));
    const urls = [...new Set(wanting.flatMap((c) => c.caIssuers))].filter((u) => !tried.has(u));
    if (urls.length === 0) break;
    for (const url of urls) {
      tried.add(url);
      try {
        const bytes = await download(url, options);
        const decoded = await decodeCertificates(bytes, { name: url });
        for (const der of decoded.certificates) {
          const cert = parseCertificate(der);
          if (!known.some((k) => k.sha256 === cert.sha256)) {
            known.push(cert);
            fetched.push(cert);
            origins.set(cert.sha256, url);
          }
        }
      } catch (err) {
        errors.push({ url, reason: (err as Error).message.split("\n")[0] ?? "error" });
      }
    }
  }
  return { certificates: fetched, origins, errors };
}

/** `hasIssuer` for `fetchMissingIssuers`: an issuer name is available when trusted or already known. */
export function issuerAvailable(anchors: { named(subjectKey: string): readonly Certificate[] }) {
  return (cert: Certificate, known: readonly Certificate[]): boolean =>
    anchors.named(cert.issuerKey).length > 0 || known.some((k) => k !== cert && k.subjectKey === cert.issuerKey);
}

/** AIA_FETCH_FAILED findings (info) for the downloads that failed. */
export function aiaFindings(fetch: AiaFetch): Finding[] {
  return fetch.errors.map((e) => makeFinding("AIA_FETCH_FAILED", null, e));
}
