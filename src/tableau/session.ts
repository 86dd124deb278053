/**
 * One signed-in Tableau REST session: the transport contract, sign-in (PAT or user and password), switchSite,
 * sign-out, and each call's failure turned into the TableauError that explains it. The secret goes into the sign-in
 * request only and the session token into requests only: neither reaches a result or a message. Pure (the
 * transport does the I/O).
 */
import { purposeOf, restFailure, TableauError, type AuthKind, type RestCall } from "./errors.js";
import { parseCredentials, parseServerInfo, ResponseShapeError, type ServerInfo, type SessionCredentials, type SiteInfo } from "./responses.js";
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

export interface SessionOptions {
  readonly signIn: SignIn;
  /** The site to sign in to (`--site`; "" is the default site). */
  readonly site: string;
  /** Aborts every call but sign-out (Ctrl-C). */
  readonly signal?: AbortSignal;
}

/** One signed-in conversation; `discover` walks the sites with it. */
export class Session {
  private credentials: SessionCredentials | null = null;
  private readonly api: string;

  constructor(private readonly transport: Transport, readonly server: ServerInfo, private readonly options: SessionOptions) {
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
