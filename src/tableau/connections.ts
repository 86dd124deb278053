/**
 * An analytics-extension connection as Tableau has it -> the target chaincheck probes (host and port from Tableau,
 * service from `connection_type`), and the probe's result -> the result chaincheck reports (site, connection, and what
 * only Tableau's configuration tells: Require SSL off, extensions disabled, sign-in configured). Pure.
 */
import type { Service } from "../types.js";
import type { Finding } from "../findings/finding.js";
import { makeFinding } from "../findings/finding.js";
import { dedupeFindings, headlineOf, sortFindings } from "../findings/finding.js";
import { parseTarget } from "../probe/target.js";
import type { ProbeTarget } from "../probe/types.js";
import { statusOf, type ChainVerdict, type ExtensionConnection } from "../result/verdict.js";
import type { ConnectionEntry } from "./responses.js";

/** A site as results carry it. */
export interface SiteRef {
  readonly id: string;
  readonly name: string;
  readonly contentUrl: string;
}

/** Whether analytics extensions are enabled; null when Tableau did not say (server state: server admins only). */
export interface ExtensionsState {
  readonly server: boolean | null;
  readonly site: boolean | null;
}

const SERVICE_OF_TYPE: Readonly<Record<string, Service>> = { TABPY: "tabpy", RSERVE: "rserve" };
const DEFAULT_PORT: Readonly<Record<Service, number>> = { tabpy: 9004, rserve: 6311, tls: 443 };

/** TABPY -> tabpy, RSERVE -> rserve, anything else (Einstein Discovery, generic API, types to come) -> tls. */
export function serviceFor(type: string): Service {
  return SERVICE_OF_TYPE[type.toUpperCase()] ?? "tls";
}

/**
 * The host name or address in Tableau's `host`: since 2022.1 it may carry a path (`tabpy.corp.example/v1`), some
 * admins enter a scheme, and an IPv6 address may come with or without brackets.
 */
export function hostOf(configured: string): string {
  const authority = configured.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, "").replace(/[/?#].*$/s, "");
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(authority);
  if (bracketed) return bracketed[1]!;
  // Two colons or more: a bare IPv6 address, which never carries a port.
  return authority.split(":").length > 2 ? authority : authority.replace(/:\d*$/, "");
}

/**
 * The connection as results carry it, or the one line that says why it cannot be probed. A missing port (Tableau's
 * UI requires one) falls back to the service's default and says so.
 */
export function extensionConnection(entry: ConnectionEntry): { connection: ExtensionConnection; note?: string } | { note: string } {
  const label = `connection "${entry.name}" (${entry.type})`;
  if (entry.host === null) return { note: `${label} has no host in Tableau, so there is nothing to probe` };
  const port = entry.port ?? DEFAULT_PORT[serviceFor(entry.type)];
  const connection: ExtensionConnection = {
    id: entry.id, name: entry.name, type: entry.type, host: entry.host, port,
    // Tableau's documented default for both is false.
    ssl: entry.ssl ?? false,
    authentication: entry.authentication ?? false,
    ...(entry.username !== null ? { username: entry.username } : {}),
  };
  return entry.port === null ? { connection, note: `${label} has no port in Tableau; chaincheck probes ${port}, the default` } : { connection };
}

/** What to probe for a connection. @throws TargetError when Tableau's host is not a usable host name or address. */
export function connectionTarget(connection: ExtensionConnection): ProbeTarget {
  return { ...parseTarget(hostOf(connection.host)), port: connection.port, input: connection.host };
}

/** Findings only Tableau's configuration gives: Require SSL off, analytics extensions disabled. */
export function tableauFindings(connection: ExtensionConnection, site: SiteRef, state: ExtensionsState): Finding[] {
  const findings: Finding[] = [];
  if (!connection.ssl) {
    findings.push(makeFinding("TABLEAU_SSL_DISABLED", null, { connection: connection.name, site: site.name, authentication: connection.authentication }));
  }
  if (state.server === false) findings.push(makeFinding("TABLEAU_EXTENSIONS_DISABLED", null, { scope: "server", site: site.name }));
  else if (state.site === false) findings.push(makeFinding("TABLEAU_EXTENSIONS_DISABLED", null, { scope: "site", site: site.name }));
  return findings;
}

/**
 * The probe's result for one connection, as `chaincheck tableau` reports it: site and connection attached; the
 * Tableau findings added; AUTH_REQUIRED dropped when Tableau signs in anyway; the Tableau setup naming the configured
 * user. A result without a chain (status error) stays "could not be checked" unless a Tableau finding is an error.
 */
export function tableauResult(result: ChainVerdict, site: SiteRef, connection: ExtensionConnection, extra: readonly Finding[]): ChainVerdict {
  const kept = result.findings.filter((f) => !(connection.authentication && f.code === "AUTH_REQUIRED"));
  const findings = sortFindings(dedupeFindings([...kept, ...extra]));
  const noChain = result.status === "error" && !extra.some((f) => f.severity === "error");
  const tableau = result.tableau && {
    ...result.tableau,
    signIn: result.tableau.signIn || connection.authentication,
    username: (connection.authentication ? connection.username : undefined) ?? result.tableau.username,
  };
  return {
    ...result,
    findings,
    status: noChain ? "error" : statusOf(result.trusted, findings),
    headline: noChain ? result.headline : headlineOf(findings)?.code ?? null,
    ...(tableau ? { tableau } : {}),
    site: { id: site.id, name: site.name, contentUrl: site.contentUrl },
    extensionConnection: connection,
  };
}
