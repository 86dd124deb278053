/**
 * REST API versions: which servers `chaincheck tableau` can read, and what to check by hand on the others. The
 * per-site analytics-extension endpoints arrive with REST API 3.11 (Tableau Server 2021.1); from 2020.2 to 2020.4
 * connections are per site but only the web UI shows them; before 2020.2 one server-wide connection lives in TSM. Pure.
 */
import type { ServerInfo } from "./responses.js";

/** The first REST API version with `/api/-/settings/site/extensions/analytics/connections`. */
export const MIN_API_VERSION = "3.11";

/** serverinfo exists from REST API 2.4 on (the oldest version that answers it). */
export const SERVERINFO_API_VERSION = "2.4";

/** Server releases of the REST API versions the refusal names (TSC docs/versions.md). */
const RELEASE_OF: Readonly<Record<string, string>> = { "3.7": "2020.1", "3.8": "2020.2", "3.9": "2020.3", "3.10": "2020.4" };

/** Compares "3.9" and "3.11" numerically: negative, zero or positive. */
export function compareApiVersions(a: string, b: string): number {
  const [aMajor = 0, aMinor = 0] = a.split(".").map(Number);
  const [bMajor = 0, bMinor = 0] = b.split(".").map(Number);
  return aMajor - bMajor || aMinor - bMinor;
}

/** "Tableau Server 2023.1.0 (REST API 3.19)". */
export function serverLabel(info: ServerInfo): string {
  const release = info.productVersion ?? RELEASE_OF[info.restApiVersion];
  return `Tableau Server${release ? ` ${release}` : ""} (REST API ${info.restApiVersion})`;
}

/** What to run on a server older than 2020.2, where one server-wide connection lives in TSM. */
export const TSM_CHECK =
  "On the Tableau Server node, read the server-wide connection with `tsm configuration get -k vizqlserver.extsvc.host` and " +
  "`tsm configuration get -k vizqlserver.extsvc.port`, then check it " +
  "with `chaincheck HOST:PORT --service tabpy` (or `--service rserve`).";

/** Why chaincheck cannot read this server's connections and what to check by hand, or null when it can. */
export function versionRefusal(info: ServerInfo): string | null {
  if (compareApiVersions(info.restApiVersion, MIN_API_VERSION) >= 0) return null;
  const label = serverLabel(info);
  const perSite = compareApiVersions(info.restApiVersion, "3.8") >= 0;
  const why = `${label} is older than Tableau Server 2021.1 (REST API ${MIN_API_VERSION}), which added the REST calls that list analytics extension connections`;
  if (perSite) {
    return `${why}. On 2020.2 to 2020.4 each site keeps its own connections, visible only in the web UI: open Settings > Extensions on each site, note each connection's host and port, and check it with \`chaincheck HOST:PORT\`.`;
  }
  return `${why}. Before 2020.2 analytics extensions are configured for the whole server. ${TSM_CHECK}`;
}
