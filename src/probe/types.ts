/**
 * Types of the network probe (src/probe): what a probe is asked to reach, how, and what it saw.
 * Pure types only. The probe never validates: it returns the bytes and facts the validator needs.
 */

/** A parsed endpoint. `host` is a name or an IP literal (IPv6 without brackets). */
export interface ProbeTarget {
  /** What the user typed, unchanged. */
  input: string;
  host: string;
  port: number;
  /** `host` is an IP literal: no SNI is sent unless `ProbeOptions.servername` is given. */
  isIp: boolean;
  /** Address family: set for IP literals; restricts name resolution when set for names. */
  family?: 4 | 6;
}

export type ProbeErrorCode =
  | "CONNECTION_REFUSED"
  | "CONNECTION_TIMEOUT"
  | "DNS_ERROR"
  | "CONNECTION_RESET"
  | "NOT_TLS"
  | "TLS_HANDSHAKE_FAILED";

/** Why no chain was obtained: a typed code and what the probe saw (src/words/probe.ts says it in words). */
export interface ProbeError {
  code: ProbeErrorCode;
  failure: ProbeFailure;
}

/**
 * What a failed probe saw, as evidence (a report's `findings[].evidence` for the probe codes). `endpoint` is
 * "host:port" (IPv6 in brackets); `errno` is the system's error code (ECONNRESET, EAI_AGAIN, ...).
 */
export type ProbeFailure =
  // The server sent bytes that cannot start a TLS record (NOT_TLS).
  | { readonly kind: "rserve-plain"; readonly endpoint: string; readonly qap: boolean }
  | { readonly kind: "plain-http"; readonly endpoint: string; readonly status: string; readonly server?: string }
  | { readonly kind: "html"; readonly endpoint: string }
  | { readonly kind: "banner"; readonly endpoint: string; readonly protocol: "SSH" | "SMTP" | "FTP" | "SMTP/FTP" | "POP3" | "IMAP"; readonly banner: string }
  | { readonly kind: "text"; readonly endpoint: string; readonly text: string }
  | { readonly kind: "binary"; readonly endpoint: string; readonly bytes: number; readonly head: string }
  // TCP connect and name resolution.
  | { readonly kind: "refused"; readonly endpoint: string; readonly port: number }
  | { readonly kind: "dns-not-found"; readonly host: string; readonly errno: string }
  | { readonly kind: "dns-failed"; readonly host: string; readonly errno: string }
  | { readonly kind: "tcp-timeout"; readonly endpoint: string; readonly errno: string }
  | { readonly kind: "reset"; readonly endpoint: string; readonly errno: string }
  | { readonly kind: "unreachable"; readonly endpoint: string; readonly errno: string }
  | { readonly kind: "connect-failed"; readonly endpoint: string; readonly error: string }
  // The TLS handshake.
  | { readonly kind: "alert"; readonly endpoint: string; readonly alert: number; readonly alertName: string }
  | { readonly kind: "closed"; readonly endpoint: string; readonly received: number }
  | { readonly kind: "handshake-error"; readonly endpoint: string; readonly reason: string; readonly alert?: number }
  | { readonly kind: "oversized"; readonly endpoint: string; readonly detail: OversizedFailure }
  | { readonly kind: "unreadable-result"; readonly endpoint: string; readonly detail: string }
  // The deadline, at the stage the probe had reached (`received`: bytes of TLS by then).
  | { readonly kind: "stall"; readonly stage: "resolve" | "connect" | "silent" | "handshake"; readonly endpoint: string; readonly host: string; readonly ms: number; readonly received: number }
  /** The whole check of the target (probe, AIA, credentials) did not end within its bound. */
  | { readonly kind: "watchdog"; readonly target: string; readonly ms: number };

/** Why an oversized Certificate message gave no certificate to report. */
export type OversizedFailure =
  /** The recorded handshake could not be read (`reason`: the TLS record reader's). */
  | { readonly kind: "unreadable"; readonly reason: string }
  /** The Certificate message was within the limit: a later handshake message was too large. */
  | { readonly kind: "later-message"; readonly announced: number }
  | { readonly kind: "no-certificate"; readonly announced: number; readonly limit: number; readonly received: number; readonly cut?: "closed" | "deadline" | "recording-cap" };

/** Facts about the negotiated TLS session. */
export interface TlsDetails {
  /** e.g. "TLSv1.3", as OpenSSL names it. */
  protocol: string;
  /** IANA (RFC) name of the cipher suite, e.g. "TLS_AES_128_GCM_SHA256". */
  cipher: string;
  /** The server stapled an OCSP response (requested with status_request). */
  ocspStapled: boolean;
  /** The stapled OCSPResponse DER, when one came. */
  ocspResponse?: Uint8Array;
  /** The IP address the connection reached. */
  remoteAddress: string;
  /** The SNI name sent, or null when none was sent. */
  servername: string | null;
}

