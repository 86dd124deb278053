/**
 * `chaincheck exporter`: load the trust store once, serve /probe and /metrics (src/exporter/server.ts) until asked
 * to stop, then shut down cleanly (probes in flight answer first). Each probe is `check`'s pipeline (probe under its
 * watchdog, the judgement, the policies) with the trust store and options fixed at start-up, validating at the
 * time it runs: the only place where the exporter meets the pipeline; the HTTP side sees a function. I/O (network).
 */
import type { TargetOs } from "../advise/platforms.js";
import { checkTarget } from "./live-target.js";
import type { LiveTargetSettings } from "./live-target.js";
import { trustStoreNotes, type LoadedTrust } from "./trust.js";
import { withRunNotes } from "./inputs.js";
import { applyPolicies, type PolicyOptions } from "../policy/index.js";
import type { ChainResult } from "../result/verdict.js";
import { reportResult } from "../report/document.js";
import type { ListenAddress, ProbeRequest } from "../exporter/request.js";
import { startExporter } from "../exporter/server.js";
import type { TrustLoader } from "./run.js";

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
  const notes = trustStoreNotes(fixed.trust);
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
    const checked = await checkTarget(request.target, options, request.servername ?? request.target.host, settings);
    const [result] = applyPolicies(withRunNotes([checked], notes), fixed.policy);
    return reportResult(result!);
  };
}

export interface ExporterCommand {
  readonly listen: ListenAddress;
  readonly timeoutMs: number;
  readonly concurrency: number;
  readonly caFiles: readonly string[];
  readonly partialChain: boolean;
  readonly warnDays: number;
  readonly policy: PolicyOptions;
  readonly targetOs: TargetOs;
  readonly version: string;
  readonly nodeVersion: string;
}

/** What the exporter tells its caller while it runs, and how the caller tells it to stop. */
export interface ExporterHooks {
  /** A line of the server's own log (a refused request, an internal error). */
  readonly log: (line: string) => void;
  readonly onListening: (url: string, trustStore: string) => void;
  /** Resolves with the name of the signal (or other reason) to stop. */
  readonly stopRequested: () => Promise<string>;
  readonly onStopping: (reason: string, inFlight: number) => void;
}

/** The server could not listen on the address (`code`: the system's reason). */
export class ListenError extends Error {
  override name = "ListenError";
  constructor(readonly code: string) {
    super(code);
  }
}

/** Serves until `hooks.stopRequested` resolves, then closes; probes in flight answer first. @throws ListenError */
export async function serveExporter(command: ExporterCommand, loadTrust: TrustLoader, hooks: ExporterHooks): Promise<void> {
  const trust = await loadTrust(command.caFiles, {});
  let exporter;
  try {
    exporter = await startExporter({
      listen: command.listen, timeoutMs: command.timeoutMs, concurrency: command.concurrency,
      check: liveCheck({ trust, warnDays: command.warnDays, policy: command.policy, partialChain: command.partialChain, targetOs: command.targetOs }),
      trustStoreSize: trust.store.size,
      version: command.version,
      nodeVersion: command.nodeVersion,
      log: hooks.log,
    });
  } catch (err) {
    throw new ListenError((err as NodeJS.ErrnoException).code ?? (err as Error).message);
  }
  const stop = hooks.stopRequested();
  hooks.onListening(exporter.url, trust.store.source.description);
  const reason = await stop;
  hooks.onStopping(reason, exporter.stats().inFlight);
  await exporter.close();
}
