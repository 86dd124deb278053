/**
 * One chain, one verdict: validation + advice assembled into the `ChainResult` every command returns.
 * Pure: the caller brings certificates, anchors and time.
 */
import type { Certificate, Service } from "./types.js";
import { advise, type TargetOs } from "./advise/advise.js";
import { describeCertificate, statusOf, withFindings, type ChainResult, type PathCertificate } from "./result.js";
import { unreadableHeldFindings, validateChain, type TrustAnchors } from "./validate/validate.js";

export interface CheckInput {
  readonly target: string;
  readonly service: Service | null;
  /** What the server presents, leaf first, in wire order. */
  readonly presented: readonly Certificate[];
  readonly anchors: TrustAnchors;
  readonly host: string | null;
  readonly at: Date;
  readonly partialChain: boolean;
  readonly warnDays: number;
  /** Certificates the user holds (never counted as presented): used for advice and the what-if. */
  readonly heldIntermediates?: readonly Certificate[];
  /** Intermediates of the client's own store (Windows CA, macOS System keychain): held, and used by validation too. */
  readonly storeIntermediates?: readonly Certificate[];
  readonly targetOs: TargetOs;
  /** The input file was DER: the advice includes the conversion to PEM. */
  readonly inputWasDer?: boolean;
}

export function checkChain(input: CheckInput): ChainResult {
  const options = { host: input.host, at: input.at, partialChain: input.partialChain, warnDays: input.warnDays };
  const storeHeld = input.storeIntermediates ?? [];
  const validation = validateChain(input.presented, input.anchors, { ...options, extraIntermediates: storeHeld });
  const remediation = advise({
    presented: input.presented,
    validation,
    anchors: input.anchors,
    options,
    held: [...(input.heldIntermediates ?? []), ...storeHeld],
    service: input.service,
    targetOs: input.targetOs,
    inputWasDer: input.inputWasDer ?? false,
  });
  const presentedShas = new Set(input.presented.map((c) => c.sha256));
  const pathCert = (c: Certificate): PathCertificate => ({
    sha256: c.sha256,
    subject: c.subject,
    notAfter: c.notAfter.toISOString(),
    source: presentedShas.has(c.sha256) ? "presented" : input.anchors.contains(c) ? "store" : "held",
  });
  // Held certificates do not decide the verdict, but one that cannot be read is named (a finding on it).
  return withFindings({
    target: input.target,
    service: input.service,
    host: input.host,
    chainKind: validation.chainKind,
    presented: input.presented.map(describeCertificate),
    path: validation.path ? validation.path.map((c) => c.sha256) : null,
    builtPath: validation.best ? { certificates: validation.best.certs.map(pathCert), end: validation.best.termination } : null,
    pathAttempts: validation.search.attempts.map((a) => ({
      certificates: a.certs.map(pathCert),
      end: a.termination,
      findings: a.findings.map((f) => f.code),
    })),
    trustStore: input.anchors.description,
    verifierModel: input.partialChain ? "partial-chain" : "strict",
    checkedAt: input.at.toISOString(),
    trusted: validation.trusted,
    status: statusOf(validation.trusted, validation.findings),
    headline: validation.headline?.code ?? null,
    findings: validation.findings,
    remediation,
  }, unreadableHeldFindings(input.heldIntermediates ?? []));
}
