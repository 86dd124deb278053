/**
 * Turns what a failed probe saw (foreign bytes, socket errors, OpenSSL errors, a stall) into a typed ProbeError
 * with one line of evidence and a hint. Pure.
 */
import { alertName, findPlaintextAlert } from "./tls-wire.js";
import { endpoint } from "./target.js";
import type { ProbeError, ProbeTarget } from "./types.js";

/** Printable ASCII only (control and non-ASCII bytes dropped, CR/LF as spaces), collapsed and truncated. */
export function printableText(bytes: Uint8Array, max = 60): string {
  const text = Buffer.from(bytes).toString("latin1").replace(/[\r\n\t]+/g, " ").replace(/[^\x20-\x7e]/g, "").replace(/ {2,}/g, " ").trim();
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}

const TABPY_TLS_HINT =
  "use the HTTPS port, or enable TLS in TabPy with TABPY_TRANSFER_PROTOCOL=https (and TABPY_CERTIFICATE_FILE, TABPY_KEY_FILE)";

/** The server sent bytes that cannot start a TLS record: name what it speaks. */
export function describeForeign(target: ProbeTarget, bytes: Buffer): ProbeError {
  const where = endpoint(target);
  const text = bytes.toString("latin1");
  if (text.startsWith("Rsrv")) {
    const qap = text.includes("QAP1");
    return {
      code: "NOT_TLS",
      message: `${where} answered with Rserve's plain ${qap ? "QAP1 " : ""}banner: this is Rserve's non-TLS port`,
      hint: "qap.tls.port in Rserv.conf is the TLS port",
    };
  }
  if (text.startsWith("HTTP/")) {
    const status = printableText(bytes.subarray(0, Math.max(0, text.indexOf("\r\n")) || 40), 40);
    const server = /\r\nserver:[ \t]*([^\r\n]*)/i.exec(text)?.[1];
    const by = server ? `, server ${printableText(Buffer.from(server, "latin1"), 40)}` : "";
    return { code: "NOT_TLS", message: `${where} speaks plain HTTP ("${status}"${by})`, hint: TABPY_TLS_HINT };
  }
  if (/^\s*<(!doctype|html|head|body|\?xml)/i.test(text)) {
    return { code: "NOT_TLS", message: `${where} speaks plain HTTP (it sent an HTML page)`, hint: TABPY_TLS_HINT };
  }
  const banner = printableText(bytes);
  const known = bannerKind(text);
  if (known) {
    return { code: "NOT_TLS", message: `${where} sent a ${known.name} banner "${banner}", not TLS`, hint: known.hint };
  }
  if (banner.length >= 4 && banner.length * 2 >= Math.min(bytes.length, 60)) {
    return { code: "NOT_TLS", message: `${where} sent "${banner}", not TLS`, hint: "check the port: this is not a TLS service" };
  }
  const head = bytes.subarray(0, 8).toString("hex").replace(/(..)(?!$)/g, "$1 ");
  return {
    code: "NOT_TLS",
    message: `${where} sent ${bytes.length} bytes that are not TLS (first bytes ${head})`,
    hint: "check the port: this is not a TLS service",
  };
}

function bannerKind(text: string): { name: string; hint: string } | undefined {
  if (text.startsWith("SSH-")) return { name: "SSH", hint: "this is an SSH server; check the port" };
  if (/^220[ -]/.test(text)) {
    const name = /smtp/i.test(text) ? "SMTP" : /ftp/i.test(text) ? "FTP" : "SMTP/FTP";
    return { name, hint: `this is a ${name} server; chaincheck does not do STARTTLS/AUTH TLS: check the port` };
  }
  if (text.startsWith("+OK")) return { name: "POP3", hint: "this is a mail server; check the port" };
  if (text.startsWith("* OK")) return { name: "IMAP", hint: "this is a mail server; check the port" };
  return undefined;
}

/** Node/libuv error codes of a TCP connect or DNS failure. */
export function describeConnectError(target: ProbeTarget, error: NodeJS.ErrnoException): ProbeError {
  const where = endpoint(target);
  const code = errorCode(error);
  switch (code) {
    case "ECONNREFUSED":
      return { code: "CONNECTION_REFUSED", message: `${where} refused the connection (nothing listens on port ${target.port})`, hint: "check the host, the port and that the service is running" };
    case "ENOTFOUND":
    case "EAI_NONAME":
    case "EAI_NODATA":
    case "ENODATA":
      return { code: "DNS_ERROR", message: `${target.host} does not resolve (${code})`, hint: "check the name, or probe the IP address and give the server name for SNI separately" };
    case "EAI_AGAIN":
    case "EAI_FAIL":
    case "ESERVFAIL":
      return { code: "DNS_ERROR", message: `name resolution of ${target.host} failed temporarily (${code})`, hint: "check the DNS servers of this host" };
    case "ETIMEDOUT":
      return { code: "CONNECTION_TIMEOUT", message: `no TCP connection to ${where} (${code})`, hint: "a firewall may drop the packets, or the host is down" };
    case "ECONNRESET":
    case "EPIPE":
      return { code: "CONNECTION_RESET", message: `${where} reset the connection (${code})` };
    case "EHOSTUNREACH":
    case "ENETUNREACH":
    case "EADDRNOTAVAIL":
      return { code: "CONNECTION_REFUSED", message: `${where} is unreachable (${code})`, hint: "check routing and firewalls between this host and the server" };
    default:
      return { code: "CONNECTION_REFUSED", message: `could not connect to ${where}: ${oneLine(error.message)}` };
  }
}

