/**
 * A probe outcome -> `ChainResult`: the same validation and advice as `verify`, plus what only a live
 * handshake shows (TLS version, OpenSSL's verdict, the service). Pure.
 */
import type { Finding } from "./types.js";
import { checkChain, type CheckInput } from "./check.js";
import { readCertificate } from "./cert/parse.js";
import type { Certificate } from "./types.js";
import { makeFinding } from "./findings/finding.js";
import { emptyRemediation } from "./advise/advise.js";
import { withFindings, type ChainResult, type ConnectionInfo } from "./result.js";
import type { ProbeOutcome, ProbeSuccess } from "./probe/types.js";

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

function endpointOf(outcome: ProbeOutcome): string {
  const { host, port } = outcome.target;
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * The certificates of a probe outcome, parsed (empty list for a failed probe). One that cannot be decoded is
 * kept, marked `unreadable`: validation reports it as MALFORMED_CERTIFICATE and the rest of the report renders.
 */
export function presentedOf(outcome: ProbeOutcome): Certificate[] {
  return outcome.ok ? outcome.presented.map((der) => readCertificate(der)) : [];
}

/** `presented`: the outcome's certificates when the caller parsed them already (see `presentedOf`). */
export function liveResult(outcome: ProbeOutcome, input: LiveCheckInput, presented = presentedOf(outcome)): ChainResult {
  return outcome.ok ? successResult(outcome, input, presented) : errorResult(outcome, input);
}

function errorResult(outcome: Extract<ProbeOutcome, { ok: false }>, input: LiveCheckInput): ChainResult {
  const { code, message, hint } = outcome.error;
  return noChainResult(outcome, input, makeFinding(code, null, { message, ...(hint ? { hint } : {}) }), "error");
}

function noChainResult(outcome: ProbeOutcome, input: LiveCheckInput, finding: Finding, status: "error"): ChainResult {
  const code = finding.code;
  return {
    target: endpointOf(outcome),
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
      endpoint: endpointOf(outcome), order: "wire", protocol: null, cipher: null, ocspStapled: null, servername: null,
      serviceDetail: null, openssl: null, elapsedMs: Math.round(outcome.elapsedMs),
    },
  };
}

function successResult(outcome: ProbeSuccess, input: LiveCheckInput, presented: Certificate[]): ChainResult {
  const base = checkChain({ ...input, target: endpointOf(outcome), service: outcome.service.service, presented });
  const extra: Finding[] = [];
  if (LEGACY_PROTOCOLS.has(outcome.tls.protocol)) extra.push(makeFinding("LEGACY_TLS_VERSION", null, { protocol: outcome.tls.protocol }));
  const disagreement = input.opensslComparable ? compareWithOpenssl(base, outcome, input.partialChain) : null;
  if (disagreement) extra.push(disagreement);
  const connection: ConnectionInfo = {
    endpoint: endpointOf(outcome),
    order: outcome.order,
    protocol: outcome.tls.protocol,
    cipher: outcome.tls.cipher,
    ocspStapled: outcome.tls.ocspStapled,
    servername: outcome.tls.servername,
    serviceDetail: outcome.service.detail,
    openssl: outcome.openssl ?? null,
    elapsedMs: Math.round(outcome.elapsedMs),
  };
  if (outcome.service.tabpy?.httpStatus === 401 && !input.authUser) extra.push(makeFinding("AUTH_REQUIRED", null, {}));
  return { ...withFindings(base, extra), connection };
}

/** OPENSSL_DISAGREES when OpenSSL's handshake verdict differs from chaincheck's verdict on the chain itself. */
function compareWithOpenssl(result: ChainResult, outcome: ProbeSuccess, partialChain: boolean): Finding | null {
  if (!outcome.openssl || partialChain) return null;
  const chainErrors = result.findings.filter((f) => f.severity === "error" && !NOT_COMPARED.has(f.code));
  const oursOk = chainErrors.length === 0 && result.path !== null;
  if (oursOk === outcome.openssl.authorized) return null;
  const ours = oursOk ? "the chain is trusted" : `not trusted (${chainErrors.map((f) => f.code).join(", ")})`;
  const openssl = outcome.openssl.authorized ? "trusted" : `not trusted (${outcome.openssl.reason ?? "no reason given"})`;
  return makeFinding("OPENSSL_DISAGREES", null, { ours, openssl });
}
