/**
 * `chaincheck tableau SERVER_URL`: read every analytics-extension connection a Tableau Server has configured (REST,
 * read-only, signed out before probing and on every error or interrupt), then check each one as a live target with
 * the usual pipeline, trust store, advice and gates. I/O (the REST API, the network, the files named on the command
 * line).
 */
import { TRUST_LIMITS } from "../input/limits.js";
import type { ReadOptions } from "../input/read.js";
import { applyPolicies, type PolicyOptions } from "../policy/index.js";
import { TargetError } from "../probe/target.js";
import type { ProbeTarget } from "../probe/types.js";
import { reportResult } from "../report/document.js";
import { safeText } from "../report/safe-text.js";
import type { ExtensionConnection } from "../result/verdict.js";
import { connectionTarget, serviceFor, tableauFindings, tableauResult, type SiteRef } from "../tableau/connections.js";
import { discover, type Discovery, type SignIn } from "../tableau/discover.js";
import { httpsTransport } from "../tableau/http.js";
import type { TrustStore } from "../trust/store.js";
import { loadCaFiles } from "../trust/system.js";
import { mapConcurrent } from "./concurrency.js";
import { trustStoreNotes } from "./trust.js";
import { withRunNotes, type RunInputs } from "./inputs.js";
import { liveTargetSettings, type LiveOptions } from "./live-settings.js";
import { checkTarget } from "./live-target.js";
import { ChainVerdicts } from "./chain-verdicts.js";
import { NO_PROGRESS, type CheckedRun, type StartProgress, type TrustLoader } from "./run.js";

export interface TableauCommand {
  /** The REST API's base URL (src/cli/server-url.ts). */
  readonly base: URL;
  readonly signIn: SignIn;
  /** The site to sign in to (its contentUrl), and whether to check every site. */
  readonly site: string;
  readonly allSites: boolean;
  /** `--tableau-ca-file`: verify the Tableau Server's own certificate against these instead of the trust store. */
  readonly tableauCaFiles: readonly string[];
  readonly timeoutMs: number;
  readonly concurrency: number;
  readonly caFiles: readonly string[];
  readonly live: LiveOptions;
  readonly inputs: RunInputs;
  readonly policy: PolicyOptions;
  readonly userAgent: string;
}

/** What the caller supplies around the run: the interrupt of the REST conversation, the notes line, progress. */
export interface TableauHooks {
  /** Runs the REST conversation with a signal that an interrupt (Ctrl-C) aborts. */
  readonly interruptible: <T>(task: (signal: AbortSignal) => Promise<T>) => Promise<T>;
  /** Told what Tableau has configured before the connections are checked. */
  readonly onDiscovery?: (discovery: Discovery) => void;
  readonly startProgress?: StartProgress;
}

/** The connections were checked; or the REST conversation ended early (`error`: an interrupt or a TableauError). */
export type TableauRun =
  | (CheckedRun & { readonly kind: "checked"; readonly discovery: Discovery })
  | { readonly kind: "stopped"; readonly error: unknown; readonly signOutFailure?: string };

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

/** The REST conversation, bounded, interruptible, always closed: what Tableau has configured, or why not. */
async function readConfiguration(command: TableauCommand, store: TrustStore, hooks: TableauHooks): Promise<Discovery | Extract<TableauRun, { kind: "stopped" }>> {
  const transport = httpsTransport({ base: command.base, ca: store.pems(), caDescription: store.source.description, timeoutMs: command.timeoutMs, userAgent: command.userAgent });
  let signOutFailure: string | undefined;
  try {
    return await hooks.interruptible((signal) => discover(transport, {
      signIn: command.signIn, site: command.site, allSites: command.allSites, signal, onSignOutFailure: (note) => void (signOutFailure = note),
    }));
  } catch (error) {
    return { kind: "stopped", error, ...(signOutFailure ? { signOutFailure } : {}) };
  } finally {
    transport.close();
  }
}

/** The store for Tableau's own certificate: the --tableau-ca-file files, else the run's. */
function tableauStore(command: TableauCommand, read: ReadOptions, fallback: TrustStore): Promise<TrustStore> | TrustStore {
  return command.tableauCaFiles.length > 0 ? loadCaFiles(command.tableauCaFiles, { ...read, limits: TRUST_LIMITS }) : fallback;
}

export async function checkTableau(command: TableauCommand, loadTrust: TrustLoader, hooks: TableauHooks): Promise<TableauRun> {
  const read = command.inputs.read;
  const trust = await loadTrust(command.caFiles, read);
  const store = await tableauStore(command, read, trust.store);
  // The Tableau user signs in to Tableau: the TabPy credentials check of `check` does not apply.
  // Sites often share one extension server: its chain is judged once per run, as in a `check` fleet.
  const live = { ...await liveTargetSettings(command.live, trust, read), verdicts: new ChainVerdicts() };
  const found = await readConfiguration(command, store, hooks);
  if ("kind" in found) return found;
  const { planned, discovery } = plan(found);
  hooks.onDiscovery?.(discovery);
  const ca = trust.caPems();
  const progress = await (hooks.startProgress ?? NO_PROGRESS)(planned.length);
  let checked;
  try {
    checked = await mapConcurrent(planned, command.concurrency, async ({ site, connection, target, state }) => {
      const result = await checkTarget(target, { timeoutMs: command.timeoutMs, service: serviceFor(connection.type), ca }, target.host, live);
      progress.tick(safeText(`${site.name}: ${connection.name}`));
      return tableauResult(result, site, connection, tableauFindings(connection, site, state));
    });
  } finally {
    progress.stop();
  }
  const results = applyPolicies(withRunNotes(checked, [...command.inputs.notes(), ...trustStoreNotes(trust)]), command.policy).map(reportResult);
  return { kind: "checked", results, trustStore: trust.store.source.description, discovery };
}
