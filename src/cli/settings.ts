/**
 * The option values shared by `check`, `verify` and `tableau`, parsed once before any file is read or server
 * probed (a typo is exit 2 at once), and the secrets a run needs: from the environment variable an option names, or
 * a no-echo prompt on a terminal. Never printed.
 */
import type { TargetOs } from "../advise/platforms.js";
import { runInputs, type RunInputs } from "../app/inputs.js";
import type { LiveOptions } from "../app/live-settings.js";
import type { PolicyOptions } from "../policy/index.js";
import type { CliDeps } from "./deps.js";
import type { CheckFlags } from "./flags.js";
import type { CliIo } from "./io.js";
import { parseAt, parseCount, parseFingerprint, UsageError } from "./options.js";

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

export function commonSettings(flags: CheckFlags, io: CliIo, deps: CliDeps): CommonSettings {
  return {
    at: parseAt(flags.at, io.now),
    warnDays: parseCount("--warn-days", flags.warnDays, 0, 36500),
    targetOs: flags.targetOs === "auto" ? deps.detectOs() : (flags.targetOs as TargetOs),
    policy: policyOptions(flags),
    inputs: runInputs({
      ...(flags.pfxPasswordEnv ? { passwordEnv: flags.pfxPasswordEnv } : {}),
      env: io.env,
      ...(io.stdinIsTTY ? { promptSecret: deps.promptSecret } : {}),
    }),
  };
}

/** What a live check does with each chain beyond validating it (check and tableau). */
export function liveOptions(flags: CheckFlags, settings: CommonSettings): LiveOptions {
  return {
    at: settings.at,
    partialChain: flags.partialChain === true,
    warnDays: settings.warnDays,
    targetOs: settings.targetOs,
    // OpenSSL verifies at the current time: its verdict is comparable unless --at moved the validation time.
    opensslComparable: flags.at === undefined,
    intermediates: flags.intermediates,
    aia: flags.aia === true,
  };
}

/** Where a secret comes from: the variable an option names, else the terminal. */
export interface SecretSpec {
  /** The variable's name (the option's value), or undefined to ask on the terminal. */
  readonly envVar: string | undefined;
  /** The option that names the variable, for messages ("--password-env"). */
  readonly option: string;
  readonly question: string;
  /** The usage error when there is no variable and no terminal to ask. */
  readonly noTerminal: string;
  /** An empty variable counts as not set (a Tableau secret is never empty). */
  readonly emptyIsUnset?: boolean;
}

/** A secret, resolved when called: a run asks only once it needs the secret. */
export function secretSource(spec: SecretSpec, io: CliIo, deps: CliDeps): () => Promise<string> {
  return async () => {
    if (spec.envVar !== undefined) {
      const value = io.env[spec.envVar];
      if (value === undefined || (spec.emptyIsUnset === true && value === "")) throw new UsageError(`${spec.option}: the variable ${spec.envVar} is not set`);
      return value;
    }
    if (!io.stdinIsTTY) throw new UsageError(spec.noTerminal);
    return deps.promptSecret(spec.question);
  };
}
