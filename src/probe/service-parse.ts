/**
 * Reads what a TLS service said after the handshake: Rserve's ID string, or an HTTP answer to GET /info
 * (TabPy / Analytics Extensions API). Pure.
 */
import { printableText } from "./classify.js";
import type { ServiceInfo } from "./types.js";

/** Rserve's ID string is 32 bytes: "Rsrv" + version + protocol + 4-byte attributes (Rserve docs, "QAP1"). */
export const RSERVE_ID_LENGTH = 32;

export function isRserveId(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x52 && bytes[1] === 0x73 && bytes[2] === 0x72 && bytes[3] === 0x76; // "Rsrv"
}

/** "Rserve 0103 QAP1 (TLS)", plus the authentication attribute when announced (ARpt / ARuc). */
export function rserveInfo(bytes: Uint8Array): ServiceInfo {
  const id = Buffer.from(bytes.subarray(0, RSERVE_ID_LENGTH)).toString("latin1");
  const version = printableText(Buffer.from(id.slice(4, 8), "latin1"), 8);
  const protocol = printableText(Buffer.from(id.slice(8, 12), "latin1"), 8);
  const attributes: string[] = [];
  for (let i = 12; i + 4 <= id.length; i += 4) attributes.push(id.slice(i, i + 4));
  const auth = attributes.find((a) => a.startsWith("AR"));
  const authText = auth === "ARpt" ? ", authentication required (plain text)" : auth === "ARuc" ? ", authentication required (crypt)" : auth ? ", authentication required" : "";
  const complete = bytes.length >= RSERVE_ID_LENGTH && protocol === "QAP1";
  return {
    service: "rserve",
    detail: `Rserve ${version} ${protocol || "?"} (TLS)${authText}${complete ? "" : ", incomplete ID string"}`,
    rserveId: id.replace(/[^\x20-\x7e]/g, ""),
  };
}

/** A parsed HTTP/1.x response. */
export interface HttpResponse {
  readonly status: number;
  readonly reason: string;
  /** Lower-cased header names; repeated headers joined with ", ". */
  readonly headers: ReadonlyMap<string, string>;
  readonly body: Buffer;
}

/**
 * Parses a response once it is complete: headers plus Content-Length bytes, a finished chunked body, or everything
 * up to the close. Returns undefined while more bytes are needed; null when the bytes are not HTTP.
 */
export function parseHttpResponse(data: Buffer, closed: boolean): HttpResponse | null | undefined {
  if (data.length >= 5 && data.subarray(0, 5).toString("latin1") !== "HTTP/") return null;
  const end = data.indexOf("\r\n\r\n");
  if (end < 0) return closed && data.length > 0 ? null : undefined;
  const lines = data.subarray(0, end).toString("latin1").split("\r\n");
  const m = /^HTTP\/\d(?:\.\d)? (\d{3})(?: (.*))?$/.exec(lines[0]!);
  if (!m) return null;
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const i = line.indexOf(":");
    if (i <= 0) continue;
    const name = line.slice(0, i).trim().toLowerCase();
    const value = line.slice(i + 1).trim();
    headers.set(name, headers.has(name) ? `${headers.get(name)}, ${value}` : value);
  }
  const raw = data.subarray(end + 4);
  const body = readBody(raw, headers, closed);
  if (body === undefined) return undefined;
  return { status: Number(m[1]), reason: m[2] ?? "", headers, body };
}

function readBody(raw: Buffer, headers: ReadonlyMap<string, string>, closed: boolean): Buffer | undefined {
  if (/\bchunked\b/i.test(headers.get("transfer-encoding") ?? "")) return dechunk(raw) ?? (closed ? raw : undefined);
  const length = headers.get("content-length");
  if (length !== undefined && /^\d+$/.test(length)) {
    const n = Number(length);
    if (raw.length >= n) return raw.subarray(0, n);
    return closed ? raw : undefined;
  }
  return closed ? raw : undefined;
}

/** Decodes a chunked body (RFC 9112 §7.1); undefined until the last chunk has arrived. */
function dechunk(raw: Buffer): Buffer | undefined {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = raw.indexOf("\r\n", at);
    if (eol < 0) return undefined;
    const size = parseInt(raw.subarray(at, eol).toString("latin1").split(";")[0]!, 16);
    if (!Number.isFinite(size)) return undefined;
    if (size === 0) return Buffer.concat(parts);
    if (raw.length < eol + 2 + size + 2) return undefined;
    parts.push(raw.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
}

/** TabPy answers 401 with `WWW-Authenticate: Basic realm="TabPy Server"` when a password file is configured (tableau/TabPy). */
const TABPY_REALM = /basic\s+realm\s*=\s*"?TabPy Server"?/i;

/**
 * Classifies the answer to GET /info. JSON object -> TabPy (Analytics Extensions API); 401 with TabPy's realm ->
 * TabPy with authentication; 406 after sending credentials -> TabPy without authentication; anything else -> "tls".
 */
export function classifyInfoResponse(res: HttpResponse, sentCredentials: boolean): ServiceInfo {
  const server = res.headers.get("server");
  const by = server ? ` (${printableText(Buffer.from(server, "latin1"), 40)})` : "";
  if (res.status === 200) {
    const info = parseJson(res.body);
    if (info !== undefined && typeof info === "object" && info !== null && !Array.isArray(info)) {
      const v = (info as Record<string, unknown>)["server_version"];
      const version = typeof v === "string" ? printableText(Buffer.from(v, "utf8"), 30) : undefined;
      const name = version ? `TabPy ${version}` : "TabPy-compatible analytics extension (no server_version)";
      const auth = sentCredentials ? "authentication on, credentials accepted" : "authentication off";
      return { service: "tabpy", detail: `${name}, ${auth}`, tabpy: { httpStatus: 200, authRequired: sentCredentials, info, ...(version ? { version } : {}) } };
    }
  }
  if (res.status === 401 && TABPY_REALM.test(res.headers.get("www-authenticate") ?? "")) {
    const detail = sentCredentials ? "TabPy, authentication on, credentials rejected (401)" : "TabPy, authentication required";
    return { service: "tabpy", detail, tabpy: { httpStatus: 401, authRequired: true } };
  }
  if (res.status === 406 && sentCredentials) {
    return { service: "tabpy", detail: "TabPy, authentication off (credentials sent but not expected: 406)", tabpy: { httpStatus: 406, authRequired: false } };
  }
  const reason = res.reason ? ` ${printableText(Buffer.from(res.reason, "latin1"), 30)}` : "";
  return { service: "tls", detail: `HTTPS server${by} answered GET /info with ${res.status}${reason}: not TabPy` };
}

/** JSON's insignificant whitespace (RFC 8259 §2): space, tab, line feed, carriage return. */
const isJsonSpace = (byte: number) => byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;

/**
 * Only a JSON object counts as TabPy's answer: a body that does not start with "{" and end with "}" (whitespace
 * aside) cannot be one, so it is not handed to JSON.parse (an HTML page or a large blob would cost a throw).
 */
function mayBeJsonObject(body: Buffer): boolean {
  let first = 0;
  let last = body.length - 1;
  while (first <= last && isJsonSpace(body[first]!)) first++;
  while (last > first && isJsonSpace(body[last]!)) last--;
  return last > first && body[first] === 0x7b && body[last] === 0x7d; // "{" ... "}"
}

function parseJson(body: Buffer): unknown {
  if (!mayBeJsonObject(body)) return undefined;
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    return undefined;
  }
}
