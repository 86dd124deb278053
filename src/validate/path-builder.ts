/**
 * Certification path building: depth-first from the leaf, over every issuer candidate (presented
 * certificates in any order, extra intermediates, the trust store), with backtracking, a loop guard
 * and a work budget, so a valid path is found whenever one exists and the search always ends.
 *
 * Modelled on rustls/webpki (`loop_while_non_fatal_error`, `Budget`) and Go's `buildChains`
 * (`maxChainSignatureChecks`). Checks are injected (`checkLink`): this module only explores.
 */
import type { Certificate } from "../types.js";
import type { BudgetLimit } from "../findings/codes.js";
import { sameCertificate } from "../cert/identity.js";
import type { Finding } from "../findings/finding.js";

/** How an explored path ends. */
export type Termination =
  | "anchored" // at a trust anchor the verifier model accepts
  | "partial-anchor" // strict model: at a trusted certificate that is not a self-signed root
  | "untrusted-root" // at a self-signed certificate the store does not hold
  | "issuer-not-found" // nobody carries the top certificate's issuer name
  | "budget"; // the search stopped (budget or depth)

export interface PathAttempt {
  /** Leaf first. */
  readonly certs: readonly Certificate[];
  readonly termination: Termination;
  /** Errors found on the links of this path (empty for a clean path). */
  readonly findings: readonly Finding[];
  /**
   * The path stops (no issuer found, or at a trusted non-root) because its top certificate's issuer is already on
   * it: the CAs only certify each other in a loop, and no root is above them.
   */
  readonly loop: boolean;
}

/** Where issuers come from. */
export interface IssuerSource {
  /** Every certificate whose subject equals `cert`'s issuer name (normalised, RFC 5280 §7.1), trusted or not. */
  issuersOf(cert: Certificate): readonly Certificate[];
  isTrusted(cert: Certificate): boolean;
}

export interface Budget {
  /** Links evaluated (each costs a signature check unless cached). Go uses 100 signature checks. */
  readonly maxLinks: number;
  /** Certificates in one path, leaf and anchor included. webpki allows 6 sub-CAs; we allow 10. */
  readonly maxDepth: number;
  /** Complete failing paths explored only for diagnosis, once clean branches are exhausted. */
  readonly maxDiagnosticPaths: number;
}

export const DEFAULT_BUDGET: Budget = { maxLinks: 400, maxDepth: 12, maxDiagnosticPaths: 8 };

export interface PathSearch {
  /** The first clean anchored path, if any. */
  readonly valid: PathAttempt | null;
  /** Every complete path explored (clean or not), in the order found. */
  readonly attempts: readonly PathAttempt[];
  /** Why the search stopped early, when it did. */
  readonly budgetExceeded: BudgetLimit | null;
}

export interface PathSearchInput {
  readonly leaf: Certificate;
  readonly source: IssuerSource;
  readonly partialChain: boolean;
  /** Errors of using `issuer` to certify the top of `path` (signature, CA rules, dates, constraints). */
  readonly checkLink: (path: readonly Certificate[], issuer: Certificate) => Finding[];
  /** Candidate preference (higher first): lets a currently valid twin be tried before an expired one. */
  readonly preference?: (child: Certificate, candidate: Certificate) => number;
  readonly budget?: Budget;
}

/** A certificate may end a path as an anchor under the chosen verifier model. */
function isAnchor(cert: Certificate, source: IssuerSource, partialChain: boolean): boolean {
  if (!source.isTrusted(cert)) return false;
  if (partialChain) return true;
  // Strict (OpenSSL's default): the path must end at a self-issued certificate of the store. Like
  // OpenSSL, the anchor's own signature is not checked; key identifiers must not contradict.
  return cert.selfIssued && (!cert.authorityKeyId || !cert.subjectKeyId || cert.authorityKeyId === cert.subjectKeyId);
}

function inPath(path: readonly Certificate[], candidate: Certificate): boolean {
  // RFC 4158 §5.2: a certificate, or the same subject and key under another serial, ends a loop.
  return path.some(
    (c) => sameCertificate(c, candidate) || (c.subjectKey === candidate.subjectKey && sameKey(c.spkiDer, candidate.spkiDer)),
  );
}

function sameKey(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(a, b) === 0;
}

