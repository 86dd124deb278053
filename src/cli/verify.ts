/** `chaincheck verify FILE`: flags -> the verify command (src/app/verify.ts) -> report files and output -> exit code. */
import { verify } from "../app/verify.js";
import type { CliDeps } from "./deps.js";
import { exitCodeFor } from "./exit-code.js";
import type { CheckFlags, VerifyOnlyFlags } from "./flags.js";
import type { CliIo } from "./io.js";
import { checkOutputTargets, emitResults, writeArtifacts } from "./output.js";
import { commonSettings } from "./settings.js";
import { VERSION } from "./version.js";

export async function executeVerify(file: string, flags: CheckFlags & VerifyOnlyFlags, io: CliIo, deps: CliDeps): Promise<number> {
  const settings = commonSettings(flags, io, deps);
  await checkOutputTargets(flags, [file, ...flags.chain, ...flags.intermediates, ...flags.caFile]);
  const run = await verify(
    {
      file,
      chain: flags.chain,
      intermediates: flags.intermediates,
      host: flags.host ?? null,
      service: flags.service ?? null,
      at: settings.at,
      partialChain: flags.partialChain === true,
      warnDays: settings.warnDays,
      targetOs: settings.targetOs,
      aia: flags.aia === true,
      saveAnchors: flags.saveAnchors !== undefined,
      atGiven: flags.at !== undefined,
      caFiles: flags.caFile,
      inputs: settings.inputs,
      policy: settings.policy,
    },
    deps.loadTrust,
  );
  await writeArtifacts(run.results, flags, io, run.trustStore);
  await emitResults(run.results, flags, io, VERSION);
  return exitCodeFor(run.results, flags.failOn);
}
