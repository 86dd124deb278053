/**
 * The read-only Tableau REST conversation of `chaincheck tableau`: serverinfo and the version gate, sign-in, the
 * sites (`--all-sites`: Query Sites page by page, then switchSite for each), per site the enabled state and the
 * analytics-extension connections (details where the list lacks them), and sign-out at the end whatever happened,
 * also when `signal` aborts (Ctrl-C). Pure: the transport does the I/O.
 */
import type { ExtensionConnection } from "../result/verdict.js";
import { extensionConnection, type SiteRef } from "./connections.js";
import { TableauError, type RestCall } from "./errors.js";
import {
  needsDetail, parseConnectionItem, parseConnectionList, parseEnabled, parseSite, parseSitesPage,
  type ConnectionEntry, type ServerInfo, type SiteInfo,
} from "./responses.js";
import { readServerInfo, Session, type SessionOptions, type Transport } from "./session.js";

export type { RestRequest, RestResponse, SignIn, Transport } from "./session.js";

export interface DiscoveryOptions extends SessionOptions {
  readonly allSites: boolean;
  /** Told why sign-out failed when the conversation itself failed (on success the notes say it). */
  readonly onSignOutFailure?: (note: string) => void;
}

export interface DiscoveredSite {
  readonly site: SiteRef;
  /** The site's analytics-extension state; null when Tableau did not say. */
  readonly extensionsEnabled: boolean | null;
  readonly connections: readonly ExtensionConnection[];
  /** Connections that cannot be probed, and other things to tell about the site. */
  readonly notes: readonly string[];
}

export interface Discovery {
  readonly server: ServerInfo;
  /** Server-wide analytics-extension state; null when Tableau did not say (it tells server administrators only). */
  readonly serverExtensionsEnabled: boolean | null;
  readonly sites: readonly DiscoveredSite[];
  readonly notes: readonly string[];
}

/** Sites per Query Sites page (Tableau's maximum is 1000; it may answer with fewer). */
const PAGE_SIZE = 100;
/** Bounds: a server with more sites or connections than this is checked in part, and the notes say so. */
export const MAX_SITES = 2000;
export const MAX_CONNECTIONS_PER_SITE = 500;

const SETTINGS = "/api/-/settings";

/** The whole conversation: what every site has configured. Signs out before it returns or rejects. */
export async function discover(transport: Transport, options: DiscoveryOptions): Promise<Discovery> {
  const server = await readServerInfo(transport, options.signal);
  const session = new Session(transport, server, options);
  let discovery: Discovery;
  try {
    await session.signIn();
    discovery = await readAll(session, server, options);
  } catch (err) {
    const note = await session.signOut();
    if (note) options.onSignOutFailure?.(note);
    throw err;
  }
  const note = await session.signOut();
  return note ? { ...discovery, notes: [...discovery.notes, note] } : discovery;
}

async function readAll(session: Session, server: ServerInfo, options: DiscoveryOptions): Promise<Discovery> {
  const notes: string[] = [];
  const serverExtensionsEnabled = await optional(session, { kind: "serverSettings", method: "GET", path: `${SETTINGS}/server/extensions/analytics` });
  if (serverExtensionsEnabled === null) notes.push("whether analytics extensions are enabled for the whole server is not known: Tableau tells server administrators only");
  const sites = options.allSites ? await listSites(session, notes) : [await signedInSite(session)];
  const discovered: DiscoveredSite[] = [];
  for (const site of sites) {
    if (site.state !== null && site.state.toLowerCase() === "suspended") {
      notes.push(`site "${site.name}" is suspended: not checked`);
      continue;
    }
    await session.switchTo(site);
    discovered.push(await readSite(session, site));
  }
  return { server, serverExtensionsEnabled, sites: discovered, notes };
}

/** Tableau answered 403 or 404: the user may not read this, or the server does not have it. */
const notAvailable = (err: unknown): boolean => err instanceof TableauError && (err.answer?.status === 403 || err.answer?.status === 404);

