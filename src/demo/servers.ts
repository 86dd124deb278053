/**
 * Loopback servers that behave like the two Tableau analytics extensions chaincheck checks:
 * TabPy (HTTPS, `GET /info`, Basic authentication) and Rserve (QAP1 over TLS or plain TCP).
 * Used by `chaincheck demo` at run time and by the tests. They present exactly the certificate
 * chain they are given, so a probe sees what a misconfigured real server would send.
 *
 * I/O module: sockets only, no console output, no environment reads.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { createServer as createNetServer } from "node:net";
import type { Server, Socket } from "node:net";
import { createServer as createTlsServer } from "node:tls";
import type { TLSSocket } from "node:tls";

/** A listening demo server. */
export interface RunningServer {
  readonly port: number;
  readonly host: string;
  /** Stops listening and destroys every open connection; resolves once the server is closed. Idempotent. */
  close(): Promise<void>;
}

/** Options of {@link startTabpyLikeServer}. */
export interface TabpyLikeOptions {
  /** Chain to present, leaf first, sent exactly as given (TabPy's `load_cert_chain` does the same). */
  readonly certPem: string;
  readonly keyPem: string;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0: a free port. */
  readonly port?: number;
  /** Username -> password; when present, requests need Basic credentials (TabPy's password file). */
  readonly auth?: { readonly users: Readonly<Record<string, string>> };
  /** `server_version` reported by `/info`. Default "2.13.0". */
  readonly version?: string;
}

/** Options of {@link startRserveLikeServer}. */
export interface RserveLikeOptions {
  /** PEM to present (required when `tls` is true). Rserve's `tls.cert` sends one certificate. */
  readonly certPem?: string;
  readonly keyPem?: string;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0: a free port. */
  readonly port?: number;
  /** true = Rserve's `qap.tls.port` (TLS from the first byte); false = the plain QAP1 port. Default true. */
  readonly tls?: boolean;
}

/** Rserve's greeting: `IDstring` in s-u/Rserve `src/Rserv.c`, sent as exactly 32 bytes. */
export const RSERVE_ID_STRING = "Rsrv0103QAP1\r\n\r\n--------------\r\n";

/** The realm TabPy sends: `tabpy_state.name`, "TabPy Server" in its `state.ini` template. */
export const TABPY_REALM = "TabPy Server";

/** Size of a QAP1 message header (command, length, data offset, length high bits; 4 bytes each). */
const QAP1_HEADER_BYTES = 16;

/**
 * Starts a TabPy-like HTTPS server: `GET /info` answers like TabPy's ServiceInfoHandler, with the
 * authentication outcomes of TabPy's `base_handler.py` (401 / 406); every other path is 404.
 */
export async function startTabpyLikeServer(options: TabpyLikeOptions): Promise<RunningServer> {
  const version = options.version ?? "2.13.0";
  const checker = options.auth ? credentialChecker(options.auth.users) : undefined;
  const server = createHttpsServer(
    {
      cert: options.certPem,
      key: options.keyPem,
      // `ca: []` keeps Node's root store out of the context, so OpenSSL cannot auto-complete the chain.
      ca: [],
      // TabPy's ssl.create_default_context() refuses anything older than TLS 1.2.
      minVersion: "TLSv1.2",
    },
    (req, res) => handleTabpyRequest(req, res, version, checker),
  );
  return listenTracked(server, options.host ?? "127.0.0.1", options.port ?? 0);
}

/**
 * Starts an Rserve-like server: right after the TLS handshake (or the TCP connect when `tls` is
 * false) it sends the 32-byte ID string, then waits for a QAP1 command and closes on any, as it
 * handles none.
 */
export async function startRserveLikeServer(options: RserveLikeOptions): Promise<RunningServer> {
  const useTls = options.tls ?? true;
  let server: Server;
  if (useTls) {
    if (options.certPem === undefined || options.keyPem === undefined) {
      throw new TypeError("startRserveLikeServer: certPem and keyPem are required when tls is true");
    }
    // Rserve uses OpenSSL's defaults: no minimum beyond the library's, no client certificate.
    server = createTlsServer({ cert: options.certPem, key: options.keyPem, ca: [] }, (socket: TLSSocket) =>
      serveQap1(socket),
    );
  } else {
    server = createNetServer((socket) => serveQap1(socket));
  }
  return listenTracked(server, options.host ?? "127.0.0.1", options.port ?? 0);
}

/** Sends the ID string, then closes the connection on the first complete QAP1 header. */
function serveQap1(socket: Socket): void {
  socket.on("error", () => socket.destroy());
  socket.write(Buffer.from(RSERVE_ID_STRING, "latin1"));
  let received = 0;
  socket.on("data", (chunk: Buffer) => {
    received += chunk.length;
    if (received >= QAP1_HEADER_BYTES) socket.destroy();
  });
}

