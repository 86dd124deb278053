/**
 * `chaincheck verify FILE`: the offline check of the bundle a server will present (a rollout gate).
 * I/O orchestration only: read files, load trust, then the pure `checkChain`.
 */
import { aiaFindings, fetchMissingIssuers, issuerAvailable } from "../advise/aia.js";
import type { TargetOs } from "../advise/platforms.js";
import { checkChain } from "../check.js";
import { withFindings, type ChainResult } from "../result.js";
import type { ReadOptions } from "../input/read.js";
import { loadCertificates, loadMany } from "./certificates.js";
import type { LoadedTrust } from "./trust.js";

export interface VerifyRequest {
  readonly file: string;
  readonly chain: readonly string[];
  readonly intermediates: readonly string[];
  readonly host: string | null;
  readonly service: "tabpy" | "rserve" | null;
  readonly at: Date;
  readonly partialChain: boolean;
  readonly warnDays: number;
  readonly targetOs: TargetOs;
  readonly read: ReadOptions;
  /** `--aia`: fetch missing issuers from their caIssuers URLs (held, never presented). */
  readonly aia?: boolean;
}

export async function verifyBundle(request: VerifyRequest, trust: LoadedTrust): Promise<ChainResult> {
  const main = await loadCertificates(request.file, request.read);
  const bundle = [...main.certificates, ...(await loadMany(request.chain, request.read))];
  const held = await loadMany(request.intermediates, request.read);
  // Rserve loads tls.cert with SSL_CTX_use_certificate_file: only the first certificate is sent.
  const presented = request.service === "rserve" ? bundle.slice(0, 1) : bundle;
  const unsent = request.service === "rserve" ? bundle.slice(1) : [];
  const known = [...unsent, ...main.held, ...held];
  const fetched = request.aia
    ? await fetchMissingIssuers([...presented, ...known], { hasIssuer: issuerAvailable(trust.anchors) })
    : { certificates: [], errors: [] };
  const result = checkChain({
    target: request.file,
    service: request.service,
    presented,
    anchors: trust.anchors,
    host: request.host,
    at: request.at,
    partialChain: request.partialChain,
    warnDays: request.warnDays,
    heldIntermediates: [...known, ...fetched.certificates],
    storeIntermediates: trust.intermediates,
    targetOs: request.targetOs,
    inputWasDer: main.format === "der",
  });
  return withFindings(result, aiaFindings(fetched));
}
