/**
 * The network probe: one TCP connection, one TLS handshake recorded byte for byte, optional service detection.
 * Returns the presented chain and what was learnt; never validates, never throws for network conditions, and
 * destroys every socket on every path. All steps share one deadline. I/O module.
 */
import { connect as netConnect, type Socket } from "node:net";
import { ipVersion } from "../cert/ip.js";
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from "node:tls";
import { bannerComplete, describeConnectError, describeForeign, describeHandshakeFailure, describeStall } from "./classify.js";
import { endpoint } from "./target.js";
import { probeContext } from "./context.js";
import { credentialsWithheld } from "./credentials-gate.js";
import { RecordingStream } from "./recorder.js";
import { oversizedChain, OVERSIZED_ERROR } from "./oversized.js";
import { opensslVerdict, presentedChain, tlsDetails, walkPeerStack } from "./peer.js";
import { detectService, serviceWaits, TicketWatch } from "./service.js";
import type { ProbeError, ProbeOptions, ProbeOutcome, ProbeSuccess, ProbeTarget, ServiceInfo } from "./types.js";

/** After non-TLS bytes, wait this long (at most) for the rest of a banner line before reporting it. */
const BANNER_WAIT_MS = 150;
/** Service detection ends at the deadline by itself; this is how long its own answer may trail the probe's timer. */
const DETECTION_OVERRUN_MS = 25;
/** While reading an oversized Certificate message: re-read it after this much new data, or this long after the last. */
const OVERSIZED_RESCAN_BYTES = 16 * 1024;
const OVERSIZED_RESCAN_MS = 20;

/**
 * Probes `target`: connects, records the handshake, extracts the presented chain, detects the service.
 * @returns a ProbeSuccess, or `{ ok: false, error }` for every network condition (refused, DNS, reset, not TLS,
 * handshake failure, timeout).
 * @throws only when `options.signal` aborts (rejects with the signal's reason, after closing the connection).
 */
export function probe(target: ProbeTarget, options: ProbeOptions): Promise<ProbeOutcome> {
  return new ProbeRun(target, options).run();
}

/** "oversized": the TLS library refused the Certificate message; the rest of it is still read (see `oversized.ts`). */
type Stage = "resolve" | "connect" | "handshake" | "foreign" | "oversized" | "service" | "done";

class ProbeRun {
  private readonly start = performance.now();
  private readonly deadline: number;
  private stage: Stage;
  private raw: Socket | undefined;
  private recorder: RecordingStream | undefined;
  private secure: TLSSocket | undefined;
  private tickets: TicketWatch | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** The banner wait, or the next re-read of an oversized Certificate message. */
  private bannerTimer: NodeJS.Timeout | undefined;
  private scannedAt = 0;
  private connectedAt = 0;
  private remoteAddress = "";
  private resolvedAt: number | undefined;
  private serverSecret: Buffer | undefined;
  private ocsp: Buffer | null = null;
  private partial: Omit<ProbeSuccess, "service" | "elapsedMs"> | undefined;
  private resolve!: (outcome: ProbeOutcome) => void;
  private reject!: (reason: unknown) => void;

  constructor(private readonly target: ProbeTarget, private readonly options: ProbeOptions) {
    this.deadline = this.start + options.timeoutMs;
    this.stage = target.isIp || options.address ? "connect" : "resolve";
  }

  run(): Promise<ProbeOutcome> {
    const result = new Promise<ProbeOutcome>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    const { signal } = this.options;
    if (signal?.aborted) {
      this.reject(signal.reason);
      return result;
    }
    signal?.addEventListener("abort", this.onAbort, { once: true });
    this.timer = setTimeout(() => this.onDeadline(), Math.max(0, this.options.timeoutMs));
    this.connect();
    return result;
  }

  private connect(): void {
    const { port, family } = this.target;
    const host = this.options.address ?? this.target.host;
    const raw = netConnect({ host, port, noDelay: true, ...(family && !this.options.address ? { family } : {}) });
    this.raw = raw;
    raw.once("lookup", () => {
      this.resolvedAt = performance.now();
      if (this.stage === "resolve") this.stage = "connect";
    });
    raw.once("connect", () => this.onConnect(raw));
    raw.on("error", (error: NodeJS.ErrnoException) => this.onRawError(error));
  }