/** Verifies Basic credentials without keeping the passwords: salted SHA-256 digests only. */
type CredentialChecker = (username: string, password: string) => boolean;

function credentialChecker(users: Readonly<Record<string, string>>): CredentialChecker {
  const salt = randomBytes(16);
  const digest = (password: string): Buffer => createHash("sha256").update(salt).update(password, "utf8").digest();
  // TabPy lower-cases user names when it reads the password file and when it checks a login.
  const stored = new Map(Object.entries(users).map(([name, password]) => [name.toLowerCase(), digest(password)]));
  return (username, password) => {
    const expected = stored.get(username.toLowerCase());
    return expected !== undefined && timingSafeEqual(expected, digest(password));
  };
}

/** Parses `Authorization: Basic ...` like TabPy's `_get_basic_auth_credentials`; undefined when unusable. */
function basicCredentials(header: string | undefined): { username: string; password: string } | undefined {
  if (header === undefined) return undefined;
  const parts = header.split(" ");
  if (parts.length !== 2 || parts[0] !== "Basic") return undefined;
  let decoded: string;
  try {
    decoded = new TextDecoder("utf-8", { fatal: true }).decode(Buffer.from(parts[1] ?? "", "base64"));
  } catch {
    return undefined;
  }
  const loginPassword = decoded.split(":");
  if (loginPassword.length !== 2) return undefined;
  return { username: loginPassword[0] ?? "", password: loginPassword[1] ?? "" };
}

type AuthOutcome = "ok" | "unauthorized" | "not-acceptable";

/** TabPy's `handle_authentication`: 401 when required and missing/wrong, 406 when sent but not enabled. */
function authenticate(header: string | undefined, checker: CredentialChecker | undefined): AuthOutcome {
  const credentials = basicCredentials(header);
  if (checker === undefined) return credentials === undefined ? "ok" : "not-acceptable";
  if (credentials === undefined) return "unauthorized";
  return checker(credentials.username, credentials.password) ? "ok" : "unauthorized";
}

function handleTabpyRequest(
  req: IncomingMessage,
  res: ServerResponse,
  version: string,
  checker: CredentialChecker | undefined,
): void {
  const path = (req.url ?? "/").split("?")[0];
  if (path !== "/info") {
    // TabPy's catch-all StaticFileHandler is not a BaseHandler: a missing file is a plain 404.
    res.writeHead(404, { "Content-Type": "text/html; charset=UTF-8" });
    res.end("<html><title>404: Not Found</title><body>404: Not Found</body></html>");
    return;
  }
  if (req.method !== "GET") {
    sendJson(res, 405, { message: "Method Not Allowed", info: {} });
    return;
  }
  const outcome = authenticate(req.headers.authorization, checker);
  if (outcome === "unauthorized") {
    res.setHeader("WWW-Authenticate", `Basic realm="${TABPY_REALM}"`);
    sendJson(res, 401, { message: "Invalid credentials provided.", info: "Unauthorized request." });
  } else if (outcome === "not-acceptable") {
    res.setHeader("WWW-Authenticate", `Basic realm="${TABPY_REALM}"`);
    sendJson(res, 406, {
      message: "Username or password provided when authentication not available.",
      info: "Not Acceptable",
    });
  } else {
    sendJson(res, 200, tabpyInfo(version, checker !== undefined));
  }
}

/** The `/info` document of TabPy's ServiceInfoHandler, with state.ini template defaults. */
function tabpyInfo(version: string, authRequired: boolean): Record<string, unknown> {
  const features: Record<string, unknown> = {};
  if (authRequired) features["authentication"] = { required: true, methods: { "basic-auth": {} } };
  features["evaluate_enabled"] = true;
  features["gzip_enabled"] = true;
  return {
    description: "",
    creation_time: "0",
    state_path: "/opt/tabpy/tabpy/tabpy_server",
    server_version: version,
    name: TABPY_REALM,
    versions: { v1: { features } },
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "Content-Type": "application/json" });
  res.end(JSON.stringify(body));
}

/** Listens on host:port, tracks every raw connection, and returns a close() that destroys them. */
async function listenTracked(server: Server, host: string, port: number): Promise<RunningServer> {
  const sockets = new Set<Socket>();
  // "connection" fires for the raw TCP socket, before any TLS handshake: half-open clients are tracked too.
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.on("tlsClientError", () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host, port }, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("server has no TCP address");
  let closing: Promise<void> | undefined;
  return {
    port: address.port,
    host,
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        sockets.clear();
      });
      return closing;
    },
  };
}
