/** `chaincheck [targets...]`: flags and targets -> the live check (src/app/check.ts) -> report files and output -> exit code. */
import { checkTargets, readTargetsFile, streamTargets, type PlannedTarget } from "../app/check.js";
import type { ChainResult } from "../result/verdict.js";
import type { CredentialRequest } from "../app/live-settings.js";
import { InputError } from "../input/errors.js";
import { parseTargetsFile, TargetsFileError, type TargetSpec } from "../input/targets-file.js";
import { parseTarget, TargetError } from "../probe/target.js";
import type { CliDeps } from "./deps.js";
import { exitCodeFor } from "./exit-code.js";
import type { CheckFlags } from "./flags.js";
import type { CliIo } from "./io.js";
import { parseCount, UsageError } from "./options.js";
import { checkOutputTargets, emitResults, openResultOutput, writeArtifacts } from "./output.js";
import { startProgress } from "./progress.js";
import { commonSettings, liveOptions, secretSource } from "./settings.js";
import { VERSION } from "./version.js";

export interface ProbeFlags {
  servername?: string;
  service: "auto" | "tabpy" | "rserve" | "tls";
  timeout: string;
  targetsFile?: string;
  concurrency: string;
  report?: string;
}

export interface CredentialFlags {
  user?: string;
  passwordEnv?: string;
  sendCredentialsUntrusted?: boolean;
}

async function collectTargets(args: readonly string[], flags: ProbeFlags): Promise<PlannedTarget[]> {
  const specs: TargetSpec[] = args.map((input) => ({ input }));
  if (flags.targetsFile) {
    let text: string;
    try {
      text = await readTargetsFile(flags.targetsFile);
    } catch (err) {
      throw new UsageError(`--targets-file: cannot read ${err instanceof InputError ? err.message : flags.targetsFile}`);
    }
    try {
      specs.push(...parseTargetsFile(text, flags.targetsFile));
    } catch (err) {
      if (err instanceof TargetsFileError) throw new UsageError(err.message);
      throw err;
    }
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

/** `--user`: the TabPy credentials check, refused over plain HTTP; the password is asked for once the run needs it. */
function credentialRequest(flags: CredentialFlags, targets: readonly PlannedTarget[], io: CliIo, deps: CliDeps): CredentialRequest | undefined {
  if (flags.user && targets.some((t) => /^http:\/\//i.test(t.spec.input))) {
    throw new UsageError("refusing to send Basic credentials over plain HTTP: use the https:// (TLS) address");
  }
  if (!flags.user && (flags.passwordEnv || flags.sendCredentialsUntrusted)) throw new UsageError("--password-env and --send-credentials-untrusted need --user NAME");
  if (!flags.user) return undefined;
  const password = secretSource({
    envVar: flags.passwordEnv, option: "--password-env", question: `TabPy password for ${flags.user}: `,
    noTerminal: "--user needs --password-env VAR when no terminal can prompt for the password",
  }, io, deps);
  return { username: flags.user, password, sendUntrusted: flags.sendCredentialsUntrusted === true };
}

export async function executeProbe(args: readonly string[], flags: CheckFlags & ProbeFlags & CredentialFlags, io: CliIo, deps: CliDeps): Promise<number> {
  const targets = await collectTargets(args, flags);
  const settings = commonSettings(flags, io, deps);
  const timeoutMs = parseCount("--timeout", flags.timeout, 100, 600_000);
  const concurrency = parseCount("--concurrency", flags.concurrency, 1, 1024);
  await checkOutputTargets(flags, [...flags.caFile, ...flags.intermediates, ...(flags.targetsFile ? [flags.targetsFile] : [])]);
  const credentials = credentialRequest(flags, targets, io, deps);
  const command = {
    targets, ...(flags.servername ? { servername: flags.servername } : {}), service: flags.service, timeoutMs, concurrency, caFiles: flags.caFile,
    live: liveOptions(flags, settings), ...(credentials ? { credentials } : {}), inputs: settings.inputs, policy: settings.policy,
  };
  const progress = (total: number) => startProgress(io, flags.format === "text" && !flags.quiet && !flags.output, total);
  const context = { origins: targets.map((t) => t.spec.origin) };
  if (flags.saveAnchors || flags.report) {
    // Anchor files and the support file need every result, and are written before the report.
    const run = await checkTargets(command, deps.loadTrust, progress);
    await writeArtifacts(run.results, flags, io, run.trustStore);
    await emitResults(run.results, flags, io, VERSION, context);
    return exitCodeFor(run.results, flags.failOn);
  }
  // A fleet's report is written as its results come, in input order; only their statuses are kept (the exit code).
  const output = await openResultOutput(flags, io, VERSION, context);
  const statuses: Pick<ChainResult, "status">[] = [];
  try {
    await streamTargets(command, deps.loadTrust, async (result) => {
      statuses.push({ status: result.status });
      await output.add(result);
    }, progress);
    await output.finish();
  } catch (err) {
    await output.abort();
    throw err;
  }
  return exitCodeFor(statuses, flags.failOn);
}