  private onConnect(raw: Socket): void {
    if (this.stage === "done") return;
    this.stage = "handshake";
    this.connectedAt = performance.now();
    this.remoteAddress = raw.remoteAddress ?? "";
    const recorder = new RecordingStream(raw, {
      onForeign: () => this.onForeign(),
      onForeignData: () => this.onForeignData(),
      onHeldData: () => this.onOversizedData(),
    });
    this.recorder = recorder;
    const servername = this.servername();
    // A fresh TLSSocket with no `session`: never resumed, so the server always sends its Certificate.
    // requestOCSP is honoured by tls.connect (passed on to the TLSSocket) though @types/node omits it there.
    const connectOptions: ConnectionOptions & { requestOCSP: boolean } = {
      socket: recorder,
      secureContext: probeContext(this.options.ca),
      rejectUnauthorized: false,
      // `authorized` must be OpenSSL's chain verdict alone: Node's name check would otherwise fold in a hostname
      // error (against "localhost" for IP targets). Names are checked by the validator. Also skips the costly
      // getPeerCertificate(true) Node runs for that check.
      checkServerIdentity: () => undefined,
      requestOCSP: true,
      // Node refuses DHE groups under 1024 bits by default; a probe must still see such servers' chains.
      minDHSize: 1,
      ...(servername ? { servername } : {}),
    };
    const secure = tlsConnect(connectOptions);
    this.secure = secure;
    // Tickets tell auto-detection when Rserve would have spoken (TLS 1.3); the listener must exist before the handshake.
    if (this.options.service === "auto") this.tickets = new TicketWatch(secure);
    secure.on("keylog", (line: Buffer) => {
      // "SERVER_HANDSHAKE_TRAFFIC_SECRET <client_random> <secret>" (NSS key log format).
      if (line.subarray(0, 32).toString("latin1") === "SERVER_HANDSHAKE_TRAFFIC_SECRET ") {
        this.serverSecret = Buffer.from(line.toString("latin1").trim().split(" ")[2] ?? "", "hex");
      }
    });
    secure.on("OCSPResponse", (response: Buffer | null) => {
      this.ocsp = response && response.length > 0 ? response : null;
    });
    secure.once("secureConnect", () => {
      this.onSecure(secure, raw).catch((error: unknown) => this.succeed({ service: "tls", detail: `service detection failed: ${String(error)}` }));
    });
    secure.on("error", (error: Error) => this.onTlsError(error));
    secure.on("close", () => this.onTlsError(undefined));
  }

  /** SNI: the explicit servername, else the host name; never an IP literal (RFC 6066 §3). */
  private servername(): string | null {
    const name = this.options.servername ?? (this.target.isIp ? undefined : this.target.host);
    if (!name || ipVersion(name) !== 0) return null;
    return name.endsWith(".") ? name.slice(0, -1) : name;
  }

  private async onSecure(secure: TLSSocket, raw: Socket): Promise<void> {
    if (this.stage !== "handshake" || !this.recorder) return;
    this.stage = "service";
    const crossCheck = walkPeerStack(secure.getPeerX509Certificate());
    const { presented, order, orderReason } = presentedChain(this.recorder.bytes(), this.serverSecret, crossCheck);
    this.recorder.stop();
    this.serverSecret = undefined;
    const tls = tlsDetails(secure, raw, this.ocsp, this.servername());
    this.partial = {
      ok: true,
      target: this.target,
      presented,
      order,
      ...(orderReason ? { orderReason } : {}),
      crossCheck,
      tls,
      ...(this.options.ca ? { openssl: opensslVerdict(secure) } : {}),
    };
    this.notifyChain(presented);
    const rtt = Math.max(0, this.connectedAt - (this.resolvedAt ?? this.start));
    const auth = this.options.tabpyAuth;
    const withheld = auth ? credentialsWithheld(auth, presented, tls.protocol) : undefined;
    if (auth) this.partial = { ...this.partial, credentialsSent: withheld === undefined, ...(withheld ? { credentialsWithheld: withheld } : {}) };
    // A connection asked for to send credentials has nothing more to say to a server that may not get them.
    if (withheld) return this.succeed({ service: "tls", detail: "service detection skipped: the credentials were withheld" });
    const service = await detectService(secure, {
      mode: this.options.service,
      target: this.target,
      deadline: this.deadline,
      ...serviceWaits(rtt),
      ...(this.tickets ? { tickets: this.tickets } : {}),
      ...(auth ? { tabpyAuth: auth } : {}),
    });
    this.succeed(service);
  }

  /** Hands the chain to the caller's `onChain` (work that can overlap service detection); its errors stay its own. */
  private notifyChain(presented: readonly Uint8Array[]): void {
    try {
      this.options.onChain?.(presented);
    } catch {
      // The callback's failure is not the probe's: it learns nothing more from it.
    }
  }

  private onForeign(): void {
    if (this.stage !== "handshake") return;
    this.stage = "foreign";
    this.bannerTimer = setTimeout(() => this.reportForeign(), Math.min(BANNER_WAIT_MS, this.left()));
    this.onForeignData();
  }

  private onForeignData(): void {
    const bytes = this.recorder?.bytes();
    if (this.stage === "foreign" && bytes && bannerComplete(bytes)) this.reportForeign();
  }

  private reportForeign(): void {
    if (this.stage === "foreign") this.fail(describeForeign(this.target, this.recorder!.bytes()));
  }

  private onRawError(error: NodeJS.ErrnoException): void {
    if (this.stage === "resolve" || this.stage === "connect") this.fail(describeConnectError(this.target, error));
    else if (this.stage === "foreign") this.reportForeign();
    else if (this.stage === "handshake") this.fail(describeHandshakeFailure(this.target, this.recorder?.bytes() ?? Buffer.alloc(0), error));
  }

