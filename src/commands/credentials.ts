/**
 * The TabPy credentials check (Tableau's Test Connection): GET /info with Basic auth on a second connection, only
 * over a connection chaincheck would let Tableau use: a trusted chain (or --send-credentials-untrusted), TLS 1.2 or
 * later, and the very chain judged on the first connection (to the same address), within the target's --timeout.
 * I/O; the password lives only in `credentials` and the probe's request header, never in a result or a message.
 */
import type { Finding } from "../types.js";
import { parseCertificate } from "../cert/parse.js";
import { makeFinding, nameCert } from "../findings/finding.js";
import { chainFingerprints, isModernTls } from "../probe/credentials-gate.js";
import { probe } from "../probe/probe.js";
import type { ProbeOptions, ProbeSuccess } from "../probe/types.js";
import { withFindings, type ChainResult } from "../result.js";

export interface Credentials {
  readonly username: string;
  readonly password: string;
}

/** What the second GET /info answered -> the finding Tableau's Test Connection would imply. */
export function authFinding(httpStatus: number | undefined, user: string, detail: string): Finding {
  switch (httpStatus) {
    case 200: return makeFinding("AUTH_OK", null, { user });
    case 401: return makeFinding("AUTH_FAILED", null, { user });
    case 406: return makeFinding("AUTH_NOT_ENABLED", null, { user });
    default: return makeFinding("AUTH_NOT_CHECKED", null, { reason: `unexpected answer to GET /info (${detail})` });
  }
}

const notChecked = (reason: string): Finding => makeFinding("AUTH_NOT_CHECKED", null, { reason });

/** Why the credentials cannot go out at all, judging by the first connection; undefined when they may. */
function refusal(result: ChainResult, first: ProbeSuccess, sendUntrusted: boolean): string | undefined {
  if (first.oversized) return "the TLS handshake did not complete";
  // Never overridden: Tableau refuses these versions, so such a connection is not the one it would use.
  if (!isModernTls(first.tls.protocol)) return `the server negotiated ${first.tls.protocol}, and chaincheck sends credentials only over TLS 1.2 or later, as Tableau requires`;
  if (!result.trusted && !sendUntrusted) return "chaincheck does not trust the certificate chain, so it did not send them";
  if (result.service !== "tabpy") return `the server is not TabPy (${result.connection?.serviceDetail ?? "unknown service"})`;
  return undefined;
}

/** How the second connection's chain differs from the first's, in words. */
function difference(first: ProbeSuccess, second: ProbeSuccess): string {
  const [a, b] = [chainFingerprints(first.presented.slice(0, 1))[0], chainFingerprints(second.presented.slice(0, 1))[0]];
  if (a === b) return `the same leaf with other certificates after it (${second.presented.length} certificate(s) instead of ${first.presented.length})`;
  try {
    return `another certificate, ${nameCert(parseCertificate(second.presented[0]!))}`;
  } catch {
    return `another certificate (SHA-256 ${(b ?? "").slice(0, 16)}…, which chaincheck cannot parse)`;
  }
}

/**
 * Adds the credentials findings to `result`.
 * @param first the probe outcome `result` was judged from.
 * @param deadline performance.now() time at which the target's --timeout ends: the second connection gets what is left.
 */
export async function checkCredentials(
  result: ChainResult, first: ProbeSuccess, options: ProbeOptions, credentials: Credentials, sendUntrusted: boolean, deadline: number,
): Promise<ChainResult> {
  if (result.status === "error") return result;
  const refused = refusal(result, first, sendUntrusted);
  if (refused) return withFindings(result, [notChecked(refused)]);
  const left = Math.floor(deadline - performance.now());
  if (left <= 0) return withFindings(result, [notChecked("the target's --timeout ended before the second connection could be made")]);
  const { onChain: _notForTheSecond, ...rest } = options;
  const outcome = await probe(first.target, {
    ...rest,
    timeoutMs: left,
    service: "tabpy",
    // The same server as the chain judged: no second name lookup, no other address behind the name.
    ...(first.tls.remoteAddress ? { address: first.tls.remoteAddress } : {}),
    tabpyAuth: { ...credentials, onlyForChain: chainFingerprints(first.presented) },
  });
  if (!outcome.ok) return withFindings(result, [notChecked(`the second connection failed: ${outcome.error.message}`)]);
  const leaf = result.presented[0] ?? null;
  switch (outcome.credentialsWithheld) {
    case "chain-changed":
      return withFindings(result, [makeFinding("CERTIFICATE_CHANGED", leaf, { difference: difference(first, outcome) })]);
    case "legacy-tls":
      return withFindings(result, [
        makeFinding("LEGACY_TLS_VERSION", null, { protocol: outcome.tls.protocol }),
        notChecked(`the second connection negotiated ${outcome.tls.protocol}, and chaincheck sends credentials only over TLS 1.2 or later`),
      ]);
  }
  const findings: Finding[] = [];
  if (!result.trusted) findings.push(makeFinding("CREDENTIALS_SENT_UNTRUSTED", null, {}));
  findings.push(authFinding(outcome.service.tabpy?.httpStatus, credentials.username, outcome.service.detail));
  return withFindings(result, findings);
}
