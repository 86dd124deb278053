/** What every command of src/app takes from and gives to the CLI (or any other caller). */
import type { ChainResult } from "../result/verdict.js";
import type { ReadOptions } from "../input/read.js";
import type { LoadedTrust } from "./trust.js";

/** Loads the trust store of a run: the `--ca-file` files when given, else this host's store. */
export type TrustLoader = (caFiles: readonly string[], read: ReadOptions) => Promise<LoadedTrust>;

/** A command's results in words (what renderers print) and the trust store they were judged against. */
export interface CheckedRun {
  readonly results: readonly ChainResult[];
  /** The store's one-line description, for the support file. */
  readonly trustStore: string;
}

/** A progress display: told each target as it is done (`label` names it), stopped at the end. */
export interface Progress {
  tick(label: string): void;
  stop(): void;
}

/** Starts a progress display for `total` targets, once the checks are about to run. */
export type StartProgress = (total: number) => Promise<Progress>;

export const NO_PROGRESS: StartProgress = async () => ({ tick: () => undefined, stop: () => undefined });
