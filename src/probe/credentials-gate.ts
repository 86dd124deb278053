/**
 * When the probe may send TabPy credentials on a connection: only over TLS 1.2 or later (what Tableau accepts), and
 * only when the connection presents exactly the chain the caller already judged (a second connection may reach
 * another server, or a server that changed its certificate). Pure.
 */
import { createHash } from "node:crypto";
import type { ProbeOptions } from "./types.js";

/** Why credentials were not sent on a connection. */
export type CredentialsWithheld = "chain-changed" | "legacy-tls";

/** TLS versions Tableau (and current clients) accept, as OpenSSL names them. */
const MODERN_TLS: ReadonlySet<string> = new Set(["TLSv1.2", "TLSv1.3"]);

export function isModernTls(protocol: string): boolean {
  return MODERN_TLS.has(protocol);
}

/** SHA-256 (hex) of each certificate, in the order given: the identity of a presented chain. */
export function chainFingerprints(presented: readonly Uint8Array[]): string[] {
  return presented.map((der) => createHash("sha256").update(der).digest("hex"));
}

/** Undefined when the credentials may go out on this connection, else why not. */
export function credentialsWithheld(
  auth: NonNullable<ProbeOptions["tabpyAuth"]>, presented: readonly Uint8Array[], protocol: string,
): CredentialsWithheld | undefined {
  if (!isModernTls(protocol)) return "legacy-tls";
  const expected = auth.onlyForChain;
  if (expected === undefined) return undefined;
  const actual = chainFingerprints(presented);
  const same = actual.length === expected.length && actual.every((sha, i) => sha === expected[i]);
  return same ? undefined : "chain-changed";
}
