/**
 * x509-limbo data: the testsuite (`limbo.json`, gzip or plain) and upstream's `LimboResult` files.
 * Shapes follow upstream's `limbo/models.py` (C2SP/x509-limbo); only the fields chaincheck reads.
 */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";

export type LimboOutcome = "SUCCESS" | "FAILURE";
export type LimboActual = LimboOutcome | "SKIPPED";

export interface PeerName {
  readonly kind: "DNS" | "IP" | "RFC822";
  readonly value: string;
}

export interface LimboTestcase {
  readonly id: string;
  readonly description: string;
  readonly features?: readonly string[];
  readonly conflicts_with?: readonly string[];
  readonly validation_kind: "CLIENT" | "SERVER";
  readonly trusted_certs: readonly string[];
  readonly untrusted_intermediates: readonly string[];
  readonly peer_certificate: string;
  readonly validation_time?: string | null;
  readonly signature_algorithms: readonly string[];
  readonly key_usage: readonly string[];
  readonly extended_key_usage: readonly string[];
  readonly expected_result: LimboOutcome;
  readonly expected_peer_name?: PeerName | null;
  readonly max_chain_depth?: number | null;
  readonly crls?: readonly string[];
}

export interface Limbo {
  readonly version: 1;
  readonly testcases: readonly LimboTestcase[];
}

export interface LimboResultEntry {
  readonly id: string;
  readonly actual_result: LimboActual;
  readonly context: string | null;
}

export interface LimboResult {
  readonly version: 1;
  readonly harness: string;
  readonly results: readonly LimboResultEntry[];
}

/** Reads a JSON file that may be gzip-compressed (detected by the gzip magic bytes, not the name). */
export function readJsonMaybeGzip(path: string): unknown {
  let bytes: Buffer = readFileSync(path);
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
  return JSON.parse(bytes.toString("utf8"));
}

/** The testsuite document; throws when it is not limbo version 1. */
export function loadLimbo(path: string): Limbo {
  const data = readJsonMaybeGzip(path) as Partial<Limbo>;
  if (data?.version !== 1 || !Array.isArray(data.testcases)) throw new Error(`${path}: not a limbo testsuite (version 1)`);
  return data as Limbo;
}

/** A LimboResult file of another harness (for `--compare`). */
export function loadResults(path: string): LimboResult {
  const data = readJsonMaybeGzip(path) as Partial<LimboResult>;
  if (data?.version !== 1 || !Array.isArray(data.results)) throw new Error(`${path}: not a LimboResult file (version 1)`);
  return data as LimboResult;
}

/** The namespace a testcase is reported under: `bettertls::pathbuilding`, `rfc5280`, `webpki`, ... */
export function namespaceOf(id: string): string {
  const parts = id.split("::");
  if (parts[0] === "bettertls" && parts.length > 2) return `${parts[0]}::${parts[1]}`;
  return parts.length > 1 ? parts[0]! : "(none)";
}
