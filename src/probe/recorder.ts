/**
 * A Duplex between a TCP socket and Node's TLS client that records every inbound byte: passed as `socket` to
 * tls.connect it sees every record, the only way to see the Certificate message as sent (about 0.2 ms a connection). It also refuses to hand non-TLS bytes to OpenSSL, so a plain-text service is
 * recognised from its first bytes instead of by an OpenSSL error or a stall. I/O module.
 */
import { Duplex } from "node:stream";
import type { Socket } from "node:net";
import { looksLikeTlsStart } from "./tls-wire.js";

/** Upper bound on recorded bytes (certificate chains are rarely above 20 kB). */
const MAX_RECORDED = 1 << 20;

export interface RecorderHooks {
  /** The server's first bytes cannot start a TLS record: called once; later bytes are still recorded, never passed on. */
  onForeign(): void;
  /** Called for every inbound chunk while foreign (to let the caller decide when it has seen enough of a banner). */
  onForeignData?(): void;
  /** Called for every inbound chunk after `hold()`. */
  onHeldData?(): void;
}

/** Records inbound bytes until `stop()`; outbound bytes go straight to the socket. */
export class RecordingStream extends Duplex {
  /**
   * Inbound bytes in arrival order, in a buffer that doubles as needed: appending stays linear however small the
   * pieces a server sends (a list of chunks would cost an object per byte against a server dripping bytes).
   */
  private store: Buffer = Buffer.alloc(0);
  private length = 0;
  /** Total inbound bytes seen, recorded or not. */
  received = 0;
  /** More than MAX_RECORDED bytes arrived: the recording holds only the first MAX_RECORDED. */
  capped = false;
  private recording = true;
  private held = false;
  private verdict: "unknown" | "tls" | "foreign" = "unknown";

  constructor(private readonly socket: Socket, private readonly hooks: RecorderHooks) {
    super({ allowHalfOpen: false });
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("end", () => this.push(null));
    // Errors and closes are classified by the probe from the socket itself; here they only end the stream.
    socket.on("close", () => this.destroy());
  }

  /** All recorded bytes (a view: valid until more bytes arrive). */
  bytes(): Buffer {
    return this.store.subarray(0, this.length);
  }

  /** Stops recording and releases the recorded bytes (after the handshake: nothing more is needed). */
  stop(): void {
    this.recording = false;
    this.store = Buffer.alloc(0);
    this.length = 0;
  }

  /**
   * Keeps the TCP connection and the recording after the TLS side gave up (its socket is destroyed; the probe
   * closes the TCP socket itself), so the rest of a message the TLS library refused can still arrive.
   */
  hold(): void {
    this.held = true;
    this.socket.resume();
  }

  private onData(chunk: Buffer): void {
    const before = this.received;
    this.received += chunk.length;
    if (this.recording) {
      // A handshake is a few kB; a server streaming more is hostile: keep the first MAX_RECORDED bytes only.
      if (this.received > MAX_RECORDED) {
        this.capped = true;
        this.recording = false;
        if (before < MAX_RECORDED) this.append(chunk.subarray(0, MAX_RECORDED - before));
      } else {
        this.append(chunk);
      }
    }
    if (this.held) {
      this.hooks.onHeldData?.();
      return;
    }
    if (this.verdict === "unknown") this.judge();
    if (this.verdict === "foreign") {
      this.hooks.onForeignData?.();
      return;
    }
    if (!this.push(chunk)) this.socket.pause();
  }

  private append(chunk: Buffer): void {
    if (this.length + chunk.length > this.store.length) {
      const grown = Buffer.allocUnsafe(Math.min(MAX_RECORDED, Math.max(16 * 1024, 2 * this.store.length, this.length + chunk.length)));
      this.store.copy(grown, 0, 0, this.length);
      this.store = grown;
    }
    chunk.copy(this.store, this.length);
    this.length += chunk.length;
  }

  /** Decides from the first 1-3 bytes whether this can be TLS (a record header starts 0x15/0x16, 0x03, 0x00-0x04). */
  private judge(): void {
    const head = this.bytes();
    if (!looksLikeTlsStart(head.subarray(0, 3))) {
      this.verdict = "foreign";
      this.hooks.onForeign();
    } else if (this.received >= 3) {
      this.verdict = "tls";
    }
  }

  override _read(): void {
    this.socket.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.socket.destroyed) {
      callback();
      return;
    }
    this.socket.write(chunk, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.socket.end();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (!this.held) this.socket.destroy();
    callback(error);
  }
}
