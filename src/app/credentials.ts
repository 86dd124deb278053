/**
 * The TabPy credentials check (Tableau's Test Connection): GET /info with Basic auth on a second connection, only
 * over a connection chaincheck would let Tableau use: a trusted chain (or --send-credentials-untrusted), TLS 1.2 or
 * later, and the very chain judged on the first connection (to the same address), within the target's --timeout.
 * I/O; the password lives only in `credentials` and the probe's request header, never in a result or a message.
 */
import type { Finding } from "../findings/finding.js";
import { parseCertificate } from "../cert/parse.js";
import type { CredentialsNotSent, LeafChange } from "../findings/codes.js";
import { makeFinding } from "../findings/finding.js";
import { chainFingerprints, isModernTls } from "../probe/credentials-gate.js";
import { probe } from "../probe/probe.js";
import type { ProbeOptions, ProbeSuccess } from "../probe/types.js";
import { withFindings, type ChainVerdict } from "../result/verdict.js";

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
    default: return makeFinding("AUTH_NOT_CHECKED", null, { reason: { kind: "unexpected-answer", detail } });
  }
}

const notChecked = (reason: CredentialsNotSent): Finding => makeFinding("AUTH_NOT_CHECKED", null, { reason });

/** Why the credentials cannot go out at all, judging by the first connection; undefined when they may. */
function refusal(result: ChainVerdict, first: ProbeSuccess, sendUntrusted: boolean): CredentialsNotSent | undefined {
  if (first.oversized) return { kind: "handshake-incomplete" };
  // Never overridden: Tableau refuses these versions, so such a connection is not the one it would use.
  if (!isModernTls(first.tls.protocol)) return { kind: "legacy-tls", protocol: first.tls.protocol, connection: "first" };
  if (!result.trusted && !sendUntrusted) return { kind: "untrusted" };
  if (result.service !== "tabpy") return { kind: "not-tabpy", detail: result.connection?.serviceDetail ?? "unknown service" };
  return undefined;
}

/** How the second connection's chain differs from the first's. */
function difference(first: ProbeSuccess, second: ProbeSuccess): LeafChange {
  const [a, b] = [chainFingerprints(first.presented.slice(0, 1))[0], chainFingerprints(second.presented.slice(0, 1))[0]];
  if (a === b) return { kind: "same-leaf", certificates: second.presented.length, before: first.presented.length };
  try {
    const leaf = parseCertificate(second.presented[0]!);
    return { kind: "other-leaf", certificate: { subject: leaf.subject, sha256: leaf.sha256 } };
  } catch {
    return { kind: "unreadable-leaf", sha256: b ?? "" };
  }
}

/**
 * Adds the credentials findings to `result`.
 * @param first the probe outcome `result` was judged from.
 * @param deadline performance.now() time at which the target's --timeout ends: the second connection gets what is left.
 */
export async function checkCredentials(
  result: ChainVerdict, first: ProbeSuccess, options: ProbeOptions, credentials: Credentials, sendUntrusted: boolean, deadline: number,
): Promise<ChainVerdict> {
  if (result.status === "error") return result;
  const refused = refusal(result, first, sendUntrusted);
  if (refused) return withFindings(result, [notChecked(refused)]);
  const left = Math.floor(deadline - performance.now());
  if (left <= 0) return withFindings(result, [notChecked({ kind: "timeout" })]);
  const { onChain: _notForTheSecond, ...rest } = options;
  const outcome = await probe(first.target, {
    ...rest,
    timeoutMs: left,
    service: "tabpy",
    // The same server as the chain judged: no second name lookup, no other address behind the name.
    ...(first.tls.remoteAddress ? { address: first.tls.remoteAddress } : {}),
    tabpyAuth: { ...credentials, onlyForChain: chainFingerprints(first.presented) },
  });
  if (!outcome.ok) return withFindings(result, [notChecked({ kind: "second-connection-failed", failure: outcome.error.failure })]);
  const leaf = result.presented[0] ?? null;
  switch (outcome.credentialsWithheld) {
    case "chain-changed":
      return withFindings(result, [makeFinding("CERTIFICATE_CHANGED", leaf, { change: difference(first, outcome) })]);
    case "legacy-tls":
      return withFindings(result, [
        makeFinding("LEGACY_TLS_VERSION", null, { protocol: outcome.tls.protocol }),
        notChecked({ kind: "legacy-tls", protocol: outcome.tls.protocol, connection: "second" }),
      ]);
  }
  const findings: Finding[] = [];
  if (!result.trusted) findings.push(makeFinding("CREDENTIALS_SENT_UNTRUSTED", null, {}));
  findings.push(authFinding(outcome.service.tabpy?.httpStatus, credentials.username, outcome.service.detail));
  return withFindings(result, findings);
}
