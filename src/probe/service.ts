/**
 * Service detection on an established TLS connection: Rserve speaks first (its 32-byte ID string), TabPy answers
 * GET /info. Bounded by the probe's deadline; a missing answer is a finding, never an error. I/O module.
 *
 * No blind wait for Rserve: in TLS 1.3 a server's session tickets arrive in the flight in which Rserve sends its ID
 * (both follow the server's reading of the client's Finished), so once the tickets are in and no ID came with them,
 * GET /info goes out. Servers without tickets (TLS 1.2, where tickets precede the handshake's end, or TLS 1.3
 * servers that send none) get a bounded grace period instead.
 */
import type { TLSSocket } from "node:tls";
import { printableText } from "./classify.js";
import { classifyInfoResponse, isRserveId, parseHttpResponse, RSERVE_ID_LENGTH, rserveInfo } from "./service-parse.js";
import type { ProbeOptions, ProbeTarget, ServiceInfo } from "./types.js";

/** An answer to GET /info bigger than this is not TabPy's; stop reading. */
const MAX_ANSWER = 64 * 1024;
/** An answer in more pieces than this is a server dripping bytes: stop re-reading it (each piece re-parses it). */
const MAX_PIECES = 1024;
/**
 * After the tickets, how long to let data of the same flight arrive (real Rserve's ID trails its tickets by ~0.1 ms
 * on loopback): a miss only sends Rserve a request it cannot parse, its ID still comes first.
 */
const TICKET_SETTLE_MS = 2;

export interface DetectOptions {
  mode: ProbeOptions["service"];
  target: ProbeTarget;
  tabpyAuth?: ProbeOptions["tabpyAuth"];
  /** performance.now() value by which detection must have returned. */
  deadline: number;
  /** How long to let the server speak first in "auto" mode when no TLS 1.3 tickets tell sooner (a few round trips). */
  graceMs: number;
  /** How long to wait for Rserve's ID string once the handshake is done (Rserve sends it at once). */
  answerWaitMs: number;
  /** The connection's session tickets, watched from before the handshake (`TicketWatch`). */
  tickets?: TicketWatch;
}

/** Counts the session tickets a server sends (Node's 'session' event); must be attached before the handshake. */
export class TicketWatch {
  count = 0;
  /** Called on every ticket (the detection's waits listen here). */
  onTicket: (() => void) | undefined;

  constructor(socket: TLSSocket) {
    socket.on("session", () => {
      this.count++;
      this.onTicket?.();
    });
  }
}

/** Collects what the server sends on the TLS connection and wakes waiters. */
class Inbox {
  data: Buffer = Buffer.alloc(0);
  pieces = 0;
  closed = false;
  /** OpenSSL's reason when the connection ended in an error (e.g. a post-handshake alert). */
  error: string | undefined;
  private wake: (() => void) | undefined;

  constructor(socket: TLSSocket) {
    socket.on("data", (chunk: Buffer) => {
      if (this.data.length >= MAX_ANSWER || this.pieces >= MAX_PIECES) return;
      this.data = Buffer.concat([this.data, chunk]);
      this.pieces++;
      this.wake?.();
    });
    const end = () => {
      this.closed = true;
      this.wake?.();
    };
    socket.on("end", end);
    socket.on("close", end);
    socket.on("error", (e: Error & { reason?: string }) => {
      this.error ??= (e.reason ?? e.message).split("\n")[0];
      end();
    });
  }

  /** Why the connection ended, for details: "" when it simply closed. */
  closeReason(): string {
    if (!this.error) return "";
    // TLS 1.3 servers check the client certificate after the client's Finished: the alert comes after secureConnect.
    const mtls = /certificate required|alert number 116/i.test(this.error) ? " (the server requires a client certificate: mutual TLS)" : "";
    return `: ${this.error}${mtls}`;
  }

  /** No more data will be read: closed, or the answer reached its size or piece limit. */
  get full(): boolean {
    return this.closed || this.data.length >= MAX_ANSWER || this.pieces >= MAX_PIECES;
  }

  /** Re-checks a pending `until` (for events other than data, e.g. a session ticket). */
  poke(): void {
    this.wake?.();
  }

  /** Resolves when `done(data)` holds, no more data will come, or `ms` pass. */
  until(done: (data: Buffer) => boolean, ms: number): Promise<void> {
    if (this.full || done(this.data) || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(finish, ms);
      this.wake = () => {
        if (this.full || done(this.data)) finish();
      };
    });
  }
}