/** What answered on the TLS connection. */
export interface ServiceInfo {
  service: "tabpy" | "rserve" | "tls";
  /** One line: "Rserve 0103 QAP1 (TLS)", "TabPy 2.13.0, authentication off", "no TabPy or Rserve answer". */
  detail: string;
  /** Rserve's 32-byte ID string as text (printable characters only). */
  rserveId?: string;
  tabpy?: { httpStatus: number; authRequired: boolean; info?: unknown; version?: string };
}

/**
 * The handshake was aborted by the TLS library because the server's Certificate message exceeds its limit for a
 * certificate list: the chain is what arrived of that message.
 */
export interface OversizedCertificateMessage {
  /** Body length the Certificate message announces. */
  readonly messageBytes: number;
  /** Body bytes that arrived. */
  readonly receivedBytes: number;
  /** The TLS library's limit (OpenSSL's max_cert_list, 102400). */
  readonly limitBytes: number;
  /** Every certificate of the message arrived. */
  readonly complete: boolean;
  /** Why reading stopped short of the whole message. */
  readonly cut?: "closed" | "deadline" | "recording-cap";
}

/**
 * Why the presented chain is Node's view of the peer, not the Certificate message as sent: the recorded handshake
 * could not be read (`reason`: the TLS record reader's words: a resumed session, an unknown suite, no key log
 * secret, a recording cut short), or the first certificate read is not the one OpenSSL verified.
 */
export type WireOrderReason =
  | { readonly kind: "unreadable"; readonly reason: string }
  | { readonly kind: "leaf-differs" };

/**
 * A chain was obtained: the presented chain and what was learnt around it. Normally the handshake completed; when
 * `oversized` is set it was aborted on the Certificate message, and `presented` is what arrived of it (no
 * service detection, no OpenSSL verdict).
 */
export interface ProbeSuccess {
  ok: true;
  target: ProbeTarget;
  /** DER, exactly as in the TLS Certificate message: wire order, extras and duplicates kept. */
  presented: Uint8Array[];
  /** "wire" when parsed from the handshake bytes; "reconstructed" when taken from `crossCheck`. */
  order: "wire" | "reconstructed";
  /** Why the order is "reconstructed": what kept the handshake from being read. */
  orderReason?: WireOrderReason;
  /** One walk of getPeerX509Certificate() via .issuerCertificate (Node's view of the peer stack). */
  crossCheck: Uint8Array[];
  tls: TlsDetails;
  service: ServiceInfo;
  /** Whether `tabpyAuth` credentials were sent on this connection. */
  credentialsSent?: boolean;
  /** Why they were not: the chain differs from `tabpyAuth.onlyForChain`, or TLS below 1.2 was negotiated. */
  credentialsWithheld?: "chain-changed" | "legacy-tls";
  oversized?: OversizedCertificateMessage;
  /** OpenSSL's verdict from the same handshake against `ProbeOptions.ca`; absent when no `ca` was given. */
  openssl?: { authorized: boolean; reason: string | null };
  elapsedMs: number;
}

export type ProbeOutcome =
  | ProbeSuccess
  | { ok: false; target: ProbeTarget; error: ProbeError; elapsedMs: number };

export interface ProbeOptions {
  /** Bounds connect + handshake + service detection together (the CLI's default is 10000). */
  timeoutMs: number;
  /** Connect to this IP address instead of resolving the target's host (SNI and Host still name the target). */
  address?: string;
  /**
   * Called with the presented chain as soon as the handshake completes, before service detection: work that needs
   * only the chain (AIA downloads) can run meanwhile. Not called when the handshake is aborted.
   */
  onChain?: (presented: readonly Uint8Array[]) => void;
  /** SNI name; by default the target's host name, and none for IP targets. */
  servername?: string;
  /** "auto" detects TabPy or Rserve; a forced value only checks that service; "tls" skips detection. */
  service: "auto" | "tabpy" | "rserve" | "tls";
  /** PEM trust anchors for OpenSSL's verdict. Contexts are cached per distinct list. */
  ca?: readonly string[];
  /** Sent as HTTP Basic auth on GET /info, never below TLS 1.2. Never logged or stored in results. */
  tabpyAuth?: {
    username: string;
    password: string;
    /** Send the credentials only when the presented chain has exactly these SHA-256s, in order (the chain already judged). */
    onlyForChain?: readonly string[];
  };
  /** Aborting destroys the connection and rejects the probe's promise with the signal's reason. */
  signal?: AbortSignal;
}
