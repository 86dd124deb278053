/** `chaincheck [targets...]`: probe live endpoints concurrently, judge each chain, report, exit code. */
import { readFile } from "node:fs/promises";
import { liveResult } from "../live.js";
import { probe } from "../probe/probe.js";
import { parseTarget, TargetError } from "../probe/target.js";
import type { ProbeTarget } from "../probe/types.js";
import { loadTrust } from "../commands/trust.js";
import { mapConcurrent, parseTargetsFile, type TargetSpec } from "../commands/targets.js";
import type { ChainResult } from "../result.js";
import { exitCodeFor } from "./exit-code.js";
import type { CheckFlags } from "./flags.js";
import type { CliIo } from "./io.js";
import { parseCount, UsageError } from "./options.js";
import { emitResults } from "./output.js";
import { saveAnchors } from "./save-anchors.js";
import { writeSupportReport } from "./support-report.js";
import { commonSettings } from "./verify-command.js";
import { VERSION } from "./version.js";
import { startProgress } from "./progress.js";

export interface ProbeFlags {
  servername?: string;
  service: "auto" | "tabpy" | "rserve" | "tls";
  timeout: string;
  targetsFile?: string;
  concurrency: string;
  report?: string;
}

async function collectTargets(args: readonly string[], flags: ProbeFlags): Promise<{ spec: TargetSpec; target: ProbeTarget }[]> {
  const specs: TargetSpec[] = args.map((input) => ({ input }));
  if (flags.targetsFile) {
    let text: string;
    try {
      text = await readFile(flags.targetsFile, "utf8");
    } catch (err) {
      throw new UsageError(`--targets-file: cannot read ${flags.targetsFile} (${(err as NodeJS.ErrnoException).code ?? "error"})`);
    }
    specs.push(...parseTargetsFile(text, flags.targetsFile));
  }
  if (specs.length === 0) throw new UsageError("no target given: try `chaincheck HOST[:PORT]`, `chaincheck verify FILE` or `chaincheck demo` (see --help)");
  return specs.map((spec) => {
    try {
      return { spec, target: parseTarget(spec.input) };
    } catch (err) {
      if (err instanceof TargetError) throw new UsageError(err.message);
      throw err;
    }
  });
}

export async function executeProbe(args: readonly string[], flags: CheckFlags & ProbeFlags, io: CliIo): Promise<number> {
  const targets = await collectTargets(args, flags);
  const settings = commonSettings(flags, io);
  const timeoutMs = parseCount("--timeout", flags.timeout, 100, 600_000);
  const concurrency = parseCount("--concurrency", flags.concurrency, 1, 1024);
  const trust = await loadTrust(flags.caFile);
  const ca = trust.store.pems();
  const progress = await startProgress(io, flags.format === "text" && !flags.quiet, targets.length);
  let results: ChainResult[];
  try {
    results = await mapConcurrent(targets, concurrency, async ({ spec, target }) => {
      const servername = spec.servername ?? flags.servername;
      const outcome = await probe(target, {
        timeoutMs,
        service: spec.service ?? flags.service,
        ca,
        ...(servername ? { servername } : {}),
      });
      progress.tick(spec.input);
      return liveResult(outcome, {
        host: servername ?? target.host,
        anchors: trust.anchors,
        at: settings.at,
        partialChain: flags.partialChain === true,
        warnDays: settings.warnDays,
        targetOs: settings.targetOs,
      });
    });
  } finally {
    progress.stop();
  }
  if (flags.saveAnchors) await saveAnchors(flags.saveAnchors, results, io);
  if (flags.report) await writeSupportReport(flags.report, results, trust.store.source.description, io);
  await emitResults(results, flags, io, VERSION);
  return exitCodeFor(results, flags.failOn);
}
