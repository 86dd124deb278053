/**
 * One live target after its probe: optional AIA downloads, validation and advice (`liveResult`),
 * the TabPy credentials check, and the Tableau settings to use. I/O (AIA, the credentials connection).
 */
import type { Certificate } from "../types.js";
import { fetchMissingIssuers, issuerAvailable } from "../advise/aia.js";
import { tableauSetup } from "../advise/tableau.js";
import { CertificateParseError, parseCertificate } from "../cert/parse.js";
import { liveResult, type LiveCheckInput } from "../live.js";
import type { ProbeOptions, ProbeOutcome } from "../probe/types.js";
import type { ChainResult } from "../result.js";
import { checkCredentials, type Credentials } from "./credentials.js";

export interface LiveTargetSettings extends Omit<LiveCheckInput, "host" | "authUser"> {
  /** Fetch missing issuers from AIA caIssuers URLs (--aia). */
  readonly aia: boolean;
  readonly credentials?: Credentials;
  readonly sendCredentialsUntrusted: boolean;
}

function parsedPresented(outcome: ProbeOutcome): Certificate[] {
  if (!outcome.ok) return [];
  try {
    return outcome.presented.map((der) => parseCertificate(der));
  } catch (err) {
    if (err instanceof CertificateParseError) return []; // liveResult reports it
    throw err;
  }
}

export async function judgeLiveTarget(
  outcome: ProbeOutcome, host: string, probeOptions: ProbeOptions, settings: LiveTargetSettings,
): Promise<ChainResult> {
  let held = settings.heldIntermediates ?? [];
  if (settings.aia && outcome.ok) {
    const fetched = await fetchMissingIssuers([...parsedPresented(outcome), ...held], { hasIssuer: issuerAvailable(settings.anchors) });
    held = [...held, ...fetched.certificates];
  }
  const user = settings.credentials?.username;
  let result = liveResult(outcome, { ...settings, host, heldIntermediates: held, ...(user ? { authUser: user } : {}) });
  if (settings.credentials && outcome.ok) {
    result = await checkCredentials(result, outcome.target, probeOptions, settings.credentials, settings.sendCredentialsUntrusted);
  }
  const setup = outcome.ok ? tableauSetup(result, outcome.target.port, user ?? null) : null;
  return setup ? { ...result, tableau: setup } : result;
}
