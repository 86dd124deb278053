/**
 * One live target, within its --timeout from first packet to last: the probe, AIA downloads (started as soon as
 * the chain is in, so they overlap service detection), validation and advice (`liveResult`), what only the probe
 * shows (service mismatch, an oversized chain), the TabPy credentials check, and the Tableau settings to use; a
 * watchdog behind it all. The one pipeline `check`, `tableau` and the exporter's /probe share. I/O (the probe, AIA,
 * the credentials connection).
 */
import type { Certificate } from "../types.js";
import type { Finding } from "../findings/finding.js";
import { aiaFindings, fetchMissingIssuers, issuerAvailable, type AiaFetch } from "../aia/fetch-issuers.js";
import { tableauSetup } from "../advise/tableau.js";
import { readCertificate } from "../cert/parse.js";
import { liveChainInput, liveFromChain, liveResult, type LiveCheckInput } from "../result/live-result.js";
import { evaluateChain } from "../result/chain-result.js";
import { ChainVerdicts, type ProofInputs } from "./chain-verdicts.js";
import { probe } from "../probe/probe.js";
import type { ProbeOptions, ProbeOutcome, ProbeTarget } from "../probe/types.js";
import { provenByOpenssl, type ProofBound } from "./openssl-proof.js";
import { withFindings, type ChainVerdict } from "../result/verdict.js";
import { checkCredentials, type Credentials } from "./credentials.js";
import { probeFindings } from "../result/probe-findings.js";
import { withWatchdog } from "./concurrency.js";

export interface LiveTargetSettings extends Omit<LiveCheckInput, "host" | "authUser"> {
  /** Fetch missing issuers from AIA caIssuers URLs (--aia). */
  readonly aia: boolean;
  readonly credentials?: Credentials;
  readonly sendCredentialsUntrusted: boolean;
  /** The run's chain verdicts (a fleet: each distinct chain judged once); absent: every target judged afresh. */
  readonly verdicts?: ChainVerdicts;
}

/** What a target may still spend: its deadline (performance.now() time) and the watchdog's signal. */
interface Budget {
  readonly deadline: number;
  /** AIA downloads already under way (started when the chain arrived). */
  readonly aia?: Promise<AiaFetch>;
}

/** Past the target's own deadline, the watchdog answers for a check that has not (a bug, or a starved event loop). */
export const WATCHDOG_GRACE_MS = 500;

/**
 * Checks `target` (`host`: the name checked against the certificate). `options.signal`, when given, aborts the check
 * early (the caller went away): the promise then rejects with its reason.
 */
export function checkTarget(target: ProbeTarget, options: ProbeOptions, host: string, live: LiveTargetSettings): Promise<ChainVerdict> {
  const bound = options.timeoutMs + WATCHDOG_GRACE_MS;
  const { signal: callerSignal, ...rest } = options;
  return withWatchdog(
    bound,
    (signal) => checkLiveTarget(target, host, { ...rest, signal: callerSignal ? AbortSignal.any([signal, callerSignal]) : signal }, live),
    () => unfinishedResult(target, host, live, bound),
  );
}

/** The presented certificates, through the run's verdicts when it has them (each certificate parsed once per run). */
function parsePresented(ders: readonly Uint8Array[], verdicts?: ChainVerdicts): Certificate[] {
  return verdicts ? verdicts.certificates(ders) : ders.map((der) => readCertificate(der));
}

/**
 * Probes and judges `target`: every step (connect, handshake, detection, AIA, the credentials' second connection)
 * ends by `options.timeoutMs` after the call; `options.signal` aborts them all.
 */
export async function checkLiveTarget(target: ProbeTarget, host: string, options: ProbeOptions, settings: LiveTargetSettings): Promise<ChainVerdict> {
  const deadline = performance.now() + options.timeoutMs;
  // With --aia the chain is read as soon as it arrives and judged later: one set of verdicts parses it once.
  const judging = settings.aia && !settings.verdicts ? { ...settings, verdicts: new ChainVerdicts() } : settings;
  let aia: Promise<AiaFetch> | undefined;
  const onChain = settings.aia
    ? (presented: readonly Uint8Array[]) => {
      // An unreadable certificate has no AIA to follow; the validator reports it.
      const readable = parsePresented(presented, judging.verdicts).filter((c) => !c.unreadable);
      aia = downloadIssuers(readable, judging, deadline, options.signal);
      // Awaited below, unless the probe itself is aborted first: then its rejection is expected, not unhandled.
      aia.catch(() => undefined);
    }
    : undefined;
  const outcome = await probe(target, { ...options, ...(onChain ? { onChain } : {}) });
  return judgeLiveTarget(outcome, host, options, judging, { deadline, ...(aia ? { aia } : {}) });
}

