/**
 * `chaincheck tableau SERVER_URL`: read every analytics-extension connection a Tableau Server has configured (REST,
 * read-only, signed out before probing and on every error or Ctrl-C), then check each one as a live target with the
 * usual engine, trust store, advice and gates. Secrets come from an environment variable or a no-echo prompt only.
 */
import { constants } from "node:os";
import { loadTrust } from "../app/trust.js";
import { checkTarget } from "../app/check-target.js";
import { mapConcurrent } from "../app/targets.js";
import { TRUST_LIMITS } from "../input/limits.js";
import { promptSecret } from "../input/prompt.js";
import { safeText } from "../report/safe-text.js";
import { applyPolicies } from "../policy/index.js";
import { TargetError } from "../probe/target.js";
import type { ProbeTarget } from "../probe/types.js";
import type { ChainVerdict, ExtensionConnection } from "../result/verdict.js";
import { connectionTarget, serviceFor, tableauFindings, tableauResult, type SiteRef } from "../tableau/connections.js";
import { discover, type Discovery, type SignIn } from "../tableau/discover.js";
import { TableauError } from "../tableau/errors.js";
import { httpsTransport } from "../tableau/http.js";
import { renderTableauText, serverLine } from "../report/tableau-text.js";
import { displayUrl, parseServerUrl } from "./server-url.js";
import { loadCaFiles } from "../trust/system.js";
import type { TrustStore } from "../trust/store.js";
import { EXIT, exitCodeFor } from "./exit-code.js";
import type { CheckFlags } from "./flags.js";
import type { CliIo } from "./io.js";
import { liveSettings } from "./live-settings.js";
import { parseCount, UsageError } from "./options.js";
import { checkOutputTargets, emitResults, writeArtifacts } from "./output.js";
import { withInputNotes } from "../app/inputs.js";
import { startProgress } from "./progress.js";
import { commonSettings } from "./verify-command.js";
import { VERSION } from "./version.js";
import { reportResult } from "../report/document.js";

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

/** The secret: from the variable `envVar` names, else a no-echo prompt on a terminal. Never an option value. */
async function secret(envVar: string | undefined, option: string, question: string, io: CliIo): Promise<string> {
  if (envVar !== undefined) {
    const value = io.env[envVar];
    if (value === undefined || value === "") throw new UsageError(`${option}: the variable ${envVar} is not set`);
    return value;
  }
  if (!io.stdinIsTTY) throw new UsageError(`${option} VAR is needed when no terminal can prompt for the secret`);
  return promptSecret(question, { input: process.stdin, output: process.stderr });
}

