/** The settings every live target of a run shares, once the I/O they need is done: held intermediates, the password. */
import type { TargetOs } from "../advise/platforms.js";
import type { ReadOptions } from "../input/read.js";
import { loadMany } from "./certificates.js";
import type { LiveTargetSettings } from "./live-target.js";
import type { LoadedTrust } from "./trust.js";

/** What a live check does with each chain beyond validating it (parsed from the command line). */
export interface LiveOptions {
  readonly at: Date;
  readonly partialChain: boolean;
  readonly warnDays: number;
  readonly targetOs: TargetOs;
  /** OpenSSL verified at the current time: its verdict is comparable only when `at` is now. */
  readonly opensslComparable: boolean;
  /** `--intermediates` files: certificates the user holds, for the advice and the what-if. */
  readonly intermediates: readonly string[];
  /** `--aia`: download missing issuers from their caIssuers URLs. */
  readonly aia: boolean;
}

/** The TabPy credentials check (`--user`): the user, and the password, asked for when the run needs it. */
export interface CredentialRequest {
  readonly username: string;
  readonly password: () => Promise<string>;
  /** `--send-credentials-untrusted`. */
  readonly sendUntrusted: boolean;
}

export async function liveTargetSettings(options: LiveOptions, trust: LoadedTrust, read: ReadOptions, credentials?: CredentialRequest): Promise<LiveTargetSettings> {
  const password = credentials ? await credentials.password() : undefined;
  return {
    anchors: trust.anchors,
    at: options.at,
    partialChain: options.partialChain,
    warnDays: options.warnDays,
    targetOs: options.targetOs,
    opensslComparable: options.opensslComparable,
    heldIntermediates: await loadMany(options.intermediates, read),
    storeIntermediates: trust.intermediates,
    aia: options.aia,
    ...(credentials && password !== undefined ? { credentials: { username: credentials.username, password } } : {}),
    sendCredentialsUntrusted: credentials?.sendUntrusted === true,
  };
}
