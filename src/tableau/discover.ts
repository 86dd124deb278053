/**
 * The read-only Tableau REST conversation of `chaincheck tableau`: serverinfo and the version gate, sign-in (PAT or
 * user and password), the sites (`--all-sites`: Query Sites page by page, then switchSite for each), per site the
 * enabled state and the analytics-extension connections (details where the list lacks them), and sign-out at the end
 * whatever happened, also when `signal` aborts (Ctrl-C). The transport does the I/O; this module decides what to ask
 * and what the answers mean. The secret and the session token go only into requests, never into a result or message.
 */
import type { ExtensionConnection } from "../result.js";
import { extensionConnection, type SiteRef } from "./connections.js";
import { purposeOf, restFailure, TableauError, type AuthKind, type RestCall } from "./errors.js";
import {
  needsDetail, parseConnectionItem, parseConnectionList, parseCredentials, parseEnabled, parseServerInfo, parseSite,
  parseSitesPage, ResponseShapeError, type ConnectionEntry, type ServerInfo, type SessionCredentials, type SiteInfo,
} from "./responses.js";
import { SERVERINFO_API_VERSION, versionRefusal } from "./versions.js";

export interface RestRequest {
  readonly call: RestCall;
  /** Sent as X-Tableau-Auth. */
  readonly token?: string;
  /** Sent as JSON. */
  readonly body?: unknown;
}

export interface RestResponse {
  readonly status: number;
  /** Parsed JSON, the text when it is not JSON, null when empty. */
  readonly body: unknown;
}

/** One bounded exchange with the Tableau Server. Rejects with a TableauError (network, TLS, timeout) or `signal.reason`. */
export interface Transport {
  send(request: RestRequest, signal?: AbortSignal): Promise<RestResponse>;
}

/** How to sign in. The secret is used for the sign-in request only. */
export type SignIn =
  | { readonly kind: "pat"; readonly name: string; readonly secret: string }
  | { readonly kind: "password"; readonly user: string; readonly password: string };

export interface DiscoveryOptions {
  readonly signIn: SignIn;
  /** The site to sign in to (`--site`; "" is the default site). */
  readonly site: string;
  readonly allSites: boolean;
  /** Aborts the conversation (Ctrl-C); sign-out still happens. */
  readonly signal?: AbortSignal;
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

/** One signed-in conversation (exported for tests of its quirks; `discover` is the entry point). */
export class Session {
  private credentials: SessionCredentials | null = null;
  private readonly api: string;

  constructor(private readonly transport: Transport, readonly server: ServerInfo, private readonly options: DiscoveryOptions) {
    this.api = `/api/${server.restApiVersion}`;
  }

  get current(): SessionCredentials {
    if (!this.credentials) throw new Error("not signed in");
    return this.credentials;
  }

  private get auth(): AuthKind {
    return this.options.signIn.kind;
  }

  /** Sends `call`; an answer of 300 or more becomes the TableauError that explains it. `abortable: false` for sign-out. */
  async exchange(call: RestCall, body?: unknown, abortable = true): Promise<RestResponse> {
    const token = this.credentials?.token;
    const request = { call, ...(token ? { token } : {}), ...(body !== undefined ? { body } : {}) };
    const response = await this.transport.send(request, abortable ? this.options.signal : undefined);
    if (response.status >= 300) {
      throw restFailure(call, response.status, response.body, { auth: this.auth, signedIn: this.credentials !== null, siteContentUrl: this.options.site });
    }
    return response;
  }

  /** `exchange`, then `parse` the body; an answer without what is needed is a TableauError naming the call. */
  async read<T>(call: RestCall, parse: (body: unknown) => T, body?: unknown): Promise<T> {
    return parseAnswer(call, (await this.exchange(call, body)).body, parse);
  }

  async signIn(): Promise<void> {
    const s = this.options.signIn;
    const secretPart = s.kind === "pat" ? { personalAccessTokenName: s.name, personalAccessTokenSecret: s.secret } : { name: s.user, password: s.password };
    const body = { credentials: { ...secretPart, site: { contentUrl: this.options.site } } };
    this.credentials = await this.read({ kind: "signin", method: "POST", path: `${this.api}/auth/signin` }, parseCredentials, body);
  }

  /** switchSite; "already on this site" (403070) is not an error. */
  async switchTo(site: SiteInfo): Promise<void> {
    if (site.id === this.current.siteId) return;
    const call: RestCall = { kind: "switchSite", method: "POST", path: `${this.api}/auth/switchSite`, site: site.name };
    try {
      this.credentials = await this.read(call, parseCredentials, { site: { contentUrl: site.contentUrl } });
    } catch (err) {
      if (err instanceof TableauError && err.answer?.code === "403070") return;
      throw err;
    }
  }

  /** Ends the session; never rejects (a failure is returned as a note). Not abortable: it runs after Ctrl-C too. */
  async signOut(): Promise<string | null> {
    if (!this.credentials) return null;
    try {
      await this.exchange({ kind: "signout", method: "POST", path: `${this.api}/auth/signout` }, undefined, false);
      return null;
    } catch (err) {
      return `sign-out failed (${err instanceof Error ? err.message : String(err)}); the session ends when Tableau expires it`;
    } finally {
      this.credentials = null;
    }
  }
}

function parseAnswer<T>(call: RestCall, body: unknown, parse: (body: unknown) => T): T {
  try {
    return parse(body);
  } catch (err) {
    if (err instanceof ResponseShapeError) {
      throw new TableauError(`unexpected answer when chaincheck tried to ${purposeOf(call)} (${call.method} ${call.path}): ${err.message}`, "unavailable");
    }
    throw err;
  }
}

/** Reads the version without signing in, and refuses servers without the per-site connection calls. */
export async function readServerInfo(transport: Transport, signal?: AbortSignal): Promise<ServerInfo> {
  const call: RestCall = { kind: "serverinfo", method: "GET", path: `/api/${SERVERINFO_API_VERSION}/serverinfo` };
  const response = await transport.send({ call }, signal);
  if (response.status >= 300) throw restFailure(call, response.status, response.body, { auth: "pat", signedIn: false, siteContentUrl: "" });
  const info = parseAnswer(call, response.body, parseServerInfo);
  const refusal = versionRefusal(info);
  if (refusal) throw new TableauError(refusal, "refused");
  return info;
}

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