export function buildPaths(input: PathSearchInput): PathSearch {
  const budget = input.budget ?? DEFAULT_BUDGET;
  const attempts: PathAttempt[] = [];
  let links = 0;
  let diagnostic = 0;
  let valid: PathAttempt | null = null;
  let budgetExceeded: BudgetLimit | null = null;
  let depthExceeded: BudgetLimit | null = null;

  const record = (certs: readonly Certificate[], termination: Termination, findings: readonly Finding[]) => {
    const top = certs[certs.length - 1]!;
    const stopped = termination === "issuer-not-found" || termination === "partial-anchor";
    const attempt = { certs, termination, findings, loop: stopped && certs.some((c) => c.subjectKey === top.issuerKey) };
    attempts.push(attempt);
    if (findings.length > 0) diagnostic++;
    if (termination === "anchored" && findings.length === 0 && !valid) valid = attempt;
  };
  const stop = () => valid !== null || budgetExceeded !== null;

  const explore = (path: readonly Certificate[], findings: readonly Finding[]): void => {
    if (stop()) return;
    if (findings.length > 0 && diagnostic >= budget.maxDiagnosticPaths) return;
    const top = path[path.length - 1]!;
    if (isAnchor(top, input.source, input.partialChain)) return record(path, "anchored", findings);
    if (input.source.isTrusted(top)) record(path, "partial-anchor", findings);
    if (top.selfSigned && !input.source.isTrusted(top)) return record(path, "untrusted-root", findings);
    if (path.length >= budget.maxDepth) {
      // Not fatal: other, shorter branches may still lead to an anchor.
      depthExceeded = { kind: "depth", max: budget.maxDepth };
      return record(path, "budget", findings);
    }
    const candidates = input.source.issuersOf(top).filter((c) => !inPath(path, c));
    if (candidates.length === 0) {
      if (!input.source.isTrusted(top)) record(path, "issuer-not-found", findings);
      return;
    }
    const ordered = orderCandidates(top, candidates, input);
    // Clean links first: a path with an error can never become valid, so errorful branches are
    // explored afterwards and only as far as the diagnostic budget allows.
    const errorful: [Certificate, Finding[]][] = [];
    for (const candidate of ordered) {
      if (stop()) return;
      if (++links > budget.maxLinks) {
        budgetExceeded = { kind: "candidates", max: budget.maxLinks };
        return record(path, "budget", findings);
      }
      const linkFindings = input.checkLink(path, candidate);
      if (findings.length === 0 && linkFindings.length === 0) explore([...path, candidate], findings);
      else errorful.push([candidate, linkFindings]);
    }
    for (const [candidate, linkFindings] of errorful) {
      if (stop()) return;
      explore([...path, candidate], [...findings, ...linkFindings]);
    }
  };

  explore([input.leaf], []);
  return { valid, attempts, budgetExceeded: budgetExceeded ?? (valid ? null : depthExceeded) };
}

function orderCandidates(child: Certificate, candidates: readonly Certificate[], input: PathSearchInput): Certificate[] {
  // A byte-identical issuer name breaks ties: the path then also works in Go and rustls (ISSUER_NAME_NOT_EXACT).
  const score = (c: Certificate): number =>
    (input.source.isTrusted(c) ? 4 : 0) +
    (child.authorityKeyId && c.subjectKeyId ? (child.authorityKeyId === c.subjectKeyId ? 2 : -8) : 0) +
    (input.preference?.(child, c) ?? 0) +
    (child.issuerDer === c.subjectDer ? 0.5 : 0);
  return candidates
    .map((c, index) => ({ c, index, s: score(c) }))
    .sort((a, b) => b.s - a.s || a.index - b.index)
    .map((x) => x.c);
}

const TERMINATION_SCORE: Record<Termination, number> = {
  anchored: 4, "partial-anchor": 3, "untrusted-root": 2, "issuer-not-found": 1, budget: 0,
};

/** The attempt that best explains a failure: furthest towards an anchor, then fewest errors, then longest. */
export function bestAttempt(attempts: readonly PathAttempt[]): PathAttempt | null {
  let best: PathAttempt | null = null;
  for (const a of attempts) {
    if (
      !best ||
      TERMINATION_SCORE[a.termination] > TERMINATION_SCORE[best.termination] ||
      (TERMINATION_SCORE[a.termination] === TERMINATION_SCORE[best.termination] &&
        (a.findings.length < best.findings.length ||
          (a.findings.length === best.findings.length && a.certs.length > best.certs.length)))
    ) {
      best = a;
    }
  }
  return best;
}
