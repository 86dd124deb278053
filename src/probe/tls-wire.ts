/**
 * TLS record and handshake parsing for the bytes a server sends (RFC 8446 §4, §5.1; RFC 5246 §6.2, §7.4). Pure.
 * Only what the probe needs: record framing, handshake reassembly, ServerHello, Certificate, alerts.
 */

/** TLS record content types (RFC 8446 §5.1). */
export const CONTENT = { changeCipherSpec: 20, alert: 21, handshake: 22, applicationData: 23 } as const;
/** Handshake message types the parser cares about (RFC 8446 §4, RFC 5246 §7.4). */
export const HANDSHAKE = {
  clientHello: 1,
  serverHello: 2,
  encryptedExtensions: 8,
  certificate: 11,
  serverKeyExchange: 12,
  certificateRequest: 13,
  serverHelloDone: 14,
  certificateVerify: 15,
  finished: 20,
} as const;

/** TLSCiphertext may exceed 2^14 by up to 2048 bytes in TLS 1.2 (RFC 5246 §6.2.3); anything larger is not TLS. */
const MAX_RECORD = 16384 + 2048;

/** Thrown for bytes that are not the TLS the parser expects; the message is one line. */
export class WireFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WireFormatError";
  }
}

/** One TLS record. `header` and `fragment` are views into the input. */
export interface TlsRecord {
  readonly type: number;
  readonly version: number;
  readonly header: Buffer;
  readonly fragment: Buffer;
}

/**
 * Reads the record starting at `offset`; returns undefined when the buffer holds only part of it.
 * @throws WireFormatError for an unknown content type, a bad version byte or an oversized record.
 */
export function readRecord(data: Buffer, offset: number): TlsRecord | undefined {
  if (data.length - offset < 5) return undefined;
  const type = data[offset]!;
  if (type < CONTENT.changeCipherSpec || type > CONTENT.applicationData) {
    throw new WireFormatError(`record content type ${type} at byte ${offset} is not TLS`);
  }
  if (data[offset + 1] !== 3) throw new WireFormatError(`record version ${hex(data, offset + 1, 2)} is not TLS`);
  const length = data.readUInt16BE(offset + 3);
  if (length > MAX_RECORD) throw new WireFormatError(`record of ${length} bytes exceeds the TLS maximum`);
  if (data.length - offset - 5 < length) return undefined;
  return {
    type,
    version: data.readUInt16BE(offset + 1),
    header: data.subarray(offset, offset + 5),
    fragment: data.subarray(offset + 5, offset + 5 + length),
  };
}

/**
 * Whether `bytes` can be the start of a server's first TLS record (handshake or alert, version 3.x).
 * Decides "not TLS" from as little as one byte; a false answer is certain, a true answer is a plausibility.
 */
export function looksLikeTlsStart(bytes: Uint8Array): boolean {
  if (bytes.length === 0) return true;
  if (bytes[0] !== CONTENT.handshake && bytes[0] !== CONTENT.alert) return false;
  if (bytes.length >= 2 && bytes[1] !== 3) return false;
  if (bytes.length >= 3 && bytes[2]! > 4) return false;
  return true;
}

/** A complete handshake message: type and body (without the 4-byte header). */
export interface HandshakeMessage {
  readonly type: number;
  readonly body: Buffer;
}

/** The start of a handshake message that has not fully arrived. */
export interface PartialHandshakeMessage {
  readonly type: number;
  /** The length its header announces. */
  readonly announced: number;
  /** The body bytes received so far (fewer than `announced`). */
  readonly body: Buffer;
}

/**
 * Reassembles handshake messages that span records, and splits records that hold several (RFC 8446 §5.1).
 * What it buffers is bounded by its input (the probe records at most 1 MiB), whatever length a header announces.
 */
export class HandshakeReassembler {
  private pending: Buffer = Buffer.alloc(0);

  /** Adds handshake bytes; returns the messages completed by them, in order. */
  push(fragment: Buffer): HandshakeMessage[] {
    let data = this.pending.length === 0 ? fragment : Buffer.concat([this.pending, fragment]);
    const messages: HandshakeMessage[] = [];
    while (data.length >= 4) {
      const length = data.readUIntBE(1, 3);
      if (data.length < 4 + length) break;
      messages.push({ type: data[0]!, body: data.subarray(4, 4 + length) });
      data = data.subarray(4 + length);
    }
    this.pending = data;
    return messages;
  }

