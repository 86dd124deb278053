/**
 * A probe outcome -> `ChainVerdict`: the same validation and advice as `verify`, plus what only a live
 * handshake shows (TLS version, OpenSSL's verdict, the service). Pure.
 */
import type { Finding } from "../findings/finding.js";
import { evaluateChain, type CheckInput } from "./chain-result.js";
import type { OpensslProofPlan } from "../advise/openssl-proof.js";
import { readCertificate } from "../cert/parse.js";
import type { Certificate } from "../types.js";
import { makeFinding } from "../findings/finding.js";
import { emptyRemediation } from "../advise/advise.js";
import { withFindings, type ChainVerdict, type ConnectionInfo, type OpensslOpinion } from "./verdict.js";
import { endpoint } from "../probe/target.js";
import type { ProbeOutcome, ProbeSuccess } from "../probe/types.js";

export type LiveCheckInput = Omit<CheckInput, "target" | "service" | "presented" | "host"> & {
  /** The name checked against the certificate: --servername, else the target host. */
  readonly host: string;
  /** The TabPy user whose credentials are checked next (`--user`): no AUTH_REQUIRED then. */
  readonly authUser?: string;
  /** OpenSSL verified at the current time: its verdict is comparable only when `at` is now (no --at). */
  readonly opensslComparable: boolean;
};

const LEGACY_PROTOCOLS: ReadonlySet<string> = new Set(["SSLv3", "TLSv1", "TLSv1.1"]);
/** Codes the probe's lowered OpenSSL security level (to see weak servers) or the name check explain. */
const NOT_COMPARED: ReadonlySet<string> = new Set(["HOSTNAME_MISMATCH", "WEAK_KEY", "WEAK_SIGNATURE_ALGORITHM", "LEGACY_TLS_VERSION"]);


/**
 * The certificates of a probe outcome, parsed (empty list for a failed probe). One that cannot be decoded is
 * kept, marked `unreadable`: validation reports it as MALFORMED_CERTIFICATE and the rest of the report renders.
 */
export function presentedOf(outcome: ProbeOutcome): Certificate[] {
  return outcome.ok ? outcome.presented.map((der) => readCertificate(der)) : [];
}

/** `presented`: the outcome's certificates when the caller parsed them already (see `presentedOf`). */
export function liveResult(outcome: ProbeOutcome, input: LiveCheckInput, presented = presentedOf(outcome)): ChainVerdict {
  return liveEvaluation(outcome, input, presented).result;
}

/** The result, and what OpenSSL should be asked to confirm the what-if (see `evaluateChain`). */
export function liveEvaluation(outcome: ProbeOutcome, input: LiveCheckInput, presented = presentedOf(outcome)): { result: ChainVerdict; plan: OpensslProofPlan | null } {
  if (!outcome.ok) return { result: errorResult(outcome, input), plan: null };
  return successResult(outcome, input, presented);
}

function errorResult(outcome: Extract<ProbeOutcome, { ok: false }>, input: LiveCheckInput): ChainVerdict {
  const { code, failure } = outcome.error;
  return noChainVerdict(outcome, input, makeFinding(code, null, failure), "error");
}

function noChainVerdict(outcome: ProbeOutcome, input: LiveCheckInput, finding: Finding, status: "error"): ChainVerdict {
  const code = finding.code;
  return {
    target: endpoint(outcome.target),
    service: null,
    host: input.host,
    chainKind: null,
    presented: [],
    path: null,
    builtPath: null,
    trustStore: input.anchors.description,
    verifierModel: input.partialChain ? "partial-chain" : "strict",
    checkedAt: input.at.toISOString(),
    trusted: false,
    status,
    headline: code,
    findings: [finding],
    remediation: emptyRemediation(input.targetOs),
    connection: {
      endpoint: endpoint(outcome.target), order: "wire", protocol: null, cipher: null, ocspStapled: null, servername: null,
      serviceDetail: null, openssl: null, elapsedMs: Math.round(outcome.elapsedMs),
    },
  };
}

function successResult(outcome: ProbeSuccess, input: LiveCheckInput, presented: Certificate[]): { result: ChainVerdict; plan: OpensslProofPlan | null } {
  const { result, plan } = evaluateChain(liveChainInput(outcome, input, presented));
  return { result: liveFromChain(outcome, input, result), plan };
}

/** What a live check asks of the chain: the same input as `verify`'s, from the outcome and the run's settings. */
export function liveChainInput(outcome: ProbeSuccess, input: LiveCheckInput, presented: readonly Certificate[]): CheckInput {
  // No --servername: the name checked is the target's own (an IP or an alias), maybe not the one Tableau will use.
  const hostFromTarget = input.host === outcome.target.host;
  return { ...input, target: endpoint(outcome.target), service: outcome.service.service, presented, hostFromTarget };
}

/** The chain's verdict (`evaluateChain` of `liveChainInput`) with what only the handshake shows. */
export function liveFromChain(outcome: ProbeSuccess, input: LiveCheckInput, base: ChainVerdict): ChainVerdict {
  const extra: Finding[] = [];
  if (LEGACY_PROTOCOLS.has(outcome.tls.protocol)) extra.push(makeFinding("LEGACY_TLS_VERSION", null, { protocol: outcome.tls.protocol }));
  const opinion = opensslOpinion(base, outcome, input);
  if (opinion?.comparison === "differs") extra.push(disagreement(base, opinion));
  const connection: ConnectionInfo = {
    endpoint: endpoint(outcome.target),
    order: outcome.order,
    ...(outcome.orderReason ? { orderReason: outcome.orderReason } : {}),
    protocol: outcome.tls.protocol,
    cipher: outcome.tls.cipher,
    ocspStapled: outcome.tls.ocspStapled,
    servername: outcome.tls.servername,
    serviceDetail: outcome.service.detail,
    openssl: opinion,
    elapsedMs: Math.round(outcome.elapsedMs),
  };
  if (outcome.service.tabpy?.httpStatus === 401 && !input.authUser) extra.push(makeFinding("AUTH_REQUIRED", null, {}));
  return { ...withFindings(base, extra), connection };
}

/** chaincheck's verdict on the chain itself: errors other than the name, the probe's lowered security level or a gate. */
function chainErrors(result: ChainVerdict): Finding[] {
  return result.findings.filter((f) => f.severity === "error" && !NOT_COMPARED.has(f.code));
}

/** OpenSSL's verdict from the handshake, and how it compares with chaincheck's verdict on the chain itself. */
function opensslOpinion(result: ChainVerdict, outcome: ProbeSuccess, input: LiveCheckInput): OpensslOpinion | null {
  if (!outcome.openssl) return null;
  const { authorized, reason } = outcome.openssl;
  if (!input.opensslComparable) return { authorized, reason, comparison: "other-time" };
  if (input.partialChain) return { authorized, reason, comparison: "other-model" };
  const oursOk = chainErrors(result).length === 0 && result.path !== null;
  return { authorized, reason, comparison: oursOk === authorized ? "agrees" : "differs" };
}

/** OPENSSL_DISAGREES: both verdicts on the chain, with chaincheck's reasons. */
function disagreement(result: ChainVerdict, opinion: OpensslOpinion): Finding {
  return makeFinding("OPENSSL_DISAGREES", null, {
    chaincheck: { codes: chainErrors(result).map((f) => f.code) },
    openssl: { authorized: opinion.authorized, reason: opinion.reason },
  });
}
