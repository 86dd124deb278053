/**
 * A stand-in Tableau Server REST API for tests: HTTPS on 127.0.0.1 (a free port), answering as Tableau's OpenAPI
 * spec, its REST XSD and clients tested against real servers say a server does, with its quirks: serverinfo without
 * auth (404003 on a "pre-10.1" server, 404001 for a version above the server's), XML unless JSON is asked for on
 * classic endpoints, string-valued attributes, `{}` for an empty collection and a bare object for a one-element page,
 * Query Sites for server admins only, switchSite (403070 for the current site), one session per personal access
 * token, 401000/401002, both connection-list keys, connection details, a `password` field in connection answers
 * (which a client must never print), 429 on demand, and requests held unanswered on demand (Ctrl-C, --timeout). It
 * records what it was asked and which sessions remain.
 */
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { Socket } from "node:net";

export interface StandinConnection {
  readonly id: string;
  readonly name: string;
  /** TABPY, RSERVE, EINSTEIN_DISCOVERY, GENERIC_API, ... */
  readonly type: string;
  /** Omitted for a connection without a host (Einstein Discovery). */
  readonly host?: string;
  readonly port?: number;
  readonly ssl: boolean;
  readonly auth: boolean;
  readonly username?: string;
  /** Sent back in every answer about the connection, as a real server might: a client must never show it. */
  readonly password?: string;
}

export interface StandinSite {
  readonly id: string;
  readonly name: string;
  /** "" is the default site. */
  readonly contentUrl: string;
  readonly state?: "Active" | "Suspended";
  readonly extensionsEnabled: boolean;
  readonly connections: readonly StandinConnection[];
}

export type SiteRole = "SiteAdministratorCreator" | "SiteAdministratorExplorer" | "Viewer";

export interface StandinUser {
  readonly name: string;
  readonly password?: string;
  readonly pat?: { readonly name: string; readonly secret: string };
  readonly serverAdmin: boolean;
  /** Site contentUrl -> role; a server administrator belongs to every site. */
  readonly siteRoles?: Readonly<Record<string, SiteRole>>;
}

export interface StandinOptions {
  /** Chain the stand-in presents (leaf first) and its key. */
  readonly certPem: string;
  readonly keyPem: string;
  /** Default "3.19" (Server 2023.1). */
  readonly restApiVersion?: string;
  readonly productVersion?: string;
  /** A server older than 10.1: serverinfo answers 404003. */
  readonly noServerInfo?: boolean;
  /** Which key the connection list uses: `connectionList` (full items) or `connectionMetadataList` (id + brief). */
  readonly listKey?: "connectionList" | "connectionMetadataList";
  readonly serverExtensionsEnabled?: boolean;
  readonly sites: readonly StandinSite[];
  readonly users: readonly StandinUser[];
  /** The largest page Query Sites returns, whatever the client asks (forces pagination). Default 1000. */
  readonly maxPageSize?: number;
  /** Connection ports as strings ("9004"), as an XML projection would send them. */
  readonly portsAsStrings?: boolean;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly accept: string | undefined;
  readonly contentType: string | undefined;
  readonly token: string | undefined;
  readonly body: unknown;
}

export interface TableauStandin {
  readonly port: number;
  /** https://127.0.0.1:PORT */
  readonly url: string;
  readonly requests: readonly RecordedRequest[];
  /** Every session token handed out (to grep reports for). */
  readonly issuedTokens: readonly string[];
  /** Tokens signed out with auth/signout. */
  readonly signedOut: readonly string[];
  /** Sessions still open. */
  openSessions(): number;
  /** Ends every session on the server side: the next call with its token gets 401002. */
  expireSessions(): void;
  /** The next `count` requests get 429000. */
  rateLimit(count: number): void;
  /**
   * Requests whose "METHOD path" matches get no answer (until the client gives up or the stand-in closes); resolves
   * when the first such request arrives.
   */
  hold(pattern: RegExp): Promise<void>;
  /** Runs `action` before answering the first request whose "METHOD path" matches (e.g. a sign-in elsewhere). */
  beforeAnswer(pattern: RegExp, action: () => void | Promise<void>): void;
  close(): Promise<void>;
}

interface Session {
  readonly user: StandinUser;
  site: StandinSite;
  readonly patName: string | undefined;
}

