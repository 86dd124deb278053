/**
 * Tableau's error answers -> one clear line. Two body shapes exist: the classic endpoints send
 * `{"error":{"code","summary","detail"}}` (a 6-digit code whose first three digits are the HTTP status), the `/api/-/`
 * endpoints `{"httpErrorCode","message"}`. Messages quote what the server said, never a request (no secret). Pure.
 */
import { object, text } from "./values.js";

/** Which REST call failed: decides the words of a 403 or a 404. */
export type RestCallKind =
  | "serverinfo" | "signin" | "signout" | "sites" | "site" | "switchSite"
  | "serverSettings" | "siteSettings" | "connections" | "connection";

export interface RestCall {
  readonly kind: RestCallKind;
  readonly method: "GET" | "POST";
  /** The path without the server, e.g. "/api/-/settings/site/extensions/analytics". */
  readonly path: string;
  /** The site's name, for per-site calls. */
  readonly site?: string;
}

export type AuthKind = "pat" | "password";

/**
 * The Tableau conversation failed. `refused`: fix the command, the credentials or the permissions (exit 2);
 * `unavailable`: nothing could be checked this time (exit 3).
 */
export class TableauError extends Error {
  override name = "TableauError";
  constructor(
    message: string,
    readonly kind: "refused" | "unavailable",
    /** The HTTP status and Tableau's error code, when Tableau answered. */
    readonly answer?: { readonly status: number; readonly code: string | null },
  ) {
    super(message);
  }
}

export interface ErrorBody {
  readonly code: string | null;
  readonly summary: string | null;
  readonly detail: string | null;
}

/** Server text for a one-line message: control characters out, whitespace folded, at most 200 characters. */
function clean(value: string | undefined): string | null {
  if (value === undefined) return null;
  const line = value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]+/g, " ").replace(/\s+/g, " ").trim();
  if (line === "") return null;
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}

/** Either documented shape (or a bare string body), fields null when absent. */
export function parseErrorBody(body: unknown): ErrorBody {
  const top = object(body);
  const classic = object(top?.error);
  if (classic) return { code: clean(text(classic.code)), summary: clean(text(classic.summary)), detail: clean(text(classic.detail)) };
  if (top && (top.httpErrorCode !== undefined || top.message !== undefined)) {
    return { code: clean(text(top.httpErrorCode)), summary: null, detail: clean(text(top.message)) };
  }
  return { code: null, summary: null, detail: typeof body === "string" && !/^\s*</.test(body) ? clean(body) : null };
}

/** "401001 Signin Error: Error signing in to Tableau Server", or "HTTP 502" when the body says nothing. */
export function serverSaid(status: number, error: ErrorBody): string {
  const words = [error.summary, error.detail].filter((s): s is string => s !== null).join(": ");
  const code = error.code ?? `HTTP ${status}`;
  return words ? `${code} ${words}` : code;
}

const siteName = (call: RestCall): string => (call.site === undefined ? "" : ` of site "${call.site}"`);

/** What the call does, in words: "list the analytics extension connections of site "Finance"". */
export function purposeOf(call: RestCall): string {
  switch (call.kind) {
    case "serverinfo": return "read the server version (GET /api/2.4/serverinfo)";
    case "signin": return "sign in";
    case "signout": return "sign out";
    case "sites": return "list the sites";
    case "site": return `read the site${siteName(call)}`;
    case "switchSite": return `switch to site "${call.site ?? ""}"`;
    case "serverSettings": return "read whether analytics extensions are enabled on the server";
    case "siteSettings": return `read whether analytics extensions are enabled${call.site === undefined ? "" : ` on site "${call.site}"`}`;
    case "connections": return `list the analytics extension connections${siteName(call)}`;
    case "connection": return `read an analytics extension connection${siteName(call)}`;
  }
}

export interface FailureContext {
  readonly auth: AuthKind;
  /** A session exists: a 401 then means the session ended, not bad credentials. */
  readonly signedIn: boolean;
  /** The site signed in to (`--site`), for the sign-in message. */
  readonly siteContentUrl: string;
}

/** A failed call (HTTP status >= 400) -> the error to report. */
export function restFailure(call: RestCall, status: number, body: unknown, context: FailureContext): TableauError {
  const error = parseErrorBody(body);
  const failure = explain(call, status, error, context);
  return new TableauError(failure.message, failure.kind, { status, code: error.code });
}

function explain(call: RestCall, status: number, error: ErrorBody, context: FailureContext): { message: string; kind: TableauError["kind"] } {
  const said = serverSaid(status, error);
  const purpose = purposeOf(call);
  if (status === 401 && (call.kind === "signin" || !context.signedIn)) {
    const what = context.auth === "pat"
      ? "the token name and secret (a personal access token expires when revoked or after 15 days unused)"
      : "the user name and password";
    return { message: `Tableau rejected the sign-in (${said}): check ${what}, and that the user belongs to the site --site "${context.siteContentUrl}" (the default site is "")`, kind: "refused" };
  }
  if (status === 401) {
    // With a PAT the likely cause is a sign-in elsewhere with the same token (the `/api/-/` shape has no 401002).
    const why = context.auth === "pat"
      ? "a personal access token allows one session at a time, so a sign-in elsewhere with the same token (another script, another chaincheck run) ends this one; the session may also have expired. Give chaincheck a token of its own, or run again when the other session is done"
      : "the session expired or was ended on the server; run again";
    return { message: `Tableau ended the session while chaincheck tried to ${purpose} (${said}): ${why}`, kind: "unavailable" };
  }
  if (status === 403) return { message: forbidden(call, purpose, said), kind: "refused" };
  if (status === 404 && call.kind === "serverinfo") {
    return { message: `no Tableau REST API answers at this address (${purpose}: ${said}): check the server URL; a server older than Tableau Server 10.1 has no serverinfo`, kind: "refused" };
  }
  if (status === 404 && (call.kind === "siteSettings" || call.kind === "connections")) {
    return { message: `this server has no analytics extension REST calls (${purpose}: ${said}); they arrived with Tableau Server 2021.1 (REST API 3.11)`, kind: "refused" };
  }
  if (status === 406) {
    return { message: `Tableau refused the request's format while chaincheck tried to ${purpose} (${said}): chaincheck sends and accepts JSON, which Tableau Server speaks since 10.2`, kind: "unavailable" };
  }
  if (status === 429) {
    return { message: `Tableau is limiting the request rate (${said}) while chaincheck tried to ${purpose}: wait a minute and run again, with fewer REST clients at the same time`, kind: "unavailable" };
  }
  if (status >= 500) return { message: `Tableau Server failed to ${purpose} (${said}); see its logs, then run again`, kind: "unavailable" };
  return { message: `Tableau answered ${said} when chaincheck tried to ${purpose} (${call.method} ${call.path})`, kind: "unavailable" };
}

function forbidden(call: RestCall, purpose: string, said: string): string {
  switch (call.kind) {
    case "sites":
      return `--all-sites needs a server administrator: Tableau refused to list the sites (${said}). Sign in as a server administrator, or leave out --all-sites to check the signed-in site only`;
    case "switchSite":
      return `Tableau refused to ${purpose} (${said}): the signed-in user needs to be a server administrator or a member of that site`;
    case "siteSettings":
    case "connections":
    case "connection":
      return `Tableau refused to ${purpose} (${said}): reading analytics extension connections needs a site administrator of that site or a server administrator`;
    default:
      return `Tableau refused to ${purpose} (${said})`;
  }
}
