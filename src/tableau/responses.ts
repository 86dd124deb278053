/**
 * Tableau REST answers -> typed values. The shapes come from Tableau's OpenAPI spec, its REST XSD and clients tested
 * against real servers (test/support/tableau-standin.ts plays them). Lenient about what those sources leave open
 * (strings for numbers, `{}` for an empty list, both connection-list keys and item shapes), strict about what the
 * tool needs (a token, ids, a version). Never keeps a `password` field. Pure.
 */
import { flag, integer, items, object, text, type JsonObject } from "./values.js";

/** The answer lacks what the call needs; `message` says what (never a value of the answer). */
export class ResponseShapeError extends Error {
  override name = "ResponseShapeError";
}

export interface ServerInfo {
  /** e.g. "2023.1.0"; null when the server does not say. */
  readonly productVersion: string | null;
  readonly build: string | null;
  /** e.g. "3.19": the highest REST API version the server speaks. */
  readonly restApiVersion: string;
}

/** A signed-in session (sign-in or switchSite). `token` is a secret: never printed, stored or put in a message. */
export interface SessionCredentials {
  readonly token: string;
  readonly siteId: string;
  readonly siteContentUrl: string;
  readonly userId: string | null;
}

export interface SiteInfo {
  readonly id: string;
  readonly name: string;
  readonly contentUrl: string;
  /** "Active", "Suspended", or null when not given. */
  readonly state: string | null;
}

export interface SitesPage {
  readonly sites: readonly SiteInfo[];
  readonly pageNumber: number;
  readonly pageSize: number;
  readonly totalAvailable: number;
}

/**
 * A connection as a list or detail answer describes it. `host`, `port`, `ssl` and `authentication` are null when the
 * answer lacks them (a `connectionMetadataList` item has only the id and the brief): then the detail is needed.
 */
export interface ConnectionEntry {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly host: string | null;
  readonly port: number | null;
  readonly ssl: boolean | null;
  readonly authentication: boolean | null;
  readonly username: string | null;
}

function required(value: string | undefined, what: string): string {
  if (value === undefined || value === "") throw new ResponseShapeError(`the answer has no ${what}`);
  return value;
}

function root(body: unknown, key: string): JsonObject {
  const value = object(object(body)?.[key]);
  if (!value) throw new ResponseShapeError(`the answer has no "${key}" object`);
  return value;
}

/** `{"serverInfo":{"productVersion":{"value","build"},"restApiVersion"}}`; productVersion may also be a plain string. */
export function parseServerInfo(body: unknown): ServerInfo {
  const info = root(body, "serverInfo");
  const product = object(info.productVersion);
  const restApiVersion = required(text(object(info.restApiVersion)?.value ?? info.restApiVersion), "restApiVersion");
  if (!/^\d+\.\d+$/.test(restApiVersion)) throw new ResponseShapeError(`the answer's restApiVersion is not a version number`);
  return {
    productVersion: (product ? text(product.value) : text(info.productVersion)) ?? null,
    build: (product ? text(product.build) : undefined) ?? null,
    restApiVersion,
  };
}

/** `{"credentials":{"site":{"id","contentUrl"},"user":{"id"},"token"}}` (sign-in and switchSite answer alike). */
export function parseCredentials(body: unknown): SessionCredentials {
  const credentials = root(body, "credentials");
  const site = object(credentials.site);
  return {
    token: required(text(credentials.token), "session token"),
    siteId: required(text(site?.id), "site id"),
    // The default site's contentUrl is "" (or left out).
    siteContentUrl: text(site?.contentUrl) ?? "",
    userId: text(object(credentials.user)?.id) ?? null,
  };
}

function siteOf(value: unknown): SiteInfo {
  const site = object(value);
  if (!site) throw new ResponseShapeError("a site entry is not an object");
  const contentUrl = text(site.contentUrl) ?? "";
  return { id: required(text(site.id), "site id"), name: text(site.name) ?? (contentUrl || "Default"), contentUrl, state: text(site.state) ?? null };
}

/** `{"pagination":{"pageNumber","pageSize","totalAvailable"},"sites":{"site":[...]}}` (Query Sites). */
export function parseSitesPage(body: unknown): SitesPage {
  const top = object(body);
  if (!top) throw new ResponseShapeError("the answer is not a JSON object");
  const sites = items(object(top.sites)?.site).map(siteOf);
  const pagination = object(top.pagination);
  return {
    sites,
    pageNumber: integer(pagination?.pageNumber) ?? 1,
    pageSize: integer(pagination?.pageSize) ?? sites.length,
    totalAvailable: integer(pagination?.totalAvailable) ?? sites.length,
  };
}

/** `{"site":{...}}` (Query Site). */
export function parseSite(body: unknown): SiteInfo {
  return siteOf(root(body, "site"));
}

/** `{"enabled": bool}` (server or site analytics-extension settings); null when the answer does not say. */
export function parseEnabled(body: unknown): boolean | null {
  return flag(object(body)?.enabled) ?? null;
}

function connectionOf(value: unknown): ConnectionEntry {
  const item = object(value);
  if (!item) throw new ResponseShapeError("a connection entry is not an object");
  const brief = object(item.connection_brief);
  const id = required(text(item.connection_luid), "connection_luid");
  const port = integer(item.port);
  return {
    id,
    name: text(brief?.connection_name) ?? id,
    // Opaque text: the enum grows (UNDEFINED, TABPY, RSERVE, EINSTEIN_DISCOVERY, GENERIC_API, ...).
    type: text(brief?.connection_type) ?? "UNDEFINED",
    host: text(item.host) || null,
    port: port !== undefined && port >= 1 && port <= 65535 ? port : null,
    ssl: flag(item.is_ssl_enabled) ?? null,
    authentication: flag(item.is_auth_enabled) ?? null,
    username: text(item.username) || null,
    // `password` is deliberately never read.
  };
}

/**
 * The connection list: `connectionList` (ConnectionItem entries, as live servers answer) or `connectionMetadataList`
 * (id + brief, as the 2023 spec documents); `{}` or neither key is an empty list.
 */
export function parseConnectionList(body: unknown): ConnectionEntry[] {
  const top = object(body);
  if (!top) throw new ResponseShapeError("the answer is not a JSON object");
  return items(top.connectionList ?? top.connectionMetadataList).map(connectionOf);
}

/** One ConnectionItem (the detail call), bare or (leniently) wrapped as a list of one. */
export function parseConnectionItem(body: unknown): ConnectionEntry {
  const top = object(body);
  if (!top) throw new ResponseShapeError("the answer is not a JSON object");
  if (top.connection_luid !== undefined) return connectionOf(top);
  const listed = parseConnectionList(top);
  if (listed.length !== 1) throw new ResponseShapeError("the answer has no connection_luid");
  return listed[0]!;
}

/** The list entry lacks what the probe and the report need: fetch the detail. */
export function needsDetail(entry: ConnectionEntry): boolean {
  return entry.host === null || entry.port === null || entry.ssl === null || entry.authentication === null;
}
