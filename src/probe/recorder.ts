/**
 * A Duplex between a TCP socket and Node's TLS client that records every inbound byte (FACTS: the only way to see
 * the Certificate message as sent). It also refuses to hand non-TLS bytes to OpenSSL, so a plain-text service is
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
}

/** Records inbound bytes until `stop()`; outbound bytes go straight to the socket. */
export class RecordingStream extends Duplex {
  /** Inbound chunks in arrival order (kept as received: concatenated only when parsed). */
  readonly chunks: Buffer[] = [];
  /** Total inbound bytes seen, recorded or not. */
  received = 0;
  private recording = true;
  private verdict: "unknown" | "tls" | "foreign" = "unknown";

  constructor(private readonly socket: Socket, private readonly hooks: RecorderHooks) {
    super({ allowHalfOpen: false });
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("end", () => this.push(null));
    // Errors and closes are classified by the probe from the socket itself; here they only end the stream.
    socket.on("close", () => this.destroy());
  }

  /** All recorded bytes in one buffer. */
  bytes(): Buffer {
    return this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
  }

  /** Stops recording and releases the recorded bytes (after the handshake: nothing more is needed). */
  stop(): void {
    this.recording = false;
    this.chunks.length = 0;
  }

  private onData(chunk: Buffer): void {
    this.received += chunk.length;
    if (this.recording) {
      this.chunks.push(chunk);
      // A handshake is a few kB; a server streaming more is hostile. Give up the wire view, keep the connection.
      if (this.received > MAX_RECORDED) this.stop();
    }
    if (this.verdict === "unknown") this.judge();
    if (this.verdict === "foreign") {
      this.hooks.onForeignData?.();
      return;
    }
    if (!this.push(chunk)) this.socket.pause();
  }

  /** Decides from the first 1-3 bytes whether this can be TLS (a record header starts 0x15/0x16, 0x03, 0x00-0x04). */
  private judge(): void {
    const head = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks).subarray(0, 3);
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
    this.socket.destroy();
    callback(error);
  }
}
