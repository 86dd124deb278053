/**
 * Finds the server's Certificate message in the bytes it sent and returns the certificates exactly as presented.
 * TLS 1.0-1.2: the message is in clear. TLS 1.3: it is encrypted with the server handshake traffic key, derived
 * from the SERVER_HANDSHAKE_TRAFFIC_SECRET that Node's `keylog` event reveals (RFC 8446 §7.1, §7.3). Pure.
 */
import { decryptRecord, deriveTrafficKeys, TLS13_SUITES, type TrafficKeys } from "./tls13-keys.js";
import {
  alertName,
  CONTENT,
  HANDSHAKE,
  HandshakeReassembler,
  parseCertificateMessage,
  parseServerHello,
  parseTruncatedCertificateMessage,
  readRecord,
  WireFormatError,
  type HandshakeMessage,
  type ServerHello,
} from "./tls-wire.js";

const TLS13 = 0x0304;

/** What the wire parse found. */
export interface WireChain {
  /** DER certificates in the order of the Certificate message. */
  readonly certificates: Uint8Array[];
  /** Negotiated version from the ServerHello (0x0301-0x0304). */
  readonly version: number;
  readonly cipherSuite: number;
  /** A HelloRetryRequest preceded the ServerHello. */
  readonly helloRetryRequest: boolean;
  /** Length of the Certificate message body. */
  readonly messageBytes: number;
}

/** Where the scan of a server's byte stream stopped. */
type Scan =
  | { readonly kind: "complete"; readonly chain: WireChain }
  /** The Certificate message has begun but not ended within the bytes given. */
  | { readonly kind: "partial"; readonly hello: ServerHello; readonly announced: number; readonly body: Buffer }
  /** The bytes end before the Certificate message begins. */
  | { readonly kind: "none" };

/**
 * Parses the server-to-client byte stream of one handshake.
 * @param inbound every byte the server sent, from the first.
 * @param serverHandshakeSecret the TLS 1.3 server handshake traffic secret (needed only for TLS 1.3).
 * @throws WireFormatError when no Certificate message can be read (the caller falls back to Node's view).
 */
export function extractWireChain(inbound: Buffer, serverHandshakeSecret?: Uint8Array): WireChain {
  const scan = scanForCertificate(inbound, serverHandshakeSecret);
  if (scan.kind === "complete") return scan.chain;
  if (scan.kind === "partial") throw new WireFormatError(`the Certificate message is cut short (${scan.body.length} of ${scan.announced} bytes)`);
  throw new WireFormatError(`no Certificate message in ${inbound.length} bytes from the server`);
}

/** What arrived of a Certificate message, complete or cut short (a handshake that failed on it). */
export interface ReceivedCertificates {
  /** The certificates wholly received, in wire order (all of them when `complete`). */
  readonly certificates: Uint8Array[];
  /** The body length the message header announces. */
  readonly announcedBytes: number;
  /** Body bytes received. */
  readonly receivedBytes: number;
  readonly complete: boolean;
  /** Negotiated version and cipher suite from the ServerHello. */
  readonly version: number;
  readonly cipherSuite: number;
}

/**
 * Reads as much of the server's Certificate message as `inbound` holds, for a handshake that did not complete.
 * @throws WireFormatError when the bytes end before the message begins, or are not a readable handshake.
 */
export function receivedCertificates(inbound: Buffer, serverHandshakeSecret?: Uint8Array): ReceivedCertificates {
  const scan = scanForCertificate(inbound, serverHandshakeSecret);
  if (scan.kind === "complete") {
    const { certificates, version, cipherSuite } = scan.chain;
    const size = scan.chain.messageBytes;
    return { certificates, announcedBytes: size, receivedBytes: size, complete: true, version, cipherSuite };
  }
  if (scan.kind === "none") throw new WireFormatError(`no Certificate message in ${inbound.length} bytes from the server`);
  const { hello, announced, body } = scan;
  const certificates = parseTruncatedCertificateMessage(body, hello.version === TLS13);
  return { certificates, announcedBytes: announced, receivedBytes: body.length, complete: false, version: hello.version, cipherSuite: hello.cipherSuite };
}

