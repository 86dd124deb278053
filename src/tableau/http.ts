/**
 * The Tableau REST transport: JSON over node:https, the server's certificate verified against the given CA
 * certificates (the run's trust store, or `--tableau-ca-file`), every exchange bounded by `timeoutMs` from connect
 * to the last byte of the answer and by a body size limit. Redirects are not followed. Requests are never logged:
 * they carry the sign-in secret or the session token. I/O module.
 */
import { Agent, request } from "node:https";
import { TableauError, purposeOf } from "./errors.js";
import type { RestRequest, RestResponse, Transport } from "./session.js";

export interface HttpsTransportOptions {
  /** https://host[:port][/prefix] of the Tableau Server. */
  readonly base: URL;
  /** PEM certificates the server's chain must end in. */
  readonly ca: readonly string[];
  /** The store's description, for the error when the server's certificate is not trusted. */
  readonly caDescription: string;
  readonly timeoutMs: number;
  readonly userAgent: string;
}

/** No analytics-extension answer comes near this; a bigger one is not Tableau's. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

/** Node's codes for a certificate the client does not accept (OpenSSL verify errors and the name check). */
const CERTIFICATE_ERROR = /CERT|SIGNATURE|ISSUER|ALTNAME|SELF_SIGNED|CHAIN/;

export interface HttpsTransport extends Transport {
  /** Closes kept-alive connections. */
  close(): void;
}

export function httpsTransport(options: HttpsTransportOptions): HttpsTransport {
  // One kept-alive connection for the whole conversation: one handshake, one verification.
  const agent = new Agent({ keepAlive: true, maxSockets: 1, ca: [...options.ca] });
  const prefix = options.base.pathname.replace(/\/+$/, "");
  return {
    send: (req, signal) => exchange(options, agent, new URL(`${prefix}${req.call.path}`, options.base), req, signal),
    close: () => agent.destroy(),
  };
}

function exchange(options: HttpsTransportOptions, agent: Agent, url: URL, req: RestRequest, signal: AbortSignal | undefined): Promise<RestResponse> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const payload = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body));
    const headers: Record<string, string | number> = { Accept: "application/json", "User-Agent": options.userAgent };
    if (payload) Object.assign(headers, { "Content-Type": "application/json", "Content-Length": payload.length });
    if (req.token) headers["X-Tableau-Auth"] = req.token;
    let settled = false;
    const outgoing = request(url, { method: req.call.method, headers, agent });
    const finish = (error: unknown, response?: RestResponse): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      if (error !== undefined) {
        outgoing.destroy();
        reject(error);
      } else resolve(response!);
    };
    const onAbort = (): void => finish(signal!.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    const timer = setTimeout(() => {
      finish(new TableauError(`Tableau did not answer within ${options.timeoutMs} ms when chaincheck tried to ${purposeOf(req.call)} (--timeout)`, "unavailable"));
    }, options.timeoutMs);
    outgoing.on("error", (err: NodeJS.ErrnoException) => finish(networkError(err, url, options)));
    outgoing.on("response", (incoming) => {
      const chunks: Buffer[] = [];
      let size = 0;
      incoming.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) finish(new TableauError(`the answer when chaincheck tried to ${purposeOf(req.call)} is larger than ${MAX_BODY_BYTES / 1024 / 1024} MiB: not Tableau's`, "unavailable"));
        else chunks.push(chunk);
      });
      incoming.on("error", (err: NodeJS.ErrnoException) => finish(networkError(err, url, options)));
      incoming.on("end", () => finish(undefined, { status: incoming.statusCode ?? 0, body: decodeBody(Buffer.concat(chunks).toString("utf8")) }));
    });
    outgoing.end(payload);
  });
}

/** JSON when it parses, the text otherwise, null when empty. */
function decodeBody(raw: string): unknown {
  const trimmed = raw.trim();
  if (trimmed === "") return null;
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    return trimmed;
  }
}

function networkError(err: NodeJS.ErrnoException, url: URL, options: HttpsTransportOptions): TableauError {
  const code = err.code ?? "error";
  const where = `${url.protocol}//${url.host}`;
  const reason = err.message.split("\n")[0];
  if (CERTIFICATE_ERROR.test(code)) {
    return new TableauError(
      `the Tableau Server's certificate at ${where} is not trusted (${code}: ${reason}) against ${options.caDescription}: ` +
        `pass --tableau-ca-file FILE with the CA that issued it, or see why with \`chaincheck ${url.hostname}:${url.port || "443"} --service tls\``,
      "refused",
    );
  }
  return new TableauError(`cannot reach the Tableau Server at ${where} (${code}: ${reason})`, "unavailable");
}
