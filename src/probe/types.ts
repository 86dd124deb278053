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

/** Why no chain was obtained: a typed code, one line of evidence and, when known, what to do. */
export interface ProbeError {
  code: ProbeErrorCode;
  /** One line, e.g. "127.0.0.1:6311 answered with Rserve's plain QAP1 banner: this is Rserve's non-TLS port". */
  message: string;
  /** e.g. "qap.tls.port in Rserv.conf is the TLS port". */
  hint?: string;
}

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