  /** Bytes of an unfinished message. */
  get buffered(): number {
    return this.pending.length;
  }

  /** The unfinished message, once its 4-byte header has arrived. */
  partial(): PartialHandshakeMessage | undefined {
    if (this.pending.length < 4) return undefined;
    return { type: this.pending[0]!, announced: this.pending.readUIntBE(1, 3), body: this.pending.subarray(4) };
  }
}

/** The special ServerHello.random of a HelloRetryRequest: SHA-256("HelloRetryRequest") (RFC 8446 §4.1.3). */
const HRR_RANDOM = Buffer.from("cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c", "hex");
const EXT_SUPPORTED_VERSIONS = 0x002b;

export interface ServerHello {
  /** The negotiated version: supported_versions when present (TLS 1.3), else legacy_version. */
  readonly version: number;
  readonly cipherSuite: number;
  readonly helloRetryRequest: boolean;
}

/** Parses a ServerHello body (RFC 8446 §4.1.3; TLS 1.0-1.2 may omit the extensions block). */
export function parseServerHello(body: Buffer): ServerHello {
  const r = new Reader(body, "ServerHello");
  const legacyVersion = r.u16();
  const random = r.bytes(32);
  r.bytes(r.u8()); // legacy_session_id_echo
  const cipherSuite = r.u16();
  r.u8(); // legacy_compression_method
  let version = legacyVersion;
  if (!r.done()) {
    const ext = new Reader(r.bytes(r.u16()), "ServerHello extensions");
    while (!ext.done()) {
      const type = ext.u16();
      const data = ext.bytes(ext.u16());
      if (type === EXT_SUPPORTED_VERSIONS && data.length === 2) version = data.readUInt16BE(0);
    }
  }
  return { version, cipherSuite, helloRetryRequest: random.equals(HRR_RANDOM) };
}

/**
 * Parses a Certificate message body into the DER certificates in wire order.
 * TLS 1.3 (RFC 8446 §4.4.2): request context, 3-byte list length, entries of 3-byte cert length + DER + 2-byte
 * extensions. TLS 1.0-1.2 (RFC 5246 §7.4.2): 3-byte list length, entries of 3-byte length + DER.
 * Returns copies, so the recorded stream can be dropped.
 */
export function parseCertificateMessage(body: Buffer, tls13: boolean): Uint8Array[] {
  const r = new Reader(body, "Certificate");
  if (tls13) r.bytes(r.u8());
  const list = new Reader(r.bytes(r.u24()), "certificate_list");
  if (!r.done()) throw new WireFormatError("Certificate message has trailing bytes");
  return readCertificateEntries(list, tls13);
}

/**
 * The certificates wholly contained in the first bytes of a Certificate message body that was cut short (a
 * handshake the TLS library aborted on it, or a server that stopped sending): wire order, possibly none.
 */
export function parseTruncatedCertificateMessage(start: Buffer, tls13: boolean): Uint8Array[] {
  const r = new Reader(start, "Certificate");
  try {
    if (tls13) r.bytes(r.u8());
    r.u24(); // certificate_list length: what follows is cut short anyway
  } catch {
    return [];
  }
  return readCertificateEntries(new Reader(r.rest(), "certificate_list"), tls13, true);
}

function readCertificateEntries(list: Reader, tls13: boolean, truncated = false): Uint8Array[] {
  const certificates: Uint8Array[] = [];
  try {
    while (!list.done()) {
      const der = list.bytes(list.u24());
      if (der.length === 0) throw new WireFormatError("empty certificate entry");
      certificates.push(Uint8Array.prototype.slice.call(der));
      if (tls13) list.bytes(list.u16()); // per-certificate extensions (status_request, SCT)
    }
  } catch (err) {
    // A cut-short message ends inside an entry: keep the entries before it.
    if (!truncated || !(err instanceof WireFormatError) || /empty certificate entry/.test(err.message)) throw err;
  }
  return certificates;
}

