/**
 * What an exporter request asks for, parsed and bounded: the `--listen` address, `/probe`'s query (target,
 * servername, service) and the per-probe timeout that Prometheus's `X-Prometheus-Scrape-Timeout-Seconds` caps.
 * Pure; every error is a `BadRequest` with one line for the response body.
 */
import { ipVersion } from "../cert/ip.js";
import { parseTarget, TargetError } from "../probe/target.js";
import type { ProbeTarget } from "../probe/types.js";
import type { TargetService } from "../input/targets-file.js";

/** A request the exporter refuses (HTTP 400): `message` is the one-line reason. */
export class BadRequest extends Error {
  override name = "BadRequest";
}

export interface ProbeRequest {
  readonly target: ProbeTarget;
  readonly servername?: string;
  readonly service: TargetService;
}

const PARAMETERS = ["target", "servername", "service"] as const;
const SERVICES: readonly TargetService[] = ["auto", "tabpy", "rserve", "tls"];
/** Longest `target` accepted: a host name (253) with a port and a scheme fits easily. */
const MAX_TARGET_LENGTH = 512;
/** servername: an ASCII host name (A-labels for IDNs) or an IP literal, as SNI and the name check take it. */
const SERVERNAME = /^[A-Za-z0-9._:-]{1,253}$/;

/** `/probe?target=host:port[&servername=NAME][&service=auto|tabpy|rserve|tls]`; no other parameter, each once. */
export function parseProbeQuery(query: URLSearchParams): ProbeRequest {
  for (const key of new Set(query.keys())) {
    if (!(PARAMETERS as readonly string[]).includes(key)) throw new BadRequest(`unknown parameter "${printable(key)}" (expected ${PARAMETERS.join(", ")})`);
    if (query.getAll(key).length > 1) throw new BadRequest(`parameter "${key}" given more than once`);
  }
  const input = query.get("target");
  if (input === null || input === "") throw new BadRequest("missing target: /probe?target=host:port");
  if (input.length > MAX_TARGET_LENGTH) throw new BadRequest(`target longer than ${MAX_TARGET_LENGTH} characters`);
  let target: ProbeTarget;
  try {
    target = parseTarget(input);
  } catch (err) {
    if (err instanceof TargetError) throw new BadRequest(err.message);
    throw err;
  }
  const servername = query.get("servername");
  if (servername !== null && !SERVERNAME.test(servername)) throw new BadRequest(`servername "${printable(servername)}" is not a host name (ASCII letters, digits, . - _ :; at most 253)`);
  const service = query.get("service") ?? "auto";
  if (!(SERVICES as readonly string[]).includes(service)) throw new BadRequest(`service "${printable(service)}" is not one of ${SERVICES.join(", ")}`);
  return { target, service: service as TargetService, ...(servername !== null ? { servername } : {}) };
}

/** Time kept back from Prometheus's scrape timeout for the answer to travel (blackbox_exporter keeps 0.5 s too). */
export const SCRAPE_TIMEOUT_OFFSET_MS = 500;

/**
 * The probe's time budget: `maxMs` (the exporter's --timeout), capped by the scrape timeout Prometheus sends, less
 * an offset for the answer (0.5 s, or half the scrape timeout when that is under a second).
 * @throws BadRequest when the header is present but not a positive number of seconds.
 */
export function probeTimeoutMs(maxMs: number, scrapeTimeoutHeader: string | undefined): number {
  if (scrapeTimeoutHeader === undefined) return maxMs;
  const text = scrapeTimeoutHeader.trim();
  const seconds = /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
  if (!(seconds > 0)) throw new BadRequest(`X-Prometheus-Scrape-Timeout-Seconds: "${printable(text)}" is not a positive number of seconds`);
  const scrapeMs = seconds * 1000;
  return Math.max(1, Math.floor(Math.min(maxMs, scrapeMs - Math.min(SCRAPE_TIMEOUT_OFFSET_MS, scrapeMs / 2))));
}

export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

/** `--listen HOST:PORT` or `[V6]:PORT`; port 0 picks a free one. Throws BadRequest on anything else. */
export function parseListen(value: string): ListenAddress {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(value.trim());
  const host = m?.[1] ?? m?.[2];
  const port = Number(m?.[3]);
  if (!m || host === undefined || port > 65535) throw new BadRequest(`"${printable(value)}" is not HOST:PORT (e.g. 127.0.0.1:9793 or [::1]:9793)`);
  if (m[1] !== undefined && ipVersion(host) !== 6) throw new BadRequest(`"${printable(host)}" is not an IPv6 address`);
  return { host, port };
}

/** True for 127.0.0.0/8, ::1 and localhost: the addresses only this machine reaches. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase();
  return h === "localhost" || h === "::1" || (ipVersion(h) === 4 && h.startsWith("127."));
}

/** Request text echoed in an error: printable ASCII only, at most 100 characters. */
function printable(text: string): string {
  const clean = text.replace(/[^\x20-\x7e]/g, "?");
  return clean.length > 100 ? `${clean.slice(0, 99)}…` : clean;
}