interface Answer {
  readonly status: number;
  readonly body?: unknown;
}

const classicError = (status: number, code: string, summary: string, detail: string): Answer => ({ status, body: { error: { summary, detail, code } } });
const settingsError = (status: number, message: string): Answer => ({ status, body: { httpErrorCode: String(status), message } });

function apiNumber(version: string): number {
  const [major = "0", minor = "0"] = version.split(".");
  return Number(major) * 1000 + Number(minor);
}

/** Classic endpoints speak XML unless asked for JSON: attributes for primitives, elements for objects. */
function toXml(name: string, value: unknown): string {
  if (Array.isArray(value)) return value.map((v) => toXml(name, v)).join("");
  if (typeof value !== "object" || value === null) return `<${name}>${String(value)}</${name}>`;
  const entries = Object.entries(value as Record<string, unknown>);
  const attributes = entries.filter(([, v]) => typeof v !== "object" || v === null).map(([k, v]) => ` ${k}="${String(v).replace(/"/g, "&quot;")}"`).join("");
  const children = entries.filter(([, v]) => typeof v === "object" && v !== null).map(([k, v]) => toXml(k, v)).join("");
  return `<${name}${attributes}>${children}</${name}>`;
}

export async function startTableauStandin(options: StandinOptions): Promise<TableauStandin> {
  const version = options.restApiVersion ?? "3.19";
  const sessions = new Map<string, Session>();
  const requests: RecordedRequest[] = [];
  const issuedTokens: string[] = [];
  const signedOut: string[] = [];
  const holds: { pattern: RegExp; arrived: () => void }[] = [];
  const hooks: { pattern: RegExp; action: () => void | Promise<void> }[] = [];
  let limited = 0;

  const site = (contentUrl: string): StandinSite | undefined => options.sites.find((s) => s.contentUrl.toLowerCase() === contentUrl.toLowerCase());
  const member = (user: StandinUser, s: StandinSite): boolean => user.serverAdmin || user.siteRoles?.[s.contentUrl] !== undefined;
  const siteAdmin = (user: StandinUser, s: StandinSite): boolean => user.serverAdmin || /^SiteAdministrator/.test(user.siteRoles?.[s.contentUrl] ?? "");

  function open(user: StandinUser, s: StandinSite, patName: string | undefined): Answer {
    // A PAT allows one session at a time: a new sign-in ends the earlier one.
    if (patName !== undefined) for (const [token, other] of sessions) if (other.patName === patName) sessions.delete(token);
    const token = randomBytes(24).toString("base64url");
    issuedTokens.push(token);
    sessions.set(token, { user, site: s, patName });
    return {
      status: 200,
      body: { credentials: { site: { id: s.id, contentUrl: s.contentUrl }, user: { id: `user-${user.name}` }, token, estimatedTimeToExpiration: "364:00:42" } },
    };
  }

  function signIn(body: unknown): Answer {
    const c = (body as { credentials?: Record<string, unknown> } | null)?.credentials;
    const s = site(String((c?.site as { contentUrl?: unknown } | undefined)?.contentUrl ?? ""));
    const user = options.users.find((u) =>
      c?.personalAccessTokenName !== undefined
        ? u.pat?.name === c.personalAccessTokenName && u.pat.secret === c.personalAccessTokenSecret
        : u.password !== undefined && u.name === c?.name && u.password === c?.password,
    );
    if (!user || !s || !member(user, s)) return classicError(401, "401001", "Signin Error", "Error signing in to Tableau Server");
    return open(user, s, c?.personalAccessTokenName === undefined ? undefined : String(c.personalAccessTokenName));
  }

  function connectionItem(c: StandinConnection, full: boolean): Record<string, unknown> {
    const brief = { connection_luid: c.id, connection_brief: { connection_name: c.name, connection_type: c.type } };
    if (!full) return brief;
    return {
      ...brief,
      ...(c.host !== undefined ? { host: c.host } : {}),
      ...(c.port !== undefined ? { port: options.portsAsStrings ? String(c.port) : c.port } : {}),
      is_auth_enabled: c.auth,
      ...(c.username !== undefined ? { username: c.username } : {}),
      ...(c.password !== undefined ? { password: c.password } : {}),
      is_ssl_enabled: c.ssl,
    };
  }

  function sitesPage(query: URLSearchParams): Answer {
    const size = Math.min(Number(query.get("pageSize") ?? "100") || 100, options.maxPageSize ?? 1000);
    const number = Number(query.get("pageNumber") ?? "1") || 1;
    const page = options.sites.slice((number - 1) * size, number * size).map((s) => ({ id: s.id, name: s.name, contentUrl: s.contentUrl, state: s.state ?? "Active" }));
    // The XML projection: `{}` for an empty collection, a bare object for a single entry.
    const sites = page.length === 0 ? {} : { site: page.length === 1 ? page[0] : page };
    return { status: 200, body: { pagination: { pageNumber: String(number), pageSize: String(size), totalAvailable: String(options.sites.length) }, sites } };
  }

  function classic(method: string, rest: string, query: URLSearchParams, body: unknown, session: Session | undefined, token: string | undefined): Answer {
    if (method === "POST" && rest === "auth/signin") return signIn(body);
    if (!token) return classicError(401, "401000", "Unauthorized Access", "No authentication credentials were provided.");
    if (!session) return classicError(401, "401002", "Unauthorized Access", "Invalid authentication credentials were provided.");
    if (method === "POST" && rest === "auth/signout") {
      sessions.delete(token);
      signedOut.push(token);
      return { status: 204 };
    }
    if (method === "POST" && rest === "auth/switchsite") {
      const target = site(String((body as { site?: { contentUrl?: unknown } } | null)?.site?.contentUrl ?? ""));
      if (!target) return classicError(404, "404000", "Site not found", "The site does not exist.");
      if (target.id === session.site.id) return classicError(403, "403070", "Forbidden", "Cannot switch to the site you are already signed in to.");
      if (!member(session.user, target)) return classicError(403, "403000", "Forbidden", "The user is not a member of the site.");
      sessions.delete(token);
      return open(session.user, target, session.patName);
    }
    if (method === "GET" && rest === "sites") {
      if (!session.user.serverAdmin) return classicError(403, "403014", "Forbidden", "Only server administrators may query all sites.");
      return sitesPage(query);
    }
    const one = /^sites\/([^/]+)$/.exec(rest);
    if (method === "GET" && one) {
      const s = options.sites.find((x) => x.id === one[1]);
      if (!s) return classicError(404, "404000", "Site not found", "The site does not exist.");
      if (!siteAdmin(session.user, s)) return classicError(403, "403000", "Forbidden", "Site or server administrator permissions are required.");
      return { status: 200, body: { site: { id: s.id, name: s.name, contentUrl: s.contentUrl, state: s.state ?? "Active" } } };
    }
    return classicError(404, "404000", "Resource Not Found", `Unknown resource '${rest}' specified in URI.`);
  }

  function settings(method: string, rest: string, session: Session | undefined, token: string | undefined): Answer {
    if (apiNumber(version) < apiNumber("3.11")) return settingsError(404, "Not found");
    if (!token) return settingsError(401, "No authentication credentials were provided.");
    if (!session) return settingsError(401, "Invalid authentication credentials were provided.");
    if (method !== "GET") return settingsError(405, "Method not allowed");
    if (rest === "server/extensions/analytics") {
      if (!session.user.serverAdmin) return settingsError(403, "Server or site administrator permissions are required");
      return { status: 200, body: { enabled: options.serverExtensionsEnabled ?? true } };
    }
    if (!siteAdmin(session.user, session.site)) return settingsError(403, "Server or site administrator permissions are required");
    if (rest === "site/extensions/analytics") return { status: 200, body: { enabled: session.site.extensionsEnabled } };
    const key = options.listKey ?? "connectionList";
    if (rest === "site/extensions/analytics/connections") {
      const list = session.site.connections.map((c) => connectionItem(c, key === "connectionList"));
      return { status: 200, body: list.length === 0 ? {} : { [key]: list } };
    }
    const detail = /^site\/extensions\/analytics\/connections\/([^/]+)$/.exec(rest);
    const c = detail && session.site.connections.find((x) => x.id === decodeURIComponent(detail[1]!));
    if (c) return { status: 200, body: connectionItem(c, true) };
    return settingsError(404, "Resource not found");
  }

  function route(req: IncomingMessage, body: unknown): Answer {
    const url = new URL(req.url ?? "/", "https://standin");
    const token = req.headers["x-tableau-auth"] as string | undefined;
    const session = token ? sessions.get(token) : undefined;
    if (limited > 0) {
      limited--;
      return classicError(429, "429000", "Too Many Requests", "Too many requests: slow down.");
    }
    const m = /^\/api\/([^/]+)\/(.*)$/i.exec(url.pathname);
    if (!m) return classicError(404, "404000", "Resource Not Found", "Not a REST path.");
    const [, v, rest] = m as unknown as [string, string, string];
    if (v === "-") {
      if (!/^settings\//i.test(rest)) return settingsError(404, "Resource not found");
      return settings(req.method ?? "GET", rest.replace(/^settings\//i, "").toLowerCase(), session, token);
    }
    if (rest.toLowerCase() === "serverinfo") {
      if (options.noServerInfo) return classicError(404, "404003", "Resource Not Found", `Unknown resource '/${v}/serverInfo' specified in URI.`);
    } else if ((req.headers["content-type"] ?? "application/json").split(";")[0]!.trim().toLowerCase() !== "application/json" && req.method === "POST") {
      return classicError(406, "406000", "Not Acceptable", `Content type '${req.headers["content-type"]}' not supported`);
    }
    if (!/^\d+\.\d+$/.test(v) || apiNumber(v) > apiNumber(version)) {
      return classicError(404, "404001", "Resource Not Found", `Version '${v}' is not a valid version of the API.`);
    }
    if (rest.toLowerCase() === "serverinfo") {
      return { status: 200, body: { serverInfo: { productVersion: { value: options.productVersion ?? "2023.1.0", build: "20231.23.0324.0821" }, restApiVersion: version } } };
    }
    const path = rest.replace(/\/+$/, "").replace(/^auth\/(\w+)$/i, (_all, action: string) => `auth/${action.toLowerCase()}`);
    return classic(req.method ?? "GET", path, url.searchParams, body, session, token);
  }

  function reply(req: IncomingMessage, res: ServerResponse, answer: Answer): void {
    if (answer.body === undefined) {
      res.writeHead(answer.status).end();
      return;
    }
    const settingsPath = /^\/api\/-\//.test(req.url ?? "");
    if (!settingsPath && !/json/i.test(req.headers.accept ?? "")) {
      res.writeHead(answer.status, { "Content-Type": "application/xml;charset=UTF-8" });
      res.end(`<?xml version='1.0' encoding='UTF-8'?><tsResponse>${Object.entries(answer.body as object).map(([k, v]) => toXml(k, v)).join("")}</tsResponse>`);
      return;
    }
    res.writeHead(answer.status, { "Content-Type": "application/json;charset=UTF-8" });
    res.end(JSON.stringify(answer.body));
  }

  const sockets = new Set<Socket>();
  const server: Server = createServer({ cert: options.certPem, key: options.keyPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      let body: unknown = null;
      try {
        body = raw ? (JSON.parse(raw) as unknown) : null;
      } catch {
        body = raw;
      }
      const path = new URL(req.url ?? "/", "https://standin").pathname;
      requests.push({
        method: req.method ?? "", path, accept: req.headers.accept, contentType: req.headers["content-type"],
        token: req.headers["x-tableau-auth"] as string | undefined, body,
      });
      const held = holds.find((h) => h.pattern.test(`${req.method} ${path}`));
      if (held) {
        holds.splice(holds.indexOf(held), 1);
        held.arrived();
        return;
      }
      const hook = hooks.find((h) => h.pattern.test(`${req.method} ${path}`));
      if (hook) hooks.splice(hooks.indexOf(hook), 1);
      void Promise.resolve(hook?.action()).then(() => reply(req, res, route(req, body)));
    });
  });
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  server.on("tlsClientError", () => {});
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  let closing: Promise<void> | undefined;
  return {
    port,
    url: `https://127.0.0.1:${port}`,
    requests,
    issuedTokens,
    signedOut,
    openSessions: () => sessions.size,
    expireSessions: () => sessions.clear(),
    rateLimit: (count) => void (limited = count),
    hold: (pattern) => new Promise<void>((arrived) => holds.push({ pattern, arrived })),
    beforeAnswer: (pattern, action) => void hooks.push({ pattern, action }),
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      });
      return closing;
    },
  };
}
