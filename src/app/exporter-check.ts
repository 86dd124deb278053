/**
 * The exporter's one check: `check`'s pipeline (probe under its watchdog, judgeLiveTarget, the policies) with the
 * trust store and options fixed at start-up, validating at the time each probe runs. The only place where the
 * exporter meets the pipeline's API; the HTTP side (server.ts) sees a function. I/O (network).
 */
import type { TargetOs } from "../advise/platforms.js";
import { checkTarget } from "./check-target.js";
import type { LiveTargetSettings } from "./live-target.js";
import type { LoadedTrust } from "./trust.js";
import { applyPolicies, type PolicyOptions } from "../policy/index.js";
import type { ChainResult } from "../result/verdict.js";
import { reportResult } from "../report/document.js";
import type { ProbeRequest } from "../exporter/request.js";

/** Runs one check within `timeoutMs`; `signal` aborts it (the scraper went away), rejecting with its reason. */
export type ExporterCheck = (request: ProbeRequest, timeoutMs: number, signal: AbortSignal) => Promise<ChainResult>;

export interface FixedSettings {
  readonly trust: LoadedTrust;
  readonly partialChain: boolean;
  readonly warnDays: number;
  readonly policy: PolicyOptions;
  /** Only for the advice inside each result (never shown by the exporter). */
  readonly targetOs: TargetOs;
}

export function liveCheck(fixed: FixedSettings, now: () => Date = () => new Date()): ExporterCheck {
  const ca = fixed.trust.caPems();
  return async (request, timeoutMs, signal) => {
    const settings: LiveTargetSettings = {
      anchors: fixed.trust.anchors,
      at: now(),
      partialChain: fixed.partialChain,
      warnDays: fixed.warnDays,
      targetOs: fixed.targetOs,
      opensslComparable: true,
      heldIntermediates: [],
      storeIntermediates: fixed.trust.intermediates,
      aia: false,
      sendCredentialsUntrusted: false,
    };
    const options = { timeoutMs, service: request.service, ca, signal, ...(request.servername ? { servername: request.servername } : {}) };
    const [result] = applyPolicies([await checkTarget(request.target, options, request.servername ?? request.target.host, settings)], fixed.policy);
    return reportResult(result!);
  };
}
