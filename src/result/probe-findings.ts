/**
 * Findings only a live probe's outcome shows, beside what the chain itself tells: the service on the port is not
 * the one asked for (SERVICE_MISMATCH), and the TLS library refused the chain as too large (CHAIN_TOO_LARGE). Pure.
 */
import type { Certificate } from "../types.js";
import type { Finding } from "../findings/finding.js";
import { makeFinding } from "../findings/finding.js";
import { endpoint } from "../probe/target.js";
import type { ProbeOptions, ProbeSuccess } from "../probe/types.js";

export function probeFindings(outcome: ProbeSuccess, asked: ProbeOptions["service"], presented: readonly Certificate[]): Finding[] {
  const findings: Finding[] = [];
  const { oversized } = outcome;
  if (oversized) {
    findings.push(makeFinding("CHAIN_TOO_LARGE", presented[0] ?? null, {
      messageBytes: oversized.messageBytes,
      limitBytes: oversized.limitBytes,
      receivedBytes: oversized.receivedBytes,
      certificates: outcome.presented.length,
      complete: oversized.complete,
      ...(oversized.cut ? { cut: oversized.cut } : {}),
    }));
  } else if ((asked === "tabpy" || asked === "rserve") && outcome.service.service !== asked) {
    // Tableau's connection type is chosen by the admin: the other service (or none) on the port fails it.
    findings.push(makeFinding("SERVICE_MISMATCH", null, {
      expected: asked,
      detected: outcome.service.service,
      detail: outcome.service.detail,
      endpoint: endpoint(outcome.target),
    }));
  }
  return findings;
}
