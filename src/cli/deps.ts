/**
 * What `run` uses of the world beyond its `CliIo`: the trust store loader, the OS detection of `--target-os auto`
 * and the no-echo prompt, each injectable (tests pass fakes; `run` fills in what they leave out). The defaults
 * take the machine from `io` (its environment and `io.host`), never from `process.env`.
 */
import { readFileSync } from "node:fs";
import { detectTargetOs, type TargetOs } from "../advise/platforms.js";
import type { TrustLoader } from "../app/run.js";
import type { CliIo } from "./io.js";

export interface CliDeps {
  /** The trust store of a run: the `--ca-file` files when given, else this host's store. */
  readonly loadTrust: TrustLoader;
  /** `--target-os auto`: the platform whose install commands the advice gives. */
  readonly detectOs: () => TargetOs;
  /** Asks for a secret on the terminal without echo (only when `io.stdinIsTTY`). */
  readonly promptSecret: (question: string) => Promise<string>;
}

export function defaultDeps(io: CliIo): CliDeps {
  const host = { env: io.env, ...io.host };
  return {
    // Loaded when a run needs a store: `--help` and usage errors stay fast.
    loadTrust: async (caFiles, read) => (await import("../app/trust.js")).loadTrust(caFiles, read, host),
    detectOs: () => detectTargetOs({ platform: host.platform ?? process.platform, readOsRelease: host.readOsRelease ?? (() => readFileSync("/etc/os-release", "utf8")) }),
    promptSecret: async (question) => {
      // Loaded only when a secret is asked for.
      const { promptSecret } = await import("../input/prompt.js");
      return promptSecret(question, { input: process.stdin, output: process.stderr });
    },
  };
}
