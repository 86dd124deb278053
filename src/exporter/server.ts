/**
 * `chaincheck exporter`: blackbox_exporter's multi-target pattern over HTTP. `GET /probe?target=host:port` runs one
 * live check (`check`'s pipeline, see check.ts) and answers its metrics; `GET /metrics` answers the exporter's own.
 * The trust store and options are fixed at start-up; a request chooses only the target, its servername and service. Probes run at most `concurrency` at once, each
 * within --timeout capped by Prometheus's scrape timeout; a client that goes away aborts its probe. I/O module.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { CONTENT_TYPE, negotiateDialect, renderExposition } from "../report/exposition.js";
import { renderOpenMetrics } from "../report/openmetrics.js";
import type { ExporterCheck } from "../app/exporter.js";
import { Limiter } from "./limiter.js";
import { exporterFamilies, type ExporterStats } from "./metrics.js";
import { BadRequest, parseProbeQuery, probeTimeoutMs, type ListenAddress } from "./request.js";

export interface ExporterOptions {
  readonly listen: ListenAddress;
  /** One live check (liveCheck in check.ts: the trust store and options fixed at start-up). */
  readonly check: ExporterCheck;
  /** Certificates in the trust store, for /metrics. */
  readonly trustStoreSize: number;
  /** The longest a probe may take (--timeout); Prometheus's scrape timeout may shorten it. */
  readonly timeoutMs: number;
  /** Probes at once (--concurrency); up to 4 times as many requests wait for a slot. */
  readonly concurrency: number;
  readonly version: string;
  readonly nodeVersion: string;
  /** One line per event worth a log (start-up problems, internal errors, shutdown). */
  readonly log: (line: string) => void;
}

export interface Exporter {
  /** http://HOST:PORT, with the port actually bound. */
  readonly url: string;
  readonly port: number;
  stats(): ExporterStats;
  /**
   * Stops accepting connections, lets the probes in flight answer (they are bounded by their timeouts), closes idle
   * keep-alive connections, and resolves once everything is closed.
   */
  close(): Promise<void>;
}

/** On shutdown, past the longest a probe may take (--timeout) plus this, whatever is still open is cut. */
const SHUTDOWN_GRACE_MS = 2000;

/** Requests waiting for a slot, per slot. */
const QUEUE_PER_SLOT = 4;

const LANDING = (version: string): string => `chaincheck exporter ${version}

  /probe?target=HOST:PORT[&servername=NAME][&service=auto|tabpy|rserve|tls]
      one live certificate-chain check, answered as metrics
  /metrics
      the exporter's own metrics
`;

