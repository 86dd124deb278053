/**
 * `chaincheck verify FILE`: the offline check of the bundle a server will present (a rollout gate).
 * I/O orchestration only: load trust, read files, then the pure chain result, the policies and the words.
 */
import { aiaFindings, fetchMissingIssuers, issuerAvailable } from "../aia/fetch-issuers.js";
import type { TargetOs } from "../advise/platforms.js";
import { serverPresentation } from "../result/presentation.js";
import { evaluateChain, type CheckInput } from "../result/chain-result.js";
import { provenByOpenssl } from "./openssl-proof.js";
import { withFindings, type ChainVerdict } from "../result/verdict.js";
import type { ReadOptions } from "../input/read.js";
import { loadCertificates, loadMany, loadSplit } from "./certificates.js";
import { trustStoreNotes, type LoadedTrust } from "./trust.js";
import { withRunNotes, type RunInputs } from "./inputs.js";
import type { CheckedRun, TrustLoader } from "./run.js";
import { applyPolicies, type PolicyOptions } from "../policy/index.js";
import { reportResult } from "../report/document.js";

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
  /** `--save-anchors` will write the PEM files (the advice needs no conversion step). */
  readonly saveAnchors?: boolean;
  /** `--at` was given: OpenSSL's loopback check (always at the current time) is then not comparable. */
  readonly atGiven?: boolean;
}

export async function verifyBundle(request: VerifyRequest, trust: LoadedTrust): Promise<ChainVerdict> {
  const main = await loadCertificates(request.file, request.read);
  // A keystore's CA entries (--chain x.p12 as well as FILE) are held, never presented: only its key's chain is sent.
  const chain = await loadSplit(request.chain, request.read);
  const bundle = [...main.certificates, ...chain.certificates];
  const held = await loadMany(request.intermediates, request.read);
  const { order, presented, unsent } = serverPresentation(bundle, main.format, request.service);
  const known = [...unsent, ...main.held, ...chain.held, ...held];
  const fetched = request.aia
    ? await fetchMissingIssuers([...presented, ...known], { hasIssuer: issuerAvailable(trust.anchors, trust.intermediates) })
    : { certificates: [], origins: new Map<string, string>(), errors: [] };
  const input: CheckInput = {
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
    bundle: { paths: [request.file, ...request.chain], format: main.format, order, unsent },
    targetOs: request.targetOs,
    advice: {
      downloaded: fetched.origins,
      aia: request.aia === true,
      ...(main.format === "der" ? { derFile: request.file } : {}),
      savesAnchors: request.saveAnchors === true,
    },
  };
  // OpenSSL verifies at the current time: its verdict is comparable unless --at moved the validation time.
  const result = await provenByOpenssl((opensslProof) => evaluateChain({ ...input, ...(opensslProof ? { opensslProof } : {}) }), trust.store.pems(), request.atGiven !== true);
  return withFindings(result, aiaFindings(fetched));
}

/** The verify command: the bundle request, the trust files, how the run reads files, and the gates. */
export interface VerifyCommand extends Omit<VerifyRequest, "read"> {
  readonly caFiles: readonly string[];
  readonly inputs: RunInputs;
  readonly policy: PolicyOptions;
}

export async function verify(command: VerifyCommand, loadTrust: TrustLoader): Promise<CheckedRun> {
  const { caFiles, inputs, policy, ...request } = command;
  const trust = await loadTrust(caFiles, inputs.read);
  const checked = await verifyBundle({ ...request, read: inputs.read }, trust);
  return { results: applyPolicies(withRunNotes([checked], [...inputs.notes(), ...trustStoreNotes(trust)]), policy).map(reportResult), trustStore: trust.store.source.description };
}