/**
 * Judges a probe outcome. `budget` defaults to the whole `probeOptions.timeoutMs` from now (for callers that probed
 * on their own, like the demo).
 */
export async function judgeLiveTarget(
  outcome: ProbeOutcome, host: string, probeOptions: ProbeOptions, settings: LiveTargetSettings,
  budget: Budget = { deadline: performance.now() + probeOptions.timeoutMs },
): Promise<ChainVerdict> {
  const presented = outcome.ok ? parsePresented(outcome.presented, settings.verdicts) : [];
  let held = settings.heldIntermediates ?? [];
  let aiaFailures: Finding[] = [];
  let downloaded: ReadonlyMap<string, string> = new Map();
  if (settings.aia && outcome.ok) {
    const fetched = await (budget.aia ?? downloadIssuers(presented, settings, budget.deadline, probeOptions.signal));
    held = [...held, ...fetched.certificates];
    aiaFailures = aiaFindings(fetched);
    downloaded = fetched.origins;
  }
  const user = settings.credentials?.username;
  const advice = { ...settings.advice, downloaded, aia: settings.aia };
  const input = { ...settings, host, heldIntermediates: held, advice, ...(user ? { authUser: user } : {}) };
  const bound = { deadline: budget.deadline, ...(probeOptions.signal ? { signal: probeOptions.signal } : {}) };
  const judged = await judgeOutcome(outcome, input, presented, { storePems: probeOptions.ca ?? [], sameTime: settings.opensslComparable }, bound, settings.verdicts);
  let result = withFindings(judged, aiaFailures);
  if (!outcome.ok) return result;
  result = withFindings(result, probeFindings(outcome, probeOptions.service, presented));
  if (settings.credentials) {
    result = await checkCredentials(result, outcome, probeOptions, settings.credentials, settings.sendCredentialsUntrusted, budget.deadline);
  }
  const setup = tableauSetup(result, outcome.target.port, user ?? null);
  return setup ? { ...result, tableau: setup } : result;
}

/**
 * Validation and advice (proven by OpenSSL when the advice has a what-if): of the chain, through the run's verdicts
 * when it has them, then what only this handshake shows.
 */
async function judgeOutcome(
  outcome: ProbeOutcome, input: LiveCheckInput, presented: readonly Certificate[], proof: ProofInputs, bound: ProofBound, verdicts?: ChainVerdicts,
): Promise<ChainVerdict> {
  if (!outcome.ok) return liveResult(outcome, input, [...presented]);
  const chainInput = liveChainInput(outcome, input, presented);
  const judgeChain = () => provenByOpenssl(
    (opensslProof) => evaluateChain(opensslProof ? { ...chainInput, opensslProof } : chainInput), proof.storePems, proof.sameTime, bound,
  );
  return liveFromChain(outcome, input, await (verdicts ? verdicts.judge(chainInput, proof, judgeChain) : judgeChain()));
}

/** The result for a target whose check did not end within `ms` (the watchdog's answer). */
export function unfinishedResult(target: ProbeTarget, host: string, settings: LiveTargetSettings, ms: number): ChainVerdict {
  const outcome: ProbeOutcome = {
    ok: false,
    target,
    error: { code: "CONNECTION_TIMEOUT", failure: { kind: "watchdog", target: target.input, ms } },
    elapsedMs: ms,
  };
  return liveResult(outcome, { ...settings, host });
}

function downloadIssuers(presented: readonly Certificate[], settings: LiveTargetSettings, deadline: number, signal: AbortSignal | undefined): Promise<AiaFetch> {
  return fetchMissingIssuers([...presented, ...(settings.heldIntermediates ?? [])], {
    hasIssuer: issuerAvailable(settings.anchors, settings.storeIntermediates),
    deadline,
    ...(signal ? { signal } : {}),
  });
}
