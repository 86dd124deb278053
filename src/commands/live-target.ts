/**
 * One live target after its probe: optional AIA downloads, validation and advice (`liveResult`),
 * the TabPy credentials check, and the Tableau settings to use. I/O (AIA, the credentials connection).
 */
import type { Finding } from "../types.js";
import { aiaFindings, fetchMissingIssuers, issuerAvailable } from "../advise/aia.js";
import { tableauSetup } from "../advise/tableau.js";
import { liveEvaluation, presentedOf, type LiveCheckInput } from "../live.js";
import { provenByOpenssl } from "./openssl-proof.js";
import type { ProbeOptions, ProbeOutcome } from "../probe/types.js";
import { withFindings, type ChainResult } from "../result.js";
import { checkCredentials, type Credentials } from "./credentials.js";

export interface LiveTargetSettings extends Omit<LiveCheckInput, "host" | "authUser"> {
  /** Fetch missing issuers from AIA caIssuers URLs (--aia). */
  readonly aia: boolean;
  readonly credentials?: Credentials;
  readonly sendCredentialsUntrusted: boolean;
}

export async function judgeLiveTarget(
  outcome: ProbeOutcome, host: string, probeOptions: ProbeOptions, settings: LiveTargetSettings,
): Promise<ChainResult> {
  const presented = presentedOf(outcome);
  let held = settings.heldIntermediates ?? [];
  let aiaFailures: Finding[] = [];
  let downloaded: ReadonlyMap<string, string> = new Map();
  if (settings.aia && typeof presented !== "string") {
    const fetched = await fetchMissingIssuers([...presented, ...held], { hasIssuer: issuerAvailable(settings.anchors) });
    held = [...held, ...fetched.certificates];
    aiaFailures = aiaFindings(fetched);
    downloaded = fetched.origins;
  }
  const user = settings.credentials?.username;
  const advice = { ...settings.advice, downloaded, aia: settings.aia };
  const input = { ...settings, host, heldIntermediates: held, advice, ...(user ? { authUser: user } : {}) };
  const judged = await provenByOpenssl(
    (opensslProof) => liveEvaluation(outcome, opensslProof ? { ...input, opensslProof } : input, presented), probeOptions.ca ?? [], settings.opensslComparable,
  );
  let result = withFindings(judged, aiaFailures);
  if (settings.credentials && outcome.ok) {
    result = await checkCredentials(result, outcome.target, probeOptions, settings.credentials, settings.sendCredentialsUntrusted);
  }
  const setup = outcome.ok ? tableauSetup(result, outcome.target.port, user ?? null) : null;
  return setup ? { ...result, tableau: setup } : result;
}
