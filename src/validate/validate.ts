/**
 * Chain validation: presented certificates + trust anchors + time -> verdict and findings.
 * Pure: time, trust and the verifier model are parameters (Go `VerifyOptions`, webpki `build(&ee, time)`).
 */
import type { Certificate, ChainKind } from "../types.js";
import type { Finding } from "../findings/finding.js";
import { dedupeFindings, headlineOf, makeFinding, sortFindings } from "../findings/finding.js";
import { distinctCertificates, sameCertificate } from "../cert/identity.js";
import { verifySignature } from "../cert/signature.js";
import { bestAttempt, buildPaths, DEFAULT_BUDGET, type Budget, type IssuerSource, type PathAttempt, type PathSearch } from "./path-builder.js";
import { checkExpiringSoon } from "./checks/dates.js";
import { checkIssued } from "./checks/issued.js";
import { checkLink } from "./checks/issuer.js";
import { checkLeaf } from "./checks/leaf.js";
import { checkSignatureStrength } from "./checks/strength.js";
import { issuerReachable, presentationFindings } from "./checks/presentation.js";

/** The trust anchors a validation uses (the system store or `--ca-file`s), parsed lazily. */
export interface TrustAnchors {
  /** e.g. "system store /etc/ssl/certs/ca-certificates.crt (144 certificates)". */
  readonly description: string;
  /** Every usable anchor whose normalised subject Name (`Certificate.subjectKey`) equals `subjectKey`. */
  named(subjectKey: string): readonly Certificate[];
  /** Store certificates under that name that cannot be decoded (never anchors; reported when a path needed them). */
  unreadable?(subjectKey: string): readonly Certificate[];
  /** Is this exact certificate (same DER) an anchor? */
  contains(cert: Certificate): boolean;
}

export interface ValidateOptions {
  /** The name the client connects to (DNS name or IP); null skips the check (HOSTNAME_NOT_CHECKED). */
  readonly host: string | null;
  /** Validation time. */
  readonly at: Date;
  /** Partial-chain model (Go, Java, GnuTLS, curl): any trusted certificate ends a path. */
  readonly partialChain: boolean;
  /** EXPIRING_SOON threshold in days. */
  readonly warnDays: number;
  /** Certificates the user holds but the server does not send (advisor what-ifs, `--intermediates`). */
  readonly extraIntermediates?: readonly Certificate[];
  /**
   * Certificates the user holds that the client lacks (not path candidates here): a presented certificate reached only
   * through them is on the path the advice installs them for, so it is never called extra.
   */
  readonly heldForAdvice?: readonly Certificate[];
  readonly budget?: Budget;
}

export interface Validation {
  readonly chainKind: ChainKind;
  readonly trusted: boolean;
  /** The path from the leaf to a certificate of the trust store (valid or not); null when none was reached. */
  readonly path: readonly Certificate[] | null;
  /** The path that best explains the verdict (for reports), whatever its end. */
  readonly best: PathAttempt | null;
  readonly findings: readonly Finding[];
  readonly headline: Finding | null;
  readonly search: PathSearch;
}

export function chainKindOf(presented: readonly Certificate[]): ChainKind {
  if (presented.length > 1) return "full";
  return presented[0]!.selfSigned ? "self-signed" : "leaf-only";
}

/** `skipped` collects the trust store's undecodable certificates a lookup met (they are never candidates). */
function issuerSource(pool: readonly Certificate[], anchors: TrustAnchors, skipped: Map<string, Certificate>): IssuerSource {
  const bySubject = new Map<string, Certificate[]>();
  for (const cert of pool) bySubject.set(cert.subjectKey, [...(bySubject.get(cert.subjectKey) ?? []), cert]);
  return {
    // Trust store copies come first, so a presented twin of a trusted certificate is not used twice.
    issuersOf: (cert) => {
      for (const bad of anchors.unreadable?.(cert.issuerKey) ?? []) skipped.set(bad.sha256, bad);
      return distinctCertificates([...anchors.named(cert.issuerKey), ...(bySubject.get(cert.issuerKey) ?? [])]);
    },
    isTrusted: (cert) => anchors.contains(cert),
  };
}