/** Happy-eyeballs failures arrive as an AggregateError without a code: take the first attempt's. */
function errorCode(error: NodeJS.ErrnoException): string | undefined {
  if (error.code) return error.code;
  const inner = (error as unknown as { errors?: NodeJS.ErrnoException[] }).errors;
  return inner?.find((e) => e.code)?.code;
}

const ALERT_HINTS: Record<number, string> = {
  40: "no TLS version or cipher suite in common, or the server requires a client certificate",
  70: "the server requires a TLS version this client does not offer",
  71: "the server requires stronger cipher suites than were offered",
  112: "the server does not know the SNI name sent: give the name it serves as the server name",
  116: "the server requires a client certificate (mutual TLS)",
};

/** The handshake failed after TLS bytes were exchanged (an alert, an OpenSSL error or a close). */
export function describeHandshakeFailure(target: ProbeTarget, inbound: Buffer, error?: Error & { code?: string; reason?: string }): ProbeError {
  const where = endpoint(target);
  const alert = findPlaintextAlert(inbound);
  if (alert) {
    const hint = ALERT_HINTS[alert.description];
    return { code: "TLS_HANDSHAKE_FAILED", message: `${where} sent TLS alert ${alertName(alert.description)} during the handshake`, ...(hint ? { hint } : {}) };
  }
  const code = error?.code;
  if (!error || code === "ECONNRESET" || code === "EPIPE") {
    const seen = inbound.length === 0 ? "before answering the ClientHello" : `after ${inbound.length} bytes of TLS`;
    return {
      code: "CONNECTION_RESET",
      message: `${where} closed the connection during the TLS handshake, ${seen}`,
      hint: "the server may not accept TLS 1.0-1.3 from this client, or may expect another protocol",
    };
  }
  const reason = error.reason ?? oneLine(error.message);
  const alertNo = /alert number (\d+)/.exec(error.message)?.[1];
  const hint = alertNo ? ALERT_HINTS[Number(alertNo)] : undefined;
  return { code: "TLS_HANDSHAKE_FAILED", message: `TLS handshake with ${where} failed: ${reason}`, ...(hint ? { hint } : {}) };
}

/** The single deadline passed before a chain was obtained: say how far the probe got. */
export function describeStall(target: ProbeTarget, timeoutMs: number, stage: "resolve" | "connect" | "handshake", inbound: number): ProbeError {
  const where = endpoint(target);
  if (stage === "resolve") {
    return { code: "CONNECTION_TIMEOUT", message: `name resolution of ${target.host} did not finish within ${timeoutMs} ms`, hint: "check the DNS servers of this host" };
  }
  if (stage === "connect") {
    return { code: "CONNECTION_TIMEOUT", message: `no TCP connection to ${where} within ${timeoutMs} ms`, hint: "a firewall may drop the packets, or the host is down" };
  }
  if (inbound === 0) {
    return {
      code: "CONNECTION_TIMEOUT",
      message: `connected to ${where}, no TLS answer within ${timeoutMs} ms`,
      hint: "the port accepts connections but does not answer a TLS ClientHello: it may be a plain-text service waiting for a request (e.g. TabPy without TLS)",
    };
  }
  return {
    code: "CONNECTION_TIMEOUT",
    message: `connected to ${where}, received ${inbound} bytes of TLS, then the handshake stalled (${timeoutMs} ms)`,
    hint: "the server or a middlebox stopped mid-handshake",
  };
}

function oneLine(text: string): string {
  const line = text.split(/\r?\n/).find((l) => l.trim() !== "") ?? text;
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}

/** Enough of a banner to name it: Rserve's 32 bytes, a full line, 256 bytes, or binary data (no line will come). */
export function bannerComplete(bytes: Buffer): boolean {
  if (bytes.subarray(0, 4).toString("latin1") === "Rsrv") return bytes.length >= 32;
  return bytes.includes(0x0a) || bytes.length >= 256 || bytes.some((b) => (b < 0x20 && b !== 0x0d && b !== 0x09) || b >= 0x7f);
}
