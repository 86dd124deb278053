/**
 * chaincheck as a library. `verifyChain` validates a chain the way a TLS client will and returns the
 * same result object the CLI reports (the JSON report's `results[]`). No process.exit, no console output; the
 * only I/O is reading the system trust store when no `anchors` are given.
 */
import type { Certificate, ReportedFinding } from "./types.js";
import { checkCertificates, type VerifyChainOptions } from "./app/library.js";
import { validateChain as validateWithoutWords, type TrustAnchors, type ValidateOptions, type Validation as TypedValidation } from "./validate/validate.js";
import { reportFinding, reportResult } from "./report/document.js";
import type { ChainResult } from "./result/verdict.js";

export type { CertificateInput, VerifyChainOptions } from "./app/library.js";

/**
 * Validates a presented chain. A certificate that cannot be decoded (presented, intermediate or anchor) does not
 * throw: it is named in a finding (MALFORMED_CERTIFICATE for a presented one, which makes the result untrusted).
 * @throws InputError for input that is no certificate container (not PEM, DER, PKCS#7 or PKCS#12);
 *   TrustStoreError when no system store exists and no anchors are given.
 */
export async function verifyChain(options: VerifyChainOptions): Promise<ChainResult> {
  return reportResult(await checkCertificates(options));
}

/**
 * Validates `presented` (leaf first) against `anchors` at `options.at`: the verdict, the path and the findings,
 * each finding with its evidence and its words (as `verifyChain` reports them).
 */
export function validateChain(presented: readonly Certificate[], anchors: TrustAnchors, options: ValidateOptions): Validation {
  const validation = validateWithoutWords(presented, anchors, options);
  return { ...validation, findings: validation.findings.map(reportFinding), headline: validation.headline && reportFinding(validation.headline) };
}

/** A validation with each finding in words (see {@link validateChain}). */
export interface Validation extends Omit<TypedValidation, "findings" | "headline"> {
  readonly findings: readonly ReportedFinding[];
  readonly headline: ReportedFinding | null;
}

export { parseCertificate, readCertificate, CertificateParseError } from "./cert/parse.js";
export type { TrustAnchors, ValidateOptions } from "./validate/validate.js";
export { InputError } from "./input/errors.js";
export { FINDINGS } from "./words/findings.js";
export type { FindingCode, FindingEvidence } from "./findings/codes.js";
/** The name version 1 of the library gave a reported finding. */
export type { ReportedFinding as Finding } from "./types.js";
export type { ChainResult, PresentedCertificate, PathCertificate, ConnectionInfo } from "./result/verdict.js";
export type * from "./types.js";