const isReadable = (cert: Certificate) => cert.unreadable === undefined;

/**
 * Certificates that could not be decoded: presented ones are errors (a client cannot load them, so the
 * handshake fails); held and trust-store ones were merely not used.
 */
function unreadableFindings(presented: readonly Certificate[], held: readonly Certificate[], storeSkipped: Iterable<Certificate>): Finding[] {
  const why = (c: Certificate) => c.unreadable ?? "";
  return [
    ...presented.filter((c) => !isReadable(c)).map((c) => makeFinding("MALFORMED_CERTIFICATE", c, { defects: [why(c)], unreadable: true })),
    ...held.filter((c) => !isReadable(c)).map((c) => makeFinding("UNREADABLE_CERTIFICATE", c, { reason: why(c), source: "held" })),
    ...[...storeSkipped].map((c) => makeFinding("UNREADABLE_CERTIFICATE", c, { reason: why(c), source: "trust store" })),
  ];
}

/** UNREADABLE_CERTIFICATE for each certificate the user holds (never presented) that cannot be decoded. */
export function unreadableHeldFindings(held: readonly Certificate[]): Finding[] {
  return unreadableFindings([], held, []);
}

/**
 * What a certificate tells on its own when its issuer link is missing (issuer not found): the rules a link
 * would have checked on it as the child (its signature algorithm, the issued-certificate profile), so a
 * leaf-only SHA-1 chain says WEAK_SIGNATURE_ALGORITHM beside ISSUER_NOT_FOUND.
 */
function unlinkedFindings(top: Certificate, isLeaf: boolean): Finding[] {
  return [...checkSignatureStrength(top), ...checkIssued(top, isLeaf)];
}

/** ISSUER_NAME_NOT_EXACT for each link of `path` whose names match only once normalised (Go, rustls fail there). */
function inexactNameFindings(path: readonly Certificate[]): Finding[] {
  return path.slice(1).flatMap((issuer, i) => {
    const child = path[i]!;
    return child.issuerDer === issuer.subjectDer ? [] : [makeFinding("ISSUER_NAME_NOT_EXACT", child, { issuer: issuer.subject, issuerSha256: issuer.sha256 })];
  });
}

function signatureCache(): (subject: Certificate, issuer: Certificate) => boolean {
  const cache = new Map<string, boolean>();
  return (subject, issuer) => {
    const key = `${subject.sha256}/${issuer.sha256}`;
    let ok = cache.get(key);
    if (ok === undefined) cache.set(key, (ok = verifySignature(subject, issuer.spkiDer)));
    return ok;
  };
}

function terminationFinding(attempt: PathAttempt | null, leaf: Certificate, anchors: TrustAnchors): Finding | null {
  const store = anchors.description;
  const top = attempt ? attempt.certs[attempt.certs.length - 1]! : leaf;
  switch (attempt?.termination ?? "issuer-not-found") {
    case "anchored":
      return null;
    case "partial-anchor":
      return makeFinding("PARTIAL_CHAIN_ANCHOR", top, { store });
    case "untrusted-root":
      return sameCertificate(top, leaf) ? makeFinding("SELF_SIGNED", top, { store }) : makeFinding("UNTRUSTED_ROOT", top, { store });
    case "budget":
      return null; // reported from the search's own reason
    case "issuer-not-found":
      return makeFinding("ISSUER_NOT_FOUND", top, {
        issuer: top.issuer,
        ...(top.authorityKeyId ? { keyId: top.authorityKeyId } : {}),
        caIssuers: top.caIssuers,
        store,
      });
  }
}