/** The server-wide state: server administrators only (403 otherwise), not on Tableau Cloud (404): null then. */
async function optional(session: Session, call: RestCall): Promise<boolean | null> {
  try {
    return await session.read(call, parseEnabled);
  } catch (err) {
    if (notAvailable(err)) return null;
    throw err;
  }
}

async function listSites(session: Session, notes: string[]): Promise<SiteInfo[]> {
  const byId = new Map<string, SiteInfo>();
  for (let page = 1; ; page++) {
    const call: RestCall = { kind: "sites", method: "GET", path: `/api/${session.server.restApiVersion}/sites?pageSize=${PAGE_SIZE}&pageNumber=${page}` };
    const answer = await session.read(call, parseSitesPage);
    const before = byId.size;
    for (const site of answer.sites) if (!byId.has(site.id)) byId.set(site.id, site);
    // A page that adds no site ends the listing (an empty page, or a server that repeats itself).
    if (byId.size === before || byId.size >= answer.totalAvailable) break;
    if (byId.size >= MAX_SITES) {
      notes.push(`the server has ${answer.totalAvailable} sites; chaincheck checked the first ${MAX_SITES}`);
      break;
    }
  }
  return [...byId.values()].slice(0, MAX_SITES);
}

/** The site signed in to; its name from Query Site when the user may read it, else from its contentUrl. */
async function signedInSite(session: Session): Promise<SiteInfo> {
  const { siteId, siteContentUrl } = session.current;
  const call: RestCall = { kind: "site", method: "GET", path: `/api/${session.server.restApiVersion}/sites/${encodeURIComponent(siteId)}` };
  try {
    return await session.read(call, parseSite);
  } catch (err) {
    if (!notAvailable(err)) throw err;
    return { id: siteId, name: siteContentUrl || "Default", contentUrl: siteContentUrl, state: null };
  }
}

async function readSite(session: Session, site: SiteInfo): Promise<DiscoveredSite> {
  const ref: SiteRef = { id: site.id, name: site.name, contentUrl: site.contentUrl };
  const base = `${SETTINGS}/site/extensions/analytics`;
  const extensionsEnabled = await session.read({ kind: "siteSettings", method: "GET", path: base, site: site.name }, parseEnabled);
  let entries = await session.read({ kind: "connections", method: "GET", path: `${base}/connections`, site: site.name }, parseConnectionList);
  const notes: string[] = [];
  if (entries.length > MAX_CONNECTIONS_PER_SITE) {
    notes.push(`the site has ${entries.length} connections; chaincheck checked the first ${MAX_CONNECTIONS_PER_SITE}`);
    entries = entries.slice(0, MAX_CONNECTIONS_PER_SITE);
  }
  const connections: ExtensionConnection[] = [];
  for (const listed of entries) {
    const entry = needsDetail(listed) ? await detail(session, base, site, listed) : listed;
    if (entry === null) {
      notes.push(`connection "${listed.name}" (${listed.type}) was deleted while chaincheck read the site`);
      continue;
    }
    const made = extensionConnection(entry);
    if ("connection" in made) connections.push(made.connection);
    if (made.note) notes.push(made.note);
  }
  return { site: ref, extensionsEnabled, connections, notes };
}

/** The connection's detail merged over its list entry; null when it no longer exists (404). */
async function detail(session: Session, base: string, site: SiteInfo, listed: ConnectionEntry): Promise<ConnectionEntry | null> {
  const call: RestCall = { kind: "connection", method: "GET", path: `${base}/connections/${encodeURIComponent(listed.id)}`, site: site.name };
  try {
    const item = await session.read(call, parseConnectionItem);
    return {
      id: listed.id,
      name: item.name === item.id ? listed.name : item.name,
      type: item.type === "UNDEFINED" ? listed.type : item.type,
      host: item.host ?? listed.host,
      port: item.port ?? listed.port,
      ssl: item.ssl ?? listed.ssl,
      authentication: item.authentication ?? listed.authentication,
      username: item.username ?? listed.username,
    };
  } catch (err) {
    if (err instanceof TableauError && err.answer?.status === 404) return null;
    throw err;
  }
}