/** --token-name (+ --token-secret-env) or --user (+ --password-env): exactly one way to sign in. */
async function signInOf(flags: TableauFlags, io: CliIo): Promise<SignIn> {
  if (flags.tokenName !== undefined && flags.user !== undefined) throw new UsageError("sign in with --token-name or with --user, not both");
  if (flags.tokenSecretEnv !== undefined && flags.tokenName === undefined) throw new UsageError("--token-secret-env needs --token-name NAME");
  if (flags.passwordEnv !== undefined && flags.user === undefined) throw new UsageError("--password-env needs --user NAME");
  if (flags.tokenName !== undefined) {
    const value = await secret(flags.tokenSecretEnv, "--token-secret-env", `Secret of the personal access token ${flags.tokenName}: `, io);
    return { kind: "pat", name: flags.tokenName, secret: value };
  }
  if (flags.user !== undefined) {
    return { kind: "password", user: flags.user, password: await secret(flags.passwordEnv, "--password-env", `Tableau password for ${flags.user}: `, io) };
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

interface PlannedConnection {
  readonly site: SiteRef;
  readonly connection: ExtensionConnection;
  readonly target: ProbeTarget;
  readonly state: { readonly server: boolean | null; readonly site: boolean | null };
}

/** Every connection to probe, site by site; those whose host is not usable become notes of their site. */
function plan(discovery: Discovery): { planned: PlannedConnection[]; discovery: Discovery } {
  const planned: PlannedConnection[] = [];
  const sites = discovery.sites.map((entry) => {
    const notes = [...entry.notes];
    const connections = entry.connections.filter((connection) => {
      let target: ProbeTarget;
      try {
        target = connectionTarget(connection);
      } catch (err) {
        if (!(err instanceof TargetError)) throw err;
        notes.push(`connection "${connection.name}" (${connection.type}) was not checked: ${err.message}`);
        return false;
      }
      planned.push({ site: entry.site, connection, target, state: { server: discovery.serverExtensionsEnabled, site: entry.extensionsEnabled } });
      return true;
    });
    return { ...entry, connections, notes };
  });
  return { planned, discovery: { ...discovery, sites } };
}

/**
 * The REST conversation, bounded, interruptible, always closed: what Tableau has configured, or the exit code after
 * the one line that says why not.
 */
async function readConfiguration(base: URL, signIn: SignIn, flags: TableauFlags, store: TrustStore, timeoutMs: number, io: CliIo): Promise<Discovery | number> {
  const transport = httpsTransport({ base, ca: store.pems(), caDescription: store.source.description, timeoutMs, userAgent: `chaincheck/${VERSION}` });
  let signOutFailure: string | undefined;
  try {
    return await interruptible((signal) => discover(transport, {
      signIn, site: flags.site, allSites: flags.allSites === true, signal, onSignOutFailure: (note) => void (signOutFailure = note),
    }));
  } catch (err) {
    const after = signOutFailure ? `chaincheck: note: ${safeText(signOutFailure)}\n` : "";
    if (err instanceof Interrupted) {
      io.stderr(`chaincheck: interrupted (${err.signal})${signOutFailure ? "" : "; signed out of Tableau"}\n${after}`);
      return exitForSignal(err.signal);
    }
    if (err instanceof TableauError) {
      // Site names come from Tableau's users: inert on the terminal like everything else they chose.
      io.stderr(`chaincheck: ${safeText(err.message)}\n${after}`);
      return err.kind === "refused" ? EXIT.usage : EXIT.unchecked;
    }
    throw err;
  } finally {
    transport.close();
  }
}

export async function executeTableau(serverUrl: string, flags: TableauFlags, io: CliIo): Promise<number> {
  const base = parseServerUrl(serverUrl);
  const settings = commonSettings(flags, io);
  const timeoutMs = parseCount("--timeout", flags.timeout, 100, 600_000);
  const concurrency = parseCount("--concurrency", flags.concurrency, 1, 1024);
  await checkOutputTargets(flags, [...flags.caFile, ...flags.intermediates, ...flags.tableauCaFile]);
  const signIn = await signInOf(flags, io);
  const trust = await loadTrust(flags.caFile, settings.inputs.read, io.host);
  const tableauStore = flags.tableauCaFile.length > 0 ? await loadCaFiles(flags.tableauCaFile, { ...settings.inputs.read, limits: TRUST_LIMITS }) : trust.store;
  // --user here is the Tableau user: the TabPy credentials check of `check` does not apply.
  const live = {
    ...(await liveSettings({ ...flags, user: undefined, passwordEnv: undefined, sendCredentialsUntrusted: undefined }, settings, trust.anchors, io, [])),
    storeIntermediates: trust.intermediates,
  };
  const url = displayUrl(base);
  const found = await readConfiguration(base, signIn, flags, tableauStore, timeoutMs, io);
  if (typeof found === "number") return found;

  const { planned, discovery } = plan(found);
  if (flags.format !== "text" || flags.output) {
    // The text report carries these lines; other formats and --output get them on stderr.
    const notes = [...discovery.notes, ...discovery.sites.flatMap((s) => s.notes.map((n) => `site "${s.site.name}": ${n}`))];
    io.stderr([serverLine(discovery, url), ...notes.map((n) => `note: ${safeText(n)}`)].map((line) => `chaincheck: ${line}\n`).join(""));
  }
  const ca = trust.caPems();
  const progress = await startProgress(io, flags.format === "text" && !flags.quiet && !flags.output, planned.length);
  let checked: ChainVerdict[];
  try {
    checked = await mapConcurrent(planned, concurrency, async ({ site, connection, target, state }) => {
      const result = await checkTarget(target, { timeoutMs, service: serviceFor(connection.type), ca }, target.host, live);
      progress.tick(safeText(`${site.name}: ${connection.name}`));
      return tableauResult(result, site, connection, tableauFindings(connection, site, state));
    });
  } finally {
    progress.stop();
  }
  const results = applyPolicies(withInputNotes(checked, settings.inputs), settings.policy).map(reportResult);
  await writeArtifacts(results, flags, io, trust.store.source.description);
  await emitResults(results, flags, io, VERSION, { renderText: (r, options) => renderTableauText(r, discovery, url, options) });
  return exitCodeFor(results, flags.failOn);
}