  /** TLS-level error, or the TLS socket closed (`error` undefined) before the handshake finished. */
  private onTlsError(error: Error | undefined): void {
    if (this.stage === "foreign") this.reportForeign();
    else if (this.stage === "handshake" && error && OVERSIZED_ERROR.test(error.message) && this.recorder) this.holdOversized(this.recorder);
    else if (this.stage === "handshake") this.fail(describeHandshakeFailure(this.target, this.recorder?.bytes() ?? Buffer.alloc(0), error));
  }

  /**
   * OpenSSL refused a handshake message as too large (the Certificate message, above its 100 KiB certificate-list
   * limit): keep the TCP connection and read the rest of the message the server is still sending, until it is
   * complete, the server closes, or the deadline.
   */
  private holdOversized(recorder: RecordingStream): void {
    this.stage = "oversized";
    recorder.hold();
    if (this.raw?.destroyed) this.reportOversized("closed");
    else this.raw?.once("close", () => this.reportOversized("closed"));
    this.scanOversized();
  }

  /** Re-reads the message at most every 16 KiB of new data, and shortly after the last piece (a drip costs no more). */
  private onOversizedData(): void {
    if (this.stage !== "oversized" || !this.recorder) return;
    clearTimeout(this.bannerTimer);
    if (this.recorder.received - this.scannedAt < OVERSIZED_RESCAN_BYTES && !this.recorder.capped) {
      this.bannerTimer = setTimeout(() => this.scanOversized(), OVERSIZED_RESCAN_MS);
      return;
    }
    this.scanOversized();
  }

  private scanOversized(): void {
    if (this.stage !== "oversized" || !this.recorder) return;
    this.scannedAt = this.recorder.received;
    if (oversizedChain(this.recorder.bytes(), this.serverSecret, this.recorder.capped).settled) this.reportOversized();
  }

  private reportOversized(cut?: "closed" | "deadline"): void {
    if (this.stage !== "oversized" || !this.recorder) return;
    const seen = oversizedChain(this.recorder.bytes(), this.serverSecret, this.recorder.capped, cut);
    if (!seen.received) {
      this.fail({ code: "TLS_HANDSHAKE_FAILED", failure: { kind: "oversized", endpoint: endpoint(this.target), detail: seen.failure ?? { kind: "unreadable", reason: "no Certificate message" } } });
      return;
    }
    const received = seen.received;
    this.partial = {
      ok: true,
      target: this.target,
      presented: received.certificates,
      order: "wire",
      crossCheck: [],
      tls: {
        protocol: received.protocol,
        cipher: received.cipher,
        ocspStapled: false,
        remoteAddress: this.remoteAddress,
        servername: this.servername(),
      },
      oversized: received.oversized,
      ...(this.options.tabpyAuth ? { credentialsSent: false } : {}),
    };
    this.succeed({ service: "tls", detail: "not detected: the TLS handshake did not complete" });
  }

  private onDeadline(): void {
    switch (this.stage) {
      case "resolve":
      case "connect":
      case "handshake":
        this.fail(describeStall(this.target, this.options.timeoutMs, this.stage, this.recorder?.received ?? 0));
        break;
      case "foreign":
        this.reportForeign();
        break;
      case "oversized":
        this.reportOversized("deadline");
        break;
      case "service":
        // Detection ends at the same deadline with a precise answer; this only covers a detection that does not.
        this.timer = setTimeout(() => this.succeed({ service: "tls", detail: `no service answer before the ${this.options.timeoutMs} ms deadline` }), DETECTION_OVERRUN_MS);
        break;
      case "done":
        break;
    }
  }

  private readonly onAbort = (): void => {
    if (this.stage === "done") return;
    this.close();
    this.reject(this.options.signal?.reason);
  };

  private left(): number {
    return Math.max(0, this.deadline - performance.now());
  }

  private succeed(service: ServiceInfo): void {
    if (this.stage === "done") return;
    if (!this.partial) {
      this.fail({ code: "TLS_HANDSHAKE_FAILED", failure: { kind: "unreadable-result", endpoint: endpoint(this.target), detail: service.detail } });
      return;
    }
    const outcome: ProbeSuccess = { ...this.partial, service, elapsedMs: this.close() };
    this.resolve(outcome);
  }

  private fail(error: ProbeError): void {
    if (this.stage === "done") return;
    this.resolve({ ok: false, target: this.target, error, elapsedMs: this.close() });
  }

  /** Ends the run: timers cleared, every socket destroyed. Listeners stay attached so late errors are swallowed. */
  private close(): number {
    this.stage = "done";
    clearTimeout(this.timer);
    clearTimeout(this.bannerTimer);
    this.options.signal?.removeEventListener("abort", this.onAbort);
    this.recorder?.stop();
    this.secure?.destroy();
    this.recorder?.destroy();
    this.raw?.destroy();
    return Math.round((performance.now() - this.start) * 10) / 10;
  }
}