function scanForCertificate(inbound: Buffer, serverHandshakeSecret: Uint8Array | undefined): Scan {
  const handshake = new HandshakeReassembler();
  let hello: ServerHello | undefined;
  let helloRetryRequest = false;
  let keys: TrafficKeys | undefined;
  let seq = 0;

  const onMessage = (msg: HandshakeMessage): Uint8Array[] | undefined => {
    if (msg.type === HANDSHAKE.serverHello) {
      const sh = parseServerHello(msg.body);
      // A HelloRetryRequest is a ServerHello; the real one follows the second ClientHello (RFC 8446 §4.1.4).
      if (sh.helloRetryRequest) {
        helloRetryRequest = true;
        return undefined;
      }
      hello = sh;
      if (sh.version === TLS13) keys = handshakeKeys(sh.cipherSuite, serverHandshakeSecret);
      return undefined;
    }
    if (!hello) throw new WireFormatError(`handshake message ${msg.type} before the ServerHello`);
    if (msg.type === HANDSHAKE.certificate) return parseCertificateMessage(msg.body, hello.version === TLS13);
    if (msg.type === HANDSHAKE.serverHelloDone || msg.type === HANDSHAKE.finished || msg.type === HANDSHAKE.certificateVerify) {
      throw new WireFormatError("the server sent no Certificate message (resumed or PSK handshake?)");
    }
    return undefined; // EncryptedExtensions, ServerKeyExchange, CertificateRequest, CertificateStatus...
  };

  let offset = 0;
  for (let rec = readRecord(inbound, 0); rec; rec = readRecord(inbound, offset)) {
    offset += 5 + rec.fragment.length;
    let fragment: Buffer;
    switch (rec.type) {
      case CONTENT.handshake:
        if (keys) throw new WireFormatError("plaintext handshake record after TLS 1.3 keys were set");
        fragment = rec.fragment;
        break;
      case CONTENT.changeCipherSpec:
        // TLS 1.3 middlebox-compatibility CCS carries nothing (RFC 8446 §D.4), also after a HelloRetryRequest;
        // in TLS 1.0-1.2 encryption starts here.
        if (hello === undefined || hello.version === TLS13) continue;
        throw new WireFormatError("ChangeCipherSpec before any Certificate message (resumed session?)");
      case CONTENT.alert:
        throw new WireFormatError(`the server sent alert ${describeAlert(rec.fragment)}`);
      case CONTENT.applicationData: {
        if (!keys) throw new WireFormatError("encrypted record before a TLS 1.3 ServerHello");
        const inner = decryptRecord(keys, seq++, rec.header, rec.fragment);
        if (inner.type === CONTENT.alert) throw new WireFormatError(`the server sent alert ${describeAlert(inner.content)}`);
        if (inner.type !== CONTENT.handshake) throw new WireFormatError(`encrypted content type ${inner.type} before the Certificate`);
        fragment = inner.content;
        break;
      }
      default:
        throw new WireFormatError(`unexpected record type ${rec.type}`);
    }
    for (const msg of handshake.push(fragment)) {
      const certificates = onMessage(msg);
      if (certificates) {
        if (certificates.length === 0) throw new WireFormatError("the Certificate message is empty");
        const chain = { certificates, version: hello!.version, cipherSuite: hello!.cipherSuite, helloRetryRequest, messageBytes: msg.body.length };
        return { kind: "complete", chain };
      }
    }
  }
  const partial = handshake.partial();
  if (hello && partial?.type === HANDSHAKE.certificate) return { kind: "partial", hello, announced: partial.announced, body: partial.body };
  return { kind: "none" };
}

function handshakeKeys(cipherSuite: number, secret: Uint8Array | undefined): TrafficKeys {
  const suite = TLS13_SUITES.get(cipherSuite);
  if (!suite) throw new WireFormatError(`TLS 1.3 cipher suite 0x${cipherSuite.toString(16)} is not supported`);
  if (!secret) throw new WireFormatError("no SERVER_HANDSHAKE_TRAFFIC_SECRET from keylog");
  if (secret.length !== (suite.hash === "sha384" ? 48 : 32)) throw new WireFormatError("traffic secret length does not match the suite");
  return deriveTrafficKeys(suite, secret);
}

function describeAlert(fragment: Buffer): string {
  return fragment.length >= 2 ? alertName(fragment[1]!) : "(truncated)";
}