/** Detects TabPy or Rserve on `socket` (already past secureConnect). Never throws; the caller closes the socket. */
export async function detectService(socket: TLSSocket, options: DetectOptions): Promise<ServiceInfo> {
  if (options.mode === "tls") return { service: "tls", detail: "service detection skipped" };
  const inbox = new Inbox(socket);
  const left = () => Math.max(0, options.deadline - performance.now());

  if (options.mode === "rserve") {
    const wait = Math.min(left(), options.answerWaitMs);
    await inbox.until((d) => d.length >= RSERVE_ID_LENGTH, wait);
    if (isRserveId(inbox.data)) return rserveInfo(inbox.data);
    return notAsked("Rserve", inbox, `no Rserve ID string within ${Math.round(wait)} ms after the handshake`);
  }

  if (options.mode === "auto") {
    await letServerSpeakFirst(socket, inbox, options, left);
    if (isRserveId(inbox.data)) {
      await inbox.until((d) => d.length >= RSERVE_ID_LENGTH, Math.min(left(), options.answerWaitMs));
      return rserveInfo(inbox.data);
    }
    if (inbox.data.length > 0) return { service: "tls", detail: `the server spoke first: "${printableText(inbox.data)}"` };
    if (inbox.closed) return { service: "tls", detail: `the server closed the connection after the handshake${inbox.closeReason() || " without a word"}` };
  }

  if (socket.destroyed || !socket.writable) return { service: "tls", detail: "connection closed before GET /info could be sent" };
  socket.write(infoRequest(options.target, options.tabpyAuth));
  // A slow TabPy is still TabPy: wait for its answer until the deadline (--timeout), not a guessed delay.
  const wait = left();
  await inbox.until((d) => (isRserveId(d) ? d.length >= RSERVE_ID_LENGTH : parseHttpResponse(d, false) !== undefined), wait);

  // Even when the request went out early, Rserve's ID string is the first thing it sends.
  if (isRserveId(inbox.data)) {
    const info = rserveInfo(inbox.data);
    return options.mode === "tabpy" ? { ...info, detail: `${info.detail}: Rserve, not TabPy` } : info;
  }
  const finished = parseHttpResponse(inbox.data, inbox.closed);
  // An answer without Content-Length on a connection left open: take what came as the whole answer.
  const response = finished ?? parseHttpResponse(inbox.data, true);
  const info = response ? classifyInfoResponse(response, options.tabpyAuth !== undefined) : undefined;
  if (info && (finished || info.service === "tabpy")) return info;
  if (inbox.data.length > 0) {
    const httpSoFar = parseHttpResponse(inbox.data, false) === undefined;
    if (!httpSoFar) return { service: "tls", detail: `answered GET /info with non-HTTP data "${printableText(inbox.data)}"` };
    const why = inbox.closed ? `connection closed${inbox.closeReason()}` : inbox.full ? `chaincheck stopped reading after ${inbox.data.length} bytes in ${inbox.pieces} pieces` : `not finished within ${Math.round(wait)} ms (the rest of --timeout)`;
    return { service: "tls", detail: `the answer to GET /info was cut short (${why}): "${printableText(inbox.data)}"` };
  }
  const what = options.mode === "tabpy" ? "no TabPy answer" : "no TabPy or Rserve answer";
  return { service: "tls", detail: inbox.closed ? `${what} (connection closed${inbox.closeReason()})` : `${what} within ${Math.round(wait)} ms (the rest of --timeout)` };
}

/**
 * Auto mode: Rserve speaks first, so give it the chance before sending an HTTP request it cannot parse. The wait
 * ends with the first data, with TLS 1.3 tickets that came without data (plus a moment for the rest of their
 * flight), or after the grace period for servers that send no tickets.
 */
async function letServerSpeakFirst(socket: TLSSocket, inbox: Inbox, options: DetectOptions, left: () => number): Promise<void> {
  const tickets = socket.getProtocol() === "TLSv1.3" ? options.tickets : undefined;
  const spoke = (d: Buffer) => d.length >= 4;
  if (tickets) tickets.onTicket = () => inbox.poke();
  try {
    await inbox.until((d) => spoke(d) || (tickets !== undefined && tickets.count > 0), Math.min(left(), options.graceMs));
  } finally {
    if (tickets) tickets.onTicket = undefined;
  }
  if (tickets && tickets.count > 0 && !spoke(inbox.data)) await inbox.until(spoke, Math.min(left(), TICKET_SETTLE_MS));
}

function notAsked(name: string, inbox: Inbox, why: string): ServiceInfo {
  const seen = inbox.data.length > 0 ? `; it sent "${printableText(inbox.data)}"` : inbox.closed ? `; the connection was closed${inbox.closeReason()}` : "";
  return { service: "tls", detail: `${why}${seen}: this does not look like ${name}` };
}

/** GET /info with Host and Connection: close; Basic credentials when given (RFC 7617). Never logged. */
function infoRequest(target: ProbeTarget, auth: DetectOptions["tabpyAuth"]): string {
  const host = target.host.includes(":") ? `[${target.host}]` : target.host;
  const lines = [
    "GET /info HTTP/1.1",
    `Host: ${target.port === 443 ? host : `${host}:${target.port}`}`,
    "User-Agent: chaincheck",
    "Accept: application/json",
    "Connection: close",
  ];
  if (auth) lines.push(`Authorization: Basic ${Buffer.from(`${auth.username}:${auth.password}`, "utf8").toString("base64")}`);
  return `${lines.join("\r\n")}\r\n\r\n`;
}

/**
 * Waits of service detection, scaled by the TCP connect time (one round trip). Rserve sends its ID about one round
 * trip after the client's Finished, so a few round trips suffice; a miss costs nothing but an HTTP request Rserve
 * cannot parse (its ID still arrives first). The answer to GET /info is awaited until the deadline: a silent
 * server costs the whole --timeout, so use service "tls" where detection is not wanted.
 */
export function serviceWaits(rtt: number): { graceMs: number; answerWaitMs: number } {
  return { graceMs: Math.min(400, 3 * rtt + 15), answerWaitMs: Math.min(3000, 8 * rtt + 250) };
}
