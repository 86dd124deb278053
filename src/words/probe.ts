/**
 * The words of a failed probe: one line saying what the probe saw (naming the endpoint), and a hint when one
 * helps. Pure; the evidence comes from src/probe/classify.ts.
 */
import type { OversizedFailure, ProbeError, ProbeFailure } from "../probe/types.js";

export interface ProbeErrorWords {
  readonly message: string;
  readonly hint?: string;
}

const TABPY_TLS_HINT =
  "use the HTTPS port, or enable TLS in TabPy with TABPY_TRANSFER_PROTOCOL=https (and TABPY_CERTIFICATE_FILE, TABPY_KEY_FILE)";
const NOT_A_TLS_SERVICE = "check the port: this is not a TLS service";
const FIREWALL = "a firewall may drop the packets, or the host is down";
const DNS_SERVERS = "check the DNS servers of this host";

/** What a TLS alert usually means, by its description number (RFC 8446 §6). */
const ALERT_HINTS: Readonly<Record<number, string>> = {
  40: "no TLS version or cipher suite in common, or the server requires a client certificate",
  70: "the server requires a TLS version this client does not offer",
  71: "the server requires stronger cipher suites than were offered",
  112: "the server does not know the SNI name sent: give the name it serves as the server name",
  116: "the server requires a client certificate (mutual TLS)",
};

const BANNER_HINTS: Readonly<Record<Extract<ProbeFailure, { kind: "banner" }>["protocol"], string>> = {
  SSH: "this is an SSH server; check the port",
  SMTP: "this is a SMTP server; chaincheck does not do STARTTLS/AUTH TLS: check the port",
  FTP: "this is a FTP server; chaincheck does not do STARTTLS/AUTH TLS: check the port",
  "SMTP/FTP": "this is a SMTP/FTP server; chaincheck does not do STARTTLS/AUTH TLS: check the port",
  POP3: "this is a mail server; check the port",
  IMAP: "this is a mail server; check the port",
};

const withHint = (message: string, hint: string | undefined): ProbeErrorWords => (hint ? { message, hint } : { message });

/** "then the server closed the connection", ...: why reading an oversized Certificate message stopped. */
export function cutWords(cut: "closed" | "deadline" | "recording-cap" | undefined): string {
  switch (cut) {
    case "closed": return "then the server closed the connection";
    case "deadline": return "then --timeout ended the wait";
    case "recording-cap": return "chaincheck reads at most 1 MiB of a handshake";
    default: return "all of it";
  }
}

function oversizedWords(detail: OversizedFailure): string {
  switch (detail.kind) {
    case "unreadable":
      return `excessive message size (OpenSSL refused a handshake message as too large); ${detail.reason}`;
    case "later-message":
      return `excessive message size: a handshake message after the ${detail.announced}-byte Certificate message was too large`;
    case "no-certificate":
      return `the server's Certificate message announces ${detail.announced} bytes, more than OpenSSL's ${detail.limit}-byte limit for a certificate list, so the handshake aborted; ${detail.received} bytes of it arrived (${cutWords(detail.cut)}), not one whole certificate`;
  }
}

/** The one line and the hint for a probe failure. */
export function probeFailureWords(f: ProbeFailure): ProbeErrorWords {
  switch (f.kind) {
    case "rserve-plain":
      return { message: `${f.endpoint} answered with Rserve's plain ${f.qap ? "QAP1 " : ""}banner: this is Rserve's non-TLS port`, hint: "qap.tls.port in Rserv.conf is the TLS port" };
    case "plain-http":
      return { message: `${f.endpoint} speaks plain HTTP ("${f.status}"${f.server !== undefined ? `, server ${f.server}` : ""})`, hint: TABPY_TLS_HINT };
    case "html":
      return { message: `${f.endpoint} speaks plain HTTP (it sent an HTML page)`, hint: TABPY_TLS_HINT };
    case "banner":
      return { message: `${f.endpoint} sent a ${f.protocol} banner "${f.banner}", not TLS`, hint: BANNER_HINTS[f.protocol] };
    case "text":
      return { message: `${f.endpoint} sent "${f.text}", not TLS`, hint: NOT_A_TLS_SERVICE };
    case "binary":
      return { message: `${f.endpoint} sent ${f.bytes} bytes that are not TLS (first bytes ${f.head})`, hint: NOT_A_TLS_SERVICE };
    case "refused":
      return { message: `${f.endpoint} refused the connection (nothing listens on port ${f.port})`, hint: "check the host, the port and that the service is running" };
    case "dns-not-found":
      return { message: `${f.host} does not resolve (${f.errno})`, hint: "check the name, or probe the IP address and give the server name for SNI separately" };
    case "dns-failed":
      return { message: `name resolution of ${f.host} failed temporarily (${f.errno})`, hint: DNS_SERVERS };
    case "tcp-timeout":
      return { message: `no TCP connection to ${f.endpoint} (${f.errno})`, hint: FIREWALL };
    case "reset":
      return { message: `${f.endpoint} reset the connection (${f.errno})` };
    case "unreachable":
      return { message: `${f.endpoint} is unreachable (${f.errno})`, hint: "check routing and firewalls between this host and the server" };
    case "connect-failed":
      return { message: `could not connect to ${f.endpoint}: ${f.error}` };
    case "alert":
      return withHint(`${f.endpoint} sent TLS alert ${f.alertName} during the handshake`, ALERT_HINTS[f.alert]);
    case "closed":
      return {
        message: `${f.endpoint} closed the connection during the TLS handshake, ${f.received === 0 ? "before answering the ClientHello" : `after ${f.received} bytes of TLS`}`,
        hint: "the server may not accept TLS 1.0-1.3 from this client, or may expect another protocol",
      };
    case "handshake-error":
      return withHint(`TLS handshake with ${f.endpoint} failed: ${f.reason}`, f.alert === undefined ? undefined : ALERT_HINTS[f.alert]);
    case "oversized":
      return { message: `TLS handshake with ${f.endpoint} failed: ${oversizedWords(f.detail)}` };
    case "unreadable-result":
      return { message: `the handshake with ${f.endpoint} completed but its result could not be read: ${f.detail}` };
    case "stall":
      return stallWords(f);
    case "watchdog":
      return {
        message: `${f.target}: no result within ${f.ms} ms`,
        hint: "The check did not finish in time: retry with a larger --timeout, or fewer targets at once (--concurrency).",
      };
  }
}

function stallWords(f: Extract<ProbeFailure, { kind: "stall" }>): ProbeErrorWords {
  switch (f.stage) {
    case "resolve":
      return { message: `name resolution of ${f.host} did not finish within ${f.ms} ms`, hint: DNS_SERVERS };
    case "connect":
      return { message: `no TCP connection to ${f.endpoint} within ${f.ms} ms`, hint: FIREWALL };
    case "silent":
      return {
        message: `connected to ${f.endpoint}, no TLS answer within ${f.ms} ms`,
        hint: "the port accepts connections but does not answer a TLS ClientHello: it may be a plain-text service waiting for a request (e.g. TabPy without TLS)",
      };
    case "handshake":
      return { message: `connected to ${f.endpoint}, received ${f.received} bytes of TLS, then the handshake stalled (${f.ms} ms)`, hint: "the server or a middlebox stopped mid-handshake" };
  }
}

/** {@link probeFailureWords} of a probe error. */
export function probeErrorWords(error: ProbeError): ProbeErrorWords {
  return probeFailureWords(error.failure);
}
