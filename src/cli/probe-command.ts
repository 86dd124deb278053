/** `chaincheck [targets...]`: probe live endpoints concurrently, judge each chain, apply policies, report, exit code. */
import { checkTarget } from "../app/check-target.js";
import { liveSettings, type CredentialFlags } from "./live-settings.js";
import { parseTarget, TargetError } from "../probe/target.js";
import type { ProbeTarget } from "../probe/types.js";
import { loadTrust } from "../app/trust.js";
import { mapConcurrent, parseTargetsFile, type TargetSpec } from "../app/targets.js";
import { applyPolicies } from "../policy/index.js";
import type { ChainVerdict } from "../result/verdict.js";
import { exitCodeFor } from "./exit-code.js";
import type { CheckFlags } from "./flags.js";
import type { CliIo } from "./io.js";
import { parseCount, UsageError } from "./options.js";
import { checkOutputTargets, emitResults, writeArtifacts } from "./output.js";
import { withInputNotes } from "../app/inputs.js";
import { InputError } from "../input/errors.js";
import { TARGETS_FILE_MAX_BYTES } from "../input/limits.js";
import { readFileBounded } from "../input/read.js";
import { commonSettings } from "./verify-command.js";
import { VERSION } from "./version.js";
import { reportResult } from "../report/document.js";
import { startProgress } from "./progress.js";

export interface ProbeFlags {
  servername?: string;
  service: "auto" | "tabpy" | "rserve" | "tls";
  timeout: string;
  targetsFile?: string;
  concurrency: string;
  report?: string;
}

interface PlannedTarget {
  readonly spec: TargetSpec;
  readonly target: ProbeTarget;
}

async function collectTargets(args: readonly string[], flags: ProbeFlags): Promise<PlannedTarget[]> {
  const specs: TargetSpec[] = args.map((input) => ({ input }));
  if (flags.targetsFile) {
    let text: string;
    try {
      text = Buffer.from(await readFileBounded(flags.targetsFile, TARGETS_FILE_MAX_BYTES, "targets files")).toString("utf8");
    } catch (err) {
      throw new UsageError(`--targets-file: cannot read ${err instanceof InputError ? err.message : flags.targetsFile}`);
    }
    specs.push(...parseTargetsFile(text, flags.targetsFile));
  }
  if (specs.length === 0) throw new UsageError("no target given: try `chaincheck HOST[:PORT]`, `chaincheck verify FILE` or `chaincheck demo` (see --help)");
  return specs.map((spec) => {
    try {
      return { spec, target: parseTarget(spec.input) };
    } catch (err) {
      if (err instanceof TargetError) throw new UsageError(spec.origin ? `${spec.origin.file}:${spec.origin.line}: ${err.message}` : err.message);
      throw err;
    }
  });
}

export async function executeProbe(args: readonly string[], flags: CheckFlags & ProbeFlags & CredentialFlags, io: CliIo): Promise<number> {
  const targets = await collectTargets(args, flags);
  const settings = commonSettings(flags, io);
  const timeoutMs = parseCount("--timeout", flags.timeout, 100, 600_000);
  const concurrency = parseCount("--concurrency", flags.concurrency, 1, 1024);
  await checkOutputTargets(flags, [...flags.caFile, ...flags.intermediates, ...(flags.targetsFile ? [flags.targetsFile] : [])]);
  const trust = await loadTrust(flags.caFile, settings.inputs.read, io.host);
  const ca = trust.caPems();
  const live = { ...(await liveSettings(flags, settings, trust.anchors, io, targets)), storeIntermediates: trust.intermediates };
  const progress = await startProgress(io, flags.format === "text" && !flags.quiet && !flags.output, targets.length);
  let checked: ChainVerdict[];
  try {
    checked = await mapConcurrent(targets, concurrency, async ({ spec, target }) => {
      const servername = spec.servername ?? flags.servername;
      const options = { timeoutMs, service: spec.service ?? flags.service, ca, ...(servername ? { servername } : {}) };
      const result = await checkTarget(target, options, servername ?? target.host, live);
      progress.tick(spec.input);
      return result;
    });
  } finally {
    progress.stop();
  }
  const results = applyPolicies(withInputNotes(checked, settings.inputs), settings.policy).map(reportResult);
  await writeArtifacts(results, flags, io, trust.store.source.description);
  await emitResults(results, flags, io, VERSION, { origins: targets.map((t) => t.spec.origin) });
  return exitCodeFor(results, flags.failOn);
}