export interface ClientHello {
  readonly version: number;
  readonly random: Buffer;
  readonly cipherSuites: readonly number[];
  /** Extension bodies by type, as sent. */
  readonly extensions: ReadonlyMap<number, Buffer>;
}

/** Parses a ClientHello body (RFC 5246 §7.4.1.2, RFC 8446 §4.1.2): what a server needs to answer it. */
export function parseClientHello(body: Buffer): ClientHello {
  const r = new Reader(body, "ClientHello");
  const version = r.u16();
  const random = r.bytes(32);
  r.bytes(r.u8()); // legacy_session_id
  const suites = new Reader(r.bytes(r.u16()), "cipher_suites");
  const cipherSuites: number[] = [];
  while (!suites.done()) cipherSuites.push(suites.u16());
  r.bytes(r.u8()); // compression methods
  const extensions = new Map<number, Buffer>();
  if (!r.done()) {
    const ext = new Reader(r.bytes(r.u16()), "ClientHello extensions");
    while (!ext.done()) {
      const type = ext.u16();
      extensions.set(type, ext.bytes(ext.u16()));
    }
  }
  return { version, random, cipherSuites, extensions };
}

/** A list of 16-bit values with a 2-byte length (supported_groups, signature_algorithms); empty when malformed. */
export function u16List(body: Buffer | undefined): number[] {
  if (!body || body.length < 2) return [];
  const r = new Reader(body.subarray(2, 2 + body.readUInt16BE(0)), "list");
  const out: number[] = [];
  try {
    while (!r.done()) out.push(r.u16());
  } catch {
    return [];
  }
  return out;
}

/** Alert descriptions (RFC 8446 §6, RFC 5246 §7.2). */
const ALERTS: Record<number, string> = {
  0: "close_notify", 10: "unexpected_message", 20: "bad_record_mac", 22: "record_overflow", 40: "handshake_failure",
  42: "bad_certificate", 43: "unsupported_certificate", 44: "certificate_revoked", 45: "certificate_expired",
  46: "certificate_unknown", 47: "illegal_parameter", 48: "unknown_ca", 49: "access_denied", 50: "decode_error",
  51: "decrypt_error", 70: "protocol_version", 71: "insufficient_security", 80: "internal_error",
  86: "inappropriate_fallback", 90: "user_canceled", 109: "missing_extension", 110: "unsupported_extension",
  112: "unrecognized_name", 113: "bad_certificate_status_response", 115: "unknown_psk_identity",
  116: "certificate_required", 120: "no_application_protocol",
};

/** "handshake_failure (40)" */
export function alertName(description: number): string {
  return `${ALERTS[description] ?? "unknown alert"} (${description})`;
}

/** The first alert sent in clear, if the recorded bytes hold one before anything is encrypted. */
export function findPlaintextAlert(data: Buffer): { level: number; description: number } | undefined {
  try {
    for (let at = 0, rec = readRecord(data, 0); rec; at += 5 + rec.fragment.length, rec = readRecord(data, at)) {
      if (rec.type === CONTENT.alert && rec.fragment.length === 2) {
        return { level: rec.fragment[0]!, description: rec.fragment[1]! };
      }
      if (rec.type === CONTENT.applicationData || rec.type === CONTENT.changeCipherSpec) return undefined;
    }
  } catch {
    // Not TLS: no alert to report.
  }
  return undefined;
}

/** Bounds-checked big-endian reader; errors name the structure being read. */
class Reader {
  private at = 0;
  constructor(private readonly data: Buffer, private readonly what: string) {}
  done(): boolean {
    return this.at === this.data.length;
  }
  u8(): number {
    return this.bytes(1)[0]!;
  }
  u16(): number {
    return this.bytes(2).readUInt16BE(0);
  }
  u24(): number {
    return this.bytes(3).readUIntBE(0, 3);
  }
  rest(): Buffer {
    return this.bytes(this.data.length - this.at);
  }
  bytes(n: number): Buffer {
    if (this.at + n > this.data.length) throw new WireFormatError(`${this.what} is truncated`);
    const out = this.data.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
}

function hex(data: Buffer, offset: number, length: number): string {
  return data.subarray(offset, offset + length).toString("hex");
}
