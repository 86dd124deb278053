/**
 * `chaincheck [targets...]`: the live check of many targets. Loads the trust store, the held intermediates and the
 * TabPy password once, then checks every target concurrently (each within its --timeout, behind its watchdog),
 * applies the gates and puts the results in words. I/O (network, the files named on the command line).
 */
import type { TargetService, TargetSpec } from "../input/targets-file.js";
import { TARGETS_FILE_MAX_BYTES } from "../input/limits.js";
import { readFileBounded } from "../input/read.js";
import type { ProbeTarget } from "../probe/types.js";
import { applyPolicies, type PolicyOptions } from "../policy/index.js";
import { reportResult } from "../report/document.js";
import type { ChainResult, ChainVerdict } from "../result/verdict.js";
import { forEachConcurrent, mapConcurrent } from "./concurrency.js";
import { trustStoreNotes } from "./trust.js";
import { withRunNotes, type RunInputs } from "./inputs.js";
import { liveTargetSettings, type CredentialRequest, type LiveOptions } from "./live-settings.js";
import { checkTarget } from "./live-target.js";
import { ChainVerdicts } from "./chain-verdicts.js";
import { NO_PROGRESS, type CheckedRun, type StartProgress, type TrustLoader } from "./run.js";

/** A target as given (command line or targets file) and as parsed. */
export interface PlannedTarget {
  readonly spec: TargetSpec;
  readonly target: ProbeTarget;
}

/**
 * The text of a `--targets-file`, read within its cap.
 * @throws InputError naming the file (missing, unreadable, too large, empty)
 */
export async function readTargetsFile(path: string): Promise<string> {
  return Buffer.from(await readFileBounded(path, TARGETS_FILE_MAX_BYTES, "targets files")).toString("utf8");
}

export interface CheckCommand {
  readonly targets: readonly PlannedTarget[];
  /** `--servername` for targets whose line names none. */
  readonly servername?: string;
  readonly service: TargetService;
  readonly timeoutMs: number;
  readonly concurrency: number;
  readonly caFiles: readonly string[];
  readonly live: LiveOptions;
  readonly credentials?: CredentialRequest;
  readonly inputs: RunInputs;
  readonly policy: PolicyOptions;
}

/** Every result at once, in input order (`streamTargets` gathered). */
export async function checkTargets(command: CheckCommand, loadTrust: TrustLoader, startProgress: StartProgress = NO_PROGRESS): Promise<CheckedRun> {
  const results: ChainResult[] = [];
  const { trustStore } = await streamTargets(command, loadTrust, (result) => void results.push(result), startProgress);
  return { results, trustStore };
}

/**
 * Checks every target and hands each result, in input order, to `deliver` as soon as it and those before it are
 * done; nothing is kept once delivered. `--expect-same-chain` compares every chain of the run, so with it the
 * results come at the end.
 */
export async function streamTargets(
  command: CheckCommand, loadTrust: TrustLoader, deliver: (result: ChainResult) => void | Promise<void>, startProgress: StartProgress = NO_PROGRESS,
): Promise<{ trustStore: string }> {
  const trust = await loadTrust(command.caFiles, command.inputs.read);
  const ca = trust.caPems();
  // One run, one set of chain verdicts: targets presenting the same chain for the same question share one.
  const live = { ...await liveTargetSettings(command.live, trust, command.inputs.read, command.credentials), verdicts: new ChainVerdicts() };
  // Every input file is read by now: the notes are complete.
  const notes = [...command.inputs.notes(), ...trustStoreNotes(trust)];
  const finished = (verdicts: readonly ChainVerdict[]): ChainResult[] => applyPolicies(withRunNotes(verdicts, notes), command.policy).map(reportResult);
  const progress = await startProgress(command.targets.length);
  const check = async ({ spec, target }: PlannedTarget): Promise<ChainVerdict> => {
    const servername = spec.servername ?? command.servername;
    const options = { timeoutMs: command.timeoutMs, service: spec.service ?? command.service, ca, ...(servername ? { servername } : {}) };
    const result = await checkTarget(target, options, servername ?? target.host, live);
    progress.tick(spec.input);
    return result;
  };
  try {
    if (command.policy.expectSameChain) {
      for (const result of finished(await mapConcurrent(command.targets, command.concurrency, check))) await deliver(result);
    } else {
      await forEachConcurrent(command.targets, command.concurrency, check, (verdict) => deliver(finished([verdict])[0]!));
    }
  } finally {
    progress.stop();
  }
  return { trustStore: trust.store.source.description };
}
