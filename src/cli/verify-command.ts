/** `chaincheck verify FILE`: flags -> request -> result -> policies -> report -> exit code. */
import type { TargetOs } from "../advise/platforms.js";
import { detectTargetOs } from "../advise/detect-os.js";
import { loadTrust } from "../app/trust.js";
import { applyPolicies, type PolicyOptions } from "../policy/index.js";
import { exitCodeFor } from "./exit-code.js";
import type { CheckFlags, VerifyOnlyFlags } from "./flags.js";
import type { CliIo } from "./io.js";
import { parseAt, parseCount, parseFingerprint, UsageError } from "./options.js";
import { checkOutputTargets, emitResults, writeArtifacts } from "./output.js";
import { runInputs, withInputNotes, type RunInputs } from "../app/inputs.js";
import { VERSION } from "./version.js";
import { reportResult } from "../report/document.js";

/** Option values shared by verify and check, parsed once. */
export interface CommonSettings {
  readonly at: Date;
  readonly warnDays: number;
  readonly targetOs: TargetOs;
  readonly policy: PolicyOptions;
  /** How every certificate file of the run is read (PKCS#12 password, INPUT_NOTE findings). */
  readonly inputs: RunInputs;
}

/** `--min-days`, `--expect-*`: parsed before any network or file work, so a typo is exit 2 at once. */
export function policyOptions(flags: Pick<CheckFlags, "minDays" | "expectIssuer" | "expectFingerprint" | "expectSameChain">): PolicyOptions {
  const issuer = flags.expectIssuer?.trim();
  if (flags.expectIssuer !== undefined && !issuer) throw new UsageError("--expect-issuer: expected a subject such as \"CN=Corp Issuing CA, O=Corp\"");
  return {
    minDays: flags.minDays === undefined ? 0 : parseCount("--min-days", flags.minDays, 0, 36500),
    issuer: issuer ?? null,
    fingerprints: (flags.expectFingerprint ?? []).map(parseFingerprint),
    expectSameChain: flags.expectSameChain === true,
  };
}

export function commonSettings(flags: CheckFlags, io: CliIo): CommonSettings {
  return {
    at: parseAt(flags.at, io.now),
    warnDays: parseCount("--warn-days", flags.warnDays, 0, 36500),
    targetOs: flags.targetOs === "auto" ? detectTargetOs(io.host) : (flags.targetOs as TargetOs),
    policy: policyOptions(flags),
    inputs: runInputs(flags, io),
  };
}

export async function executeVerify(file: string, flags: CheckFlags & VerifyOnlyFlags, io: CliIo): Promise<number> {
  const settings = commonSettings(flags, io);
  await checkOutputTargets(flags, [file, ...flags.chain, ...flags.intermediates, ...flags.caFile]);
  // Imported here, not at the top: the live check imports this module for commonSettings and needs none of it.
  const { verifyBundle } = await import("../app/verify.js");
  const trust = await loadTrust(flags.caFile, settings.inputs.read, io.host);
  const checked = await verifyBundle(
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
      read: settings.inputs.read,
    },
    trust,
  );
  const results = applyPolicies(withInputNotes([checked], settings.inputs), settings.policy).map(reportResult);
  await writeArtifacts(results, flags, io, trust.store.source.description);
  await emitResults(results, flags, io, VERSION);
  return exitCodeFor(results, flags.failOn);
}
