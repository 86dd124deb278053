/**
 * Turns what a failed probe saw (foreign bytes, socket errors, OpenSSL errors, a stall) into a typed ProbeError:
 * its code and the evidence (src/words/probe.ts says it in words). Pure.
 */
import { alertName, findPlaintextAlert } from "./tls-wire.js";
import { endpoint } from "./target.js";
import type { ProbeError, ProbeFailure, ProbeTarget } from "./types.js";

/** Printable ASCII only (control and non-ASCII bytes dropped, CR/LF as spaces), collapsed and truncated. */
export function printableText(bytes: Uint8Array, max = 60): string {
  const text = Buffer.from(bytes).toString("latin1").replace(/[\r\n\t]+/g, " ").replace(/[^\x20-\x7e]/g, "").replace(/ {2,}/g, " ").trim();
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}

/** The server sent bytes that cannot start a TLS record: name what it speaks. */
export function describeForeign(target: ProbeTarget, bytes: Buffer): ProbeError {
  const where = endpoint(target);
  const notTls = (failure: ProbeFailure): ProbeError => ({ code: "NOT_TLS", failure });
  const text = bytes.toString("latin1");
  if (text.startsWith("Rsrv")) return notTls({ kind: "rserve-plain", endpoint: where, qap: text.includes("QAP1") });
  if (text.startsWith("HTTP/")) {
    const status = printableText(bytes.subarray(0, Math.max(0, text.indexOf("\r\n")) || 40), 40);
    const server = /\r\nserver:[ \t]*([^\r\n]*)/i.exec(text)?.[1];
    return notTls({ kind: "plain-http", endpoint: where, status, ...(server ? { server: printableText(Buffer.from(server, "latin1"), 40) } : {}) });
  }
  if (/^\s*<(!doctype|html|head|body|\?xml)/i.test(text)) return notTls({ kind: "html", endpoint: where });
  const banner = printableText(bytes);
  const protocol = bannerProtocol(text);
  if (protocol) return notTls({ kind: "banner", endpoint: where, protocol, banner });
  if (banner.length >= 4 && banner.length * 2 >= Math.min(bytes.length, 60)) return notTls({ kind: "text", endpoint: where, text: banner });
  return notTls({ kind: "binary", endpoint: where, bytes: bytes.length, head: bytes.subarray(0, 8).toString("hex").replace(/(..)(?!$)/g, "$1 ") });
}

function bannerProtocol(text: string): Extract<ProbeFailure, { kind: "banner" }>["protocol"] | undefined {
  if (text.startsWith("SSH-")) return "SSH";
  if (/^220[ -]/.test(text)) return /smtp/i.test(text) ? "SMTP" : /ftp/i.test(text) ? "FTP" : "SMTP/FTP";
  if (text.startsWith("+OK")) return "POP3";
  if (text.startsWith("* OK")) return "IMAP";
  return undefined;
}

/** Node/libuv error codes of a TCP connect or DNS failure. */
export function describeConnectError(target: ProbeTarget, error: NodeJS.ErrnoException): ProbeError {
  const where = endpoint(target);
  const code = errorCode(error);
  switch (code) {
    case "ECONNREFUSED":
      return { code: "CONNECTION_REFUSED", failure: { kind: "refused", endpoint: where, port: target.port } };
    case "ENOTFOUND":
    case "EAI_NONAME":
    case "EAI_NODATA":
    case "ENODATA":
      return { code: "DNS_ERROR", failure: { kind: "dns-not-found", host: target.host, errno: code } };
    case "EAI_AGAIN":
    case "EAI_FAIL":
    case "ESERVFAIL":
      return { code: "DNS_ERROR", failure: { kind: "dns-failed", host: target.host, errno: code } };
    case "ETIMEDOUT":
      return { code: "CONNECTION_TIMEOUT", failure: { kind: "tcp-timeout", endpoint: where, errno: code } };
    case "ECONNRESET":
    case "EPIPE":
      return { code: "CONNECTION_RESET", failure: { kind: "reset", endpoint: where, errno: code } };
    case "EHOSTUNREACH":
    case "ENETUNREACH":
    case "EADDRNOTAVAIL":
      return { code: "CONNECTION_REFUSED", failure: { kind: "unreachable", endpoint: where, errno: code } };
    default:
      return { code: "CONNECTION_REFUSED", failure: { kind: "connect-failed", endpoint: where, error: oneLine(error.message) } };
  }
}

/** Happy-eyeballs failures arrive as an AggregateError without a code: take the first attempt's. */
function errorCode(error: NodeJS.ErrnoException): string | undefined {
  if (error.code) return error.code;
  const inner = (error as unknown as { errors?: NodeJS.ErrnoException[] }).errors;
  return inner?.find((e) => e.code)?.code;
}

/** The handshake failed after TLS bytes were exchanged (an alert, an OpenSSL error or a close). */
export function describeHandshakeFailure(target: ProbeTarget, inbound: Buffer, error?: Error & { code?: string; reason?: string }): ProbeError {
  const where = endpoint(target);
  const alert = findPlaintextAlert(inbound);
  if (alert) {
    return { code: "TLS_HANDSHAKE_FAILED", failure: { kind: "alert", endpoint: where, alert: alert.description, alertName: alertName(alert.description) } };
  }
  const code = error?.code;
  if (!error || code === "ECONNRESET" || code === "EPIPE") {
    return { code: "CONNECTION_RESET", failure: { kind: "closed", endpoint: where, received: inbound.length } };
  }
  const alertNo = /alert number (\d+)/.exec(error.message)?.[1];
  const failure: ProbeFailure = { kind: "handshake-error", endpoint: where, reason: error.reason ?? oneLine(error.message), ...(alertNo ? { alert: Number(alertNo) } : {}) };
  return { code: "TLS_HANDSHAKE_FAILED", failure };
}

/** The single deadline passed before a chain was obtained: say how far the probe got. */
export function describeStall(target: ProbeTarget, timeoutMs: number, stage: "resolve" | "connect" | "handshake", inbound: number): ProbeError {
  const reached = stage === "handshake" && inbound === 0 ? "silent" : stage;
  return { code: "CONNECTION_TIMEOUT", failure: { kind: "stall", stage: reached, endpoint: endpoint(target), host: target.host, ms: timeoutMs, received: inbound } };
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
