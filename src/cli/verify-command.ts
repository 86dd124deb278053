/** `chaincheck verify FILE`: flags -> request -> result -> report -> exit code. */
import type { TargetOs } from "../advise/platforms.js";
import { detectTargetOs } from "../advise/detect-os.js";
import { verifyBundle } from "../commands/verify.js";
import { loadTrust } from "../commands/trust.js";
import { promptSecret } from "../input/prompt.js";
import { exitCodeFor } from "./exit-code.js";
import type { CheckFlags, VerifyOnlyFlags } from "./flags.js";
import type { CliIo } from "./io.js";
import { parseAt, parseCount } from "./options.js";
import { emitResults } from "./output.js";
import { saveAnchors } from "./save-anchors.js";
import { VERSION } from "./version.js";

/** Option values shared by verify and check, parsed once. */
export interface CommonSettings {
  readonly at: Date;
  readonly warnDays: number;
  readonly targetOs: TargetOs;
}

export function commonSettings(flags: CheckFlags, io: CliIo): CommonSettings {
  return {
    at: parseAt(flags.at, io.now),
    warnDays: parseCount("--warn-days", flags.warnDays, 0, 36500),
    targetOs: flags.targetOs === "auto" ? detectTargetOs() : (flags.targetOs as TargetOs),
  };
}

export async function executeVerify(file: string, flags: CheckFlags & VerifyOnlyFlags, io: CliIo): Promise<number> {
  const settings = commonSettings(flags, io);
  const trust = await loadTrust(flags.caFile);
  const result = await verifyBundle(
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
      read: {
        ...(flags.pfxPasswordEnv ? { passwordEnv: flags.pfxPasswordEnv } : {}),
        env: io.env,
        ...(io.stdinIsTTY ? { promptPassword: (name: string) => promptSecret(`PKCS#12 password for ${name}: `, { input: process.stdin, output: process.stderr }) } : {}),
      },
    },
    trust,
  );
  if (flags.saveAnchors) await saveAnchors(flags.saveAnchors, [result], io);
  await emitResults([result], flags, io, VERSION);
  return exitCodeFor([result], flags.failOn);
}
