/**
 * `--format pem`: the certificates only, as clean PEM blocks, leaf first, one block per certificate, so the output
 * pipes into `openssl x509` / `openssl verify` or becomes a server's certificate file. Live: the chain as presented
 * (wire order). `verify`: the input's certificates in the order a server must load them (the corrected order when
 * the server's certificate was not first), including those Rserve does not send. Pure.
 */
import type { ChainResult } from "../result/verdict.js";
import { safeText } from "./safe-text.js";

/** The PEM blocks of one result, in order. */
export function pemBlocks(result: ChainResult): string[] {
  const bundle = result.bundle;
  if (!bundle) return result.presented.map((c) => c.pem);
  const bySha = new Map([...result.presented, ...bundle.unsent].map((c) => [c.sha256, c.pem]));
  return bundle.order.map((entry) => bySha.get(entry.sha256)).filter((pem): pem is string => pem !== undefined);
}

/** Every result's blocks; with several targets, a `# TARGET` line before each group (PEM readers skip it). */
export function renderPem(results: readonly ChainResult[]): string {
  const several = results.length > 1;
  return results.map((r) => `${several ? `# ${safeText(r.target)}\n` : ""}${pemBlocks(r).join("")}`).join("");
}
