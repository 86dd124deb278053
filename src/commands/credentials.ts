/**
 * The TabPy credentials check (Tableau's Test Connection): GET /info with Basic auth on a second
 * connection, only when the chain is trusted (or --send-credentials-untrusted). I/O; the password
 * lives only in `credentials` and the probe's request header, never in a result or a message.
 */
import type { Finding } from "../types.js";
import { makeFinding } from "../findings/finding.js";
import { probe } from "../probe/probe.js";
import type { ProbeOptions, ProbeTarget } from "../probe/types.js";
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

export async function checkCredentials(
  result: ChainResult, target: ProbeTarget, options: ProbeOptions, credentials: Credentials, sendUntrusted: boolean,
): Promise<ChainResult> {
  if (result.status === "error") return result;
  if (!result.trusted && !sendUntrusted) {
    return withFindings(result, [makeFinding("AUTH_NOT_CHECKED", null, { reason: "chaincheck does not trust the certificate chain, so it did not send them" })]);
  }
  if (result.service !== "tabpy") {
    return withFindings(result, [makeFinding("AUTH_NOT_CHECKED", null, { reason: `the server is not TabPy (${result.connection?.serviceDetail ?? "unknown service"})` })]);
  }
  const leaf = result.presented[0]?.sha256;
  const outcome = await probe(target, {
    ...options, service: "tabpy",
    tabpyAuth: { ...credentials, ...(leaf ? { onlyForLeafSha256: leaf } : {}) },
  });
  if (!outcome.ok) return withFindings(result, [makeFinding("AUTH_NOT_CHECKED", null, { reason: `the second connection failed: ${outcome.error.message}` })]);
  if (!outcome.credentialsSent) {
    return withFindings(result, [makeFinding("AUTH_NOT_CHECKED", null, { reason: "the second connection presented a different certificate, so chaincheck did not send them" })]);
  }
  const findings: Finding[] = [];
  if (!result.trusted) findings.push(makeFinding("CREDENTIALS_SENT_UNTRUSTED", null, {}));
  findings.push(authFinding(outcome.service.tabpy?.httpStatus, credentials.username, outcome.service.detail));
  return withFindings(result, findings);
}
