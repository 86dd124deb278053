/**
 * `chaincheck tableau SERVER_URL`: flags and the sign-in secret -> the Tableau command (src/app/tableau.ts) -> report
 * files and output -> exit code. Secrets come from an environment variable or a no-echo prompt only; Ctrl-C during
 * the REST conversation signs out, then exits 130.
 */
import { constants } from "node:os";
import { checkTableau } from "../app/tableau.js";
import { renderTableauText, serverLine } from "../report/tableau-text.js";
import { safeText } from "../report/safe-text.js";
import type { Discovery, SignIn } from "../tableau/discover.js";
import { TableauError } from "../tableau/errors.js";
import type { CliDeps } from "./deps.js";
import { EXIT, exitCodeFor } from "./exit-code.js";
import type { CheckFlags } from "./flags.js";
import type { CliIo } from "./io.js";
import { parseCount, UsageError } from "./options.js";
import { checkOutputTargets, emitResults, writeArtifacts } from "./output.js";
import { startProgress } from "./progress.js";
import { displayUrl, parseServerUrl } from "./server-url.js";
import { commonSettings, liveOptions, secretSource } from "./settings.js";
import { VERSION } from "./version.js";

export interface TableauFlags extends CheckFlags {
  tokenName?: string;
  tokenSecretEnv?: string;
  user?: string;
  passwordEnv?: string;
  site: string;
  allSites?: boolean;
  tableauCaFile: string[];
  timeout: string;
  concurrency: string;
  report?: string;
}

/** The shell's convention for a run ended by a signal: 128 + its number (130 for Ctrl-C, 143 for SIGTERM). */
const exitForSignal = (signal: NodeJS.Signals): number => 128 + (constants.signals[signal] ?? 2);

/** Why the conversation was aborted: Ctrl-C (or SIGTERM). */
class Interrupted extends Error {
  override name = "Interrupted";
  constructor(readonly signal: NodeJS.Signals) {
    super(`interrupted by ${signal}`);
  }
}

/** --token-name (+ --token-secret-env) or --user (+ --password-env): exactly one way to sign in. */
async function signInOf(flags: TableauFlags, io: CliIo, deps: CliDeps): Promise<SignIn> {
  const secret = (envVar: string | undefined, option: string, question: string) =>
    secretSource({ envVar, option, question, noTerminal: `${option} VAR is needed when no terminal can prompt for the secret`, emptyIsUnset: true }, io, deps)();
  if (flags.tokenName !== undefined && flags.user !== undefined) throw new UsageError("sign in with --token-name or with --user, not both");
  if (flags.tokenSecretEnv !== undefined && flags.tokenName === undefined) throw new UsageError("--token-secret-env needs --token-name NAME");
  if (flags.passwordEnv !== undefined && flags.user === undefined) throw new UsageError("--password-env needs --user NAME");
  if (flags.tokenName !== undefined) {
    const value = await secret(flags.tokenSecretEnv, "--token-secret-env", `Secret of the personal access token ${flags.tokenName}: `);
    return { kind: "pat", name: flags.tokenName, secret: value };
  }
  if (flags.user !== undefined) {
    return { kind: "password", user: flags.user, password: await secret(flags.passwordEnv, "--password-env", `Tableau password for ${flags.user}: `) };
  }
  throw new UsageError("sign in with --token-name NAME (a personal access token; the secret from --token-secret-env VAR or a prompt) or --user NAME");
}

/** Runs `task` with a signal that Ctrl-C (or SIGTERM) aborts; the handlers are removed afterwards. */
async function interruptible<T>(task: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const handlers = (["SIGINT", "SIGTERM"] as const).map((name) => {
    const handler = (): void => controller.abort(new Interrupted(name));
    process.once(name, handler);
    return [name, handler] as const;
  });
  try {
    return await task(controller.signal);
  } finally {
    for (const [name, handler] of handlers) process.off(name, handler);
  }
}

/** The one line that says why the REST conversation ended early, and the exit code. */
function stopped(error: unknown, signOutFailure: string | undefined, io: CliIo): number {
  const after = signOutFailure ? `chaincheck: note: ${safeText(signOutFailure)}\n` : "";
  if (error instanceof Interrupted) {
    io.stderr(`chaincheck: interrupted (${error.signal})${signOutFailure ? "" : "; signed out of Tableau"}\n${after}`);
    return exitForSignal(error.signal);
  }
  if (error instanceof TableauError) {
    // Site names come from Tableau's users: inert on the terminal like everything else they chose.
    io.stderr(`chaincheck: ${safeText(error.message)}\n${after}`);
    return error.kind === "refused" ? EXIT.usage : EXIT.unchecked;
  }
  throw error;
}

/** Other formats and --output get the server line and the notes on stderr (the text report carries them). */
function printDiscovery(discovery: Discovery, url: string, io: CliIo): void {
  const notes = [...discovery.notes, ...discovery.sites.flatMap((s) => s.notes.map((n) => `site "${s.site.name}": ${n}`))];
  io.stderr([serverLine(discovery, url), ...notes.map((n) => `note: ${safeText(n)}`)].map((line) => `chaincheck: ${line}\n`).join(""));
}

export async function executeTableau(serverUrl: string, flags: TableauFlags, io: CliIo, deps: CliDeps): Promise<number> {
  const base = parseServerUrl(serverUrl);
  const settings = commonSettings(flags, io, deps);
  const timeoutMs = parseCount("--timeout", flags.timeout, 100, 600_000);
  const concurrency = parseCount("--concurrency", flags.concurrency, 1, 1024);
  await checkOutputTargets(flags, [...flags.caFile, ...flags.intermediates, ...flags.tableauCaFile]);
  const signIn = await signInOf(flags, io, deps);
  const url = displayUrl(base);
  const showText = flags.format === "text" && !flags.output;
  const run = await checkTableau(
    {
      base, signIn, site: flags.site, allSites: flags.allSites === true, tableauCaFiles: flags.tableauCaFile, timeoutMs, concurrency,
      caFiles: flags.caFile, live: liveOptions(flags, settings), inputs: settings.inputs, policy: settings.policy, userAgent: `chaincheck/${VERSION}`,
    },
    deps.loadTrust,
    {
      interruptible,
      ...(showText ? {} : { onDiscovery: (discovery: Discovery) => printDiscovery(discovery, url, io) }),
      startProgress: (total) => startProgress(io, showText && !flags.quiet, total),
    },
  );
  if (run.kind === "stopped") return stopped(run.error, run.signOutFailure, io);
  await writeArtifacts(run.results, flags, io, run.trustStore);
  await emitResults(run.results, flags, io, VERSION, { renderText: (r, options) => renderTableauText(r, run.discovery, url, options) });
  return exitCodeFor(run.results, flags.failOn);
}