export async function startExporter(options: ExporterOptions): Promise<Exporter> {
  const startedAt = new Date();
  const limiter = new Limiter(options.concurrency, options.concurrency * QUEUE_PER_SLOT);
  const counts = { probes: { success: 0, failure: 0 }, rejected: { busy: 0, bad_request: 0 } };
  let closing = false;

  const stats = (): ExporterStats => ({
    startedAt,
    probes: { ...counts.probes },
    rejected: { ...counts.rejected },
    inFlight: limiter.active,
    waiting: limiter.waiting,
    concurrency: options.concurrency,
    trustAnchors: options.trustStoreSize,
  });

  const send = (res: ServerResponse, status: number, contentType: string, body: string, headers: Record<string, string> = {}): void => {
    if (res.destroyed || res.headersSent) return;
    // While shutting down, no connection is kept alive for another request.
    const connection: Record<string, string> = closing ? { Connection: "close" } : {};
    res.writeHead(status, { "Content-Type": contentType, "Content-Length": Buffer.byteLength(body), "Cache-Control": "no-store", ...connection, ...headers });
    res.end(body);
  };
  const refuse = (res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void =>
    send(res, status, "text/plain; charset=utf-8", `${message}\n`, headers);

  async function probeRoute(req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> {
    let request;
    let budgetMs: number;
    try {
      request = parseProbeQuery(query);
      const header = req.headers["x-prometheus-scrape-timeout-seconds"];
      budgetMs = probeTimeoutMs(options.timeoutMs, Array.isArray(header) ? header[0] : header);
    } catch (err) {
      if (!(err instanceof BadRequest)) throw err;
      counts.rejected.bad_request++;
      refuse(res, 400, err.message);
      return;
    }
    const asked = performance.now();
    const release = await limiter.acquire(budgetMs);
    if (!release) {
      counts.rejected.busy++;
      refuse(res, 503, `busy: ${limiter.active} probes running, ${limiter.waiting} waiting (--concurrency ${options.concurrency})`, { "Retry-After": "1" });
      return;
    }
    const gone = new AbortController();
    const onClose = () => { if (!res.writableFinished) gone.abort(new Error("client closed the connection")); };
    res.once("close", onClose);
    try {
      const timeoutMs = Math.max(1, Math.floor(budgetMs - (performance.now() - asked)));
      const result = await options.check(request, timeoutMs, gone.signal);
      const success = result.status !== "error";
      counts.probes[success ? "success" : "failure"]++;
      const dialect = negotiateDialect(req.headers.accept);
      send(res, 200, CONTENT_TYPE[dialect], renderOpenMetrics([result], { version: options.version, nodeVersion: options.nodeVersion, buildInfo: false }, dialect));
    } catch (err) {
      if (gone.signal.aborted) return; // nobody is listening for the answer
      throw err;
    } finally {
      res.off("close", onClose);
      release();
    }
  }

  function metricsRoute(req: IncomingMessage, res: ServerResponse): void {
    const dialect = negotiateDialect(req.headers.accept);
    send(res, 200, CONTENT_TYPE[dialect], renderExposition(exporterFamilies(stats(), options), dialect));
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://exporter.invalid");
    const routes: Record<string, (() => Promise<void> | void) | undefined> = {
      "/probe": () => probeRoute(req, res, url.searchParams),
      "/metrics": () => metricsRoute(req, res),
      "/": () => send(res, 200, "text/plain; charset=utf-8", LANDING(options.version)),
    };
    const route = routes[url.pathname];
    if (!route) return refuse(res, 404, `not found: try /probe?target=HOST:PORT or /metrics`);
    if (req.method !== "GET") return refuse(res, 405, `method ${req.method} not allowed: use GET`, { Allow: "GET" });
    await route();
  }

  // Requests in progress per connection: on shutdown every connection without one is closed at once (also one that
  // was opened but never sent a request, which closeIdleConnections leaves open), the others after their answer.
  const busy = new Map<Socket, number>();
  const closeIfIdle = (socket: Socket): void => {
    if (closing && (busy.get(socket) ?? 0) === 0) socket.destroy();
  };
  const server: Server = createServer((req, res) => {
    const socket = req.socket;
    busy.set(socket, (busy.get(socket) ?? 0) + 1);
    res.once("close", () => {
      const left = busy.get(socket);
      if (left === undefined) return; // the connection is gone already
      busy.set(socket, left - 1);
      setImmediate(() => closeIfIdle(socket));
    });
    handle(req, res)
      .catch((err: unknown) => {
        options.log(`internal error on ${req.method} ${(req.url ?? "").slice(0, 200)}: ${String((err as Error)?.message ?? err).split("\n")[0]}`);
        refuse(res, 500, "internal error (see the exporter's log)");
      });
  });
  server.on("connection", (socket: Socket) => {
    busy.set(socket, 0);
    socket.once("close", () => busy.delete(socket));
  });
  // Bounds for slow or idle clients; a probe's answer is bounded by its own budget.
  server.headersTimeout = 10_000;
  server.requestTimeout = 15_000;
  server.keepAliveTimeout = 5_000;
  server.maxHeadersCount = 50;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.listen.port, options.listen.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.listen.host.includes(":") ? `[${options.listen.host}]` : options.listen.host;

  return {
    url: `http://${host}:${port}`,
    port,
    stats,
    close: () => {
      closing = true;
      return new Promise<void>((resolve) => {
        const hard = setTimeout(() => { for (const socket of busy.keys()) socket.destroy(); }, options.timeoutMs + SHUTDOWN_GRACE_MS);
        server.close(() => {
          clearTimeout(hard);
          resolve();
        });
        for (const socket of busy.keys()) closeIfIdle(socket);
      });
    },
  };
}