/** Validates `presented` (leaf first, in wire order) against `anchors`. */
export function validateChain(presented: readonly Certificate[], anchors: TrustAnchors, options: ValidateOptions): Validation {
  const leaf = presented[0];
  if (!leaf) throw new Error("validateChain: no certificate");
  const held = options.extraIntermediates ?? [];
  const storeSkipped = new Map<string, Certificate>();
  if (!isReadable(leaf)) {
    // Nothing to build a path from: the report names the certificate and why it cannot be read.
    const findings = sortFindings(dedupeFindings(unreadableFindings(presented, held, [])));
    const search = { valid: null, attempts: [], budgetExceeded: null };
    return { chainKind: chainKindOf(presented), trusted: false, path: null, best: null, findings, headline: headlineOf(findings), search };
  }
  // Certificate times have one-second granularity (RFC 5280 §4.1.2.5): compare at that granularity,
  // so a certificate is valid during the whole second of its notAfter (x509-limbo notafter-fractional).
  const at = new Date(Math.floor(options.at.getTime() / 1000) * 1000);
  const pool = distinctCertificates([...presented.slice(1), ...held]).filter((c) => !sameCertificate(c, leaf) && isReadable(c));
  const source = issuerSource(pool, anchors, storeSkipped);
  const signatureValid = signatureCache();
  const linkContext = { at, isTrusted: source.isTrusted, signatureValid };
  const search = buildPaths({
    leaf,
    source,
    partialChain: options.partialChain,
    checkLink: (path, issuer) => checkLink(path, issuer, linkContext),
    // Prefer candidates valid now: an expired cross-sign twin is tried after the current one.
    preference: (_child, c) => (at >= c.notBefore && at <= c.notAfter ? 1 : 0),
    ...(options.budget ? { budget: options.budget } : {}),
  });
  const best = search.valid ?? bestAttempt(search.attempts);
  const path = best?.termination === "anchored" || best?.termination === "partial-anchor" ? best.certs : null;

  const findings: Finding[] = [...checkLeaf(leaf, options.host, at), ...(best?.findings ?? [])];
  const termination = terminationFinding(best, leaf, anchors);
  if (termination) findings.push(termination);
  if (termination?.code === "ISSUER_NOT_FOUND") {
    const top = best ? best.certs[best.certs.length - 1]! : leaf;
    findings.push(...unlinkedFindings(top, sameCertificate(top, leaf)));
  }
  findings.push(...inexactNameFindings(best?.certs ?? [leaf]), ...unreadableFindings(presented, held, storeSkipped.values()));
  if (!search.valid && !options.partialChain) {
    // Strict model: say so when partial-chain clients would accept a clean path to a trusted non-root.
    const partial = search.attempts.find((a) => a.termination === "partial-anchor" && a.findings.length === 0);
    if (partial) findings.push(makeFinding("PARTIAL_CHAIN_ANCHOR", partial.certs[partial.certs.length - 1]!, { store: anchors.description }));
  }
  if (search.budgetExceeded && !search.valid) findings.push(makeFinding("PATH_BUDGET_EXCEEDED", null, { limit: search.budgetExceeded }));
  // A link through an expired or not yet valid certificate is no client's path: such a certificate stays extra.
  const usableLink = (child: Certificate, issuer: Certificate) => at >= issuer.notBefore && at <= issuer.notAfter && signatureValid(child, issuer);
  const maxLinks = (options.budget ?? DEFAULT_BUDGET).maxLinks;
  // Only a complete search lets presentation judge extras: after a stopped one, no second walk over the same chain.
  const complete = best?.termination !== "budget";
  const reachable = presented.length > 1 && complete ? issuerReachable(leaf, source.issuersOf, usableLink, maxLinks) : null;
  const heldPool = distinctCertificates([...pool, ...(options.heldForAdvice ?? [])]).filter((c) => !sameCertificate(c, leaf) && isReadable(c));
  const viaHeld = reachable && heldPool.length > pool.length
    ? issuerReachable(leaf, issuerSource(heldPool, anchors, new Map()).issuersOf, usableLink, maxLinks)
    : reachable;
  findings.push(...presentationFindings(presented, best?.certs ?? [leaf], complete, reachable, viaHeld));
  for (const cert of best?.certs ?? [leaf]) findings.push(...checkExpiringSoon(cert, at, options.warnDays));

  const all = sortFindings(dedupeFindings(findings));
  const trusted = search.valid !== null && !all.some((f) => f.severity === "error");
  return { chainKind: chainKindOf(presented), trusted, path, best, findings: all, headline: headlineOf(all), search };
}
