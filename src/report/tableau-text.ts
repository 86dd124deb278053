/**
 * The text report of `chaincheck tableau`, grouped by site: the server line, then per site its analytics-extension
 * state, what was not checked, and each connection (as Tableau has it) followed by the usual per-target report.
 * `--quiet` keeps one line per target and adds `#` lines for the server and the sites. Names from Tableau are
 * chosen by its users: they are made inert like certificate text. Pure.
 */
import type { ChainResult, ExtensionConnection } from "../result/verdict.js";
import { wrap } from "./layout.js";
import { PLAIN, renderQuietLine, renderResultText, type Palette } from "./text.js";
import { safeText } from "./safe-text.js";
import type { Discovery, DiscoveredSite } from "../tableau/discover.js";
import { serverLabel } from "../tableau/versions.js";

export interface TableauTextOptions {
  readonly palette?: Palette;
  readonly verbose?: boolean;
  readonly quiet?: boolean;
}

const enabledWords = (state: boolean | null): string =>
  state === null ? "analytics extensions: state not known" : `analytics extensions ${state ? "enabled" : "disabled"}`;

const count = (n: number, what: string): string => `${n} ${what}${n === 1 ? "" : "s"}`;

/** "Tableau Server 2023.1.0 (REST API 3.19) at https://tableau.corp.example: 2 sites, 3 connections; ..." */
export function serverLine(discovery: Discovery, url: string): string {
  const connections = discovery.sites.reduce((n, s) => n + s.connections.length, 0);
  const server = discovery.serverExtensionsEnabled === null ? "" : `; ${enabledWords(discovery.serverExtensionsEnabled)} for the server`;
  return safeText(`${serverLabel(discovery.server)} at ${url}: ${count(discovery.sites.length, "site")}, ${count(connections, "connection")}${server}`);
}

export function siteLine(entry: DiscoveredSite): string {
  const { site } = entry;
  return safeText(`Site "${site.name}" (contentUrl "${site.contentUrl}"): ${enabledWords(entry.extensionsEnabled)}, ${count(entry.connections.length, "connection")}`);
}

/** "Connection "Prod TabPy" (TABPY) as Tableau has it: host tabpy.corp.example, port 9004, Require SSL on, sign-in on (user svc)" */
export function connectionLine(c: ExtensionConnection): string {
  const signIn = c.authentication ? `sign-in on${c.username ? ` (user ${c.username})` : ""}` : "sign-in off";
  return safeText(`Connection "${c.name}" (${c.type}) as Tableau has it: host ${c.host}, port ${c.port}, Require SSL ${c.ssl ? "on" : "off"}, ${signIn}`);
}

const resultsOf = (results: readonly ChainResult[], entry: DiscoveredSite): ChainResult[] => results.filter((r) => r.site?.id === entry.site.id);

function quietReport(results: readonly ChainResult[], discovery: Discovery, url: string): string {
  const lines = [`# ${serverLine(discovery, url)}`];
  for (const entry of discovery.sites) {
    lines.push(`# ${siteLine(entry)}`, ...resultsOf(results, entry).map((r) => renderQuietLine(r).trimEnd()));
  }
  return `${lines.join("\n")}\n`;
}

const notesBlock = (notes: readonly string[]): string[] => notes.flatMap((n) => wrap(safeText(n), "  note: ", "        "));

export function renderTableauText(results: readonly ChainResult[], discovery: Discovery, url: string, options: TableauTextOptions = {}): string {
  if (options.quiet) return quietReport(results, discovery, url);
  const p = options.palette ?? PLAIN;
  const blocks: string[] = [[p.bold(serverLine(discovery, url)), ...notesBlock(discovery.notes)].join("\n")];
  for (const entry of discovery.sites) {
    const header = siteLine(entry);
    blocks.push([p.bold(header), "=".repeat(Math.min(header.length, 100)), ...notesBlock(entry.notes)].join("\n"));
    for (const result of resultsOf(results, entry)) {
      const connection = result.extensionConnection ? wrap(connectionLine(result.extensionConnection), "", "  ").map(p.cyan) : [];
      blocks.push([...connection, renderResultText(result, { palette: p, verbose: options.verbose ?? false }).trimEnd()].join("\n"));
    }
  }
  return `${blocks.join("\n\n")}\n`;
}
