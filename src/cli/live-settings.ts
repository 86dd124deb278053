/** Settings of a live run that need I/O before probing: held intermediates, the TabPy password. */
import { loadMany } from "../app/certificates.js";
import type { LiveTargetSettings } from "../app/live-target.js";
import { promptSecret } from "../input/prompt.js";
import type { TrustAnchors } from "../validate/validate.js";
import type { CheckFlags } from "./flags.js";
import type { CliIo } from "./io.js";
import { UsageError } from "./options.js";
import type { CommonSettings } from "./verify-command.js";

export interface CredentialFlags {
  user?: string;
  passwordEnv?: string;
  sendCredentialsUntrusted?: boolean;
}

/** The password: from the variable named by --password-env, else a no-echo prompt on a terminal. Never printed. */
async function password(flags: CredentialFlags, io: CliIo): Promise<string> {
  if (flags.passwordEnv) {
    const value = io.env[flags.passwordEnv];
    if (value === undefined) throw new UsageError(`--password-env: the variable ${flags.passwordEnv} is not set`);
    return value;
  }
  if (!io.stdinIsTTY) throw new UsageError("--user needs --password-env VAR when no terminal can prompt for the password");
  return promptSecret(`TabPy password for ${flags.user}: `, { input: process.stdin, output: process.stderr });
}

export async function liveSettings(
  flags: CheckFlags & CredentialFlags, settings: CommonSettings, anchors: TrustAnchors, io: CliIo,
  targets: readonly { spec: { input: string } }[],
): Promise<LiveTargetSettings> {
  if (flags.user && targets.some((t) => /^http:\/\//i.test(t.spec.input))) {
    throw new UsageError("refusing to send Basic credentials over plain HTTP: use the https:// (TLS) address");
  }
  if (!flags.user && (flags.passwordEnv || flags.sendCredentialsUntrusted)) throw new UsageError("--password-env and --send-credentials-untrusted need --user NAME");
  const credentials = flags.user ? { username: flags.user, password: await password(flags, io) } : undefined;
  return {
    anchors,
    at: settings.at,
    partialChain: flags.partialChain === true,
    warnDays: settings.warnDays,
    targetOs: settings.targetOs,
    opensslComparable: flags.at === undefined,
    heldIntermediates: await loadMany(flags.intermediates, settings.inputs.read),
    aia: flags.aia === true,
    ...(credentials ? { credentials } : {}),
    sendCredentialsUntrusted: flags.sendCredentialsUntrusted === true,
  };
}
