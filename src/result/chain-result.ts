/**
 * One chain, one verdict: validation + advice assembled into the `ChainVerdict` every command returns.
 * Pure: the caller brings certificates, anchors and time.
 */
import type { Certificate, FileReorder, NameRecheck, Service } from "../types.js";
import { checkHostname, namesOf } from "../validate/hostname.js";
import { parseIp } from "../cert/ip.js";
import { reorderCommand, type BundleOrder } from "./presentation.js";
import { dedupeFindings, headlineOf, makeFinding, sortFindings } from "../findings/finding.js";
import { adviseWithPlan, type AdviceContext, type TargetOs } from "../advise/advise.js";
import type { OpensslProofOutcome, OpensslProofPlan } from "../advise/openssl-proof.js";
import { describeCertificate, statusOf, withFindings, type BundleInfo, type ChainVerdict, type PathCertificate } from "./verdict.js";
import { unreadableHeldFindings, validateChain, type TrustAnchors, type ValidateOptions, type Validation } from "../validate/validate.js";

/** The validation questions (`host`, `at`, `partialChain`, `warnDays`) mean what they mean to `validateChain`. */
export interface CheckInput extends Pick<ValidateOptions, "host" | "at" | "partialChain" | "warnDays"> {
  readonly target: string;
  readonly service: Service | null;
  /** What the server presents, leaf first, in wire order. */
  readonly presented: readonly Certificate[];
  readonly anchors: TrustAnchors;
  /** Certificates the user holds (never counted as presented): used for advice and the what-if. */
  readonly heldIntermediates?: readonly Certificate[];
  /** Intermediates of the client's own store (Windows CA, macOS System keychain): held, and used by validation too. */
  readonly storeIntermediates?: readonly Certificate[];
  readonly targetOs: TargetOs;
  /** Where held certificates came from and what the user ran, for the wording of the advice. */
  readonly advice?: AdviceContext;
  /** `verify`: the input files and their order (see `serverPresentation`). */
  readonly bundle?: BundleInput;
  /** Live: `host` is the probed target itself (no --servername), so a name mismatch may only mean the wrong name was checked. */
  readonly hostFromTarget?: boolean;
  /** OpenSSL's loopback checks of the plan a first evaluation returned. */
  readonly opensslProof?: OpensslProofOutcome;
}

export interface BundleInput {
  /** FILE, then the --chain files, as given. */
  readonly paths: readonly string[];
  readonly format: string;
  readonly order: BundleOrder;
  /** The certificates of the input the server does not send. */
  readonly unsent: readonly Certificate[];
}

/** The server's certificate is not first in the file: CHAIN_ORDER (error), judged on the corrected order. */
function withFileOrder(validation: Validation, input: CheckInput): { validation: Validation; reorder: FileReorder | null } {
  const order = input.bundle?.order;
  if (!order || order.endEntityAt === null) return { validation, reorder: null };
  const reorder = { leafPosition: order.endEntityAt, order: order.positions, command: reorderCommand(input.bundle!.paths) };
  const finding = makeFinding("CHAIN_ORDER", input.presented[0]!, { position: order.endEntityAt, leafAt: order.endEntityAt, order: order.positions, command: reorder.command });
  const findings = sortFindings(dedupeFindings([...validation.findings, finding]));
  // The file as it stands cannot be served: never trusted, whatever the corrected order would be.
  return { validation: { ...validation, findings, trusted: false, headline: headlineOf(findings) }, reorder };
}

/**
 * A live check of an IP or an alias the certificate does not cover: the mismatch may be the probe's, not Tableau's.
 * The finding then says to check the certificate's name with --servername, besides reissuing.
 */
function withNameRecheck(validation: Validation, input: CheckInput): { validation: Validation; recheck: NameRecheck | null } {
  const leaf = input.presented[0]!;
  const dns = leaf.san?.dns ?? [];
  const index = validation.findings.findIndex((f) => f.code === "HOSTNAME_MISMATCH");
  if (!input.hostFromTarget || !input.host || index < 0 || dns.length === 0) return { validation, recheck: null };
  const servername = dns.find((n) => !n.startsWith("*.")) ?? `NAME${dns[0]!.slice(1)}`;
  const host = input.host;
  const finding = makeFinding("HOSTNAME_MISMATCH", leaf, {
    host, names: namesOf(leaf), cnOnly: checkHostname(leaf, host).cnOnly, rerun: { servername, ip: parseIp(host) !== null },
  });
  const findings = validation.findings.map((f, i) => (i === index ? finding : f));
  return { validation: { ...validation, findings, headline: headlineOf(findings) }, recheck: { checked: host, servername } };
}

function bundleInfo(bundle: BundleInput): BundleInfo {
  return {
    format: bundle.format,
    reordered: bundle.order.endEntityAt !== null,
    order: bundle.order.certificates.map((c, i) => ({ position: bundle.order.positions[i]!, sha256: c.sha256 })),
    unsent: bundle.unsent.map(describeCertificate),
  };
}

export function checkChain(input: CheckInput): ChainVerdict {
  return evaluateChain(input).result;
}

/**
 * The result, and what OpenSSL should be asked to confirm the what-if (null when nothing is proven). The caller runs
 * the loopback check (I/O) and evaluates again with its outcome in `opensslProof`.
 */
export function evaluateChain(input: CheckInput): { result: ChainVerdict; plan: OpensslProofPlan | null } {
  const options = { host: input.host, at: input.at, partialChain: input.partialChain, warnDays: input.warnDays };
  const storeHeld = input.storeIntermediates ?? [];
  const heldForAdvice = input.heldIntermediates ?? [];
  const ordered = withFileOrder(validateChain(input.presented, input.anchors, { ...options, extraIntermediates: storeHeld, heldForAdvice }), input);
  const { validation, recheck } = withNameRecheck(ordered.validation, input);
  const reorder = ordered.reorder;
  const { remediation, plan } = adviseWithPlan({
    presented: input.presented,
    validation,
    anchors: input.anchors,
    options,
    held: [...(input.heldIntermediates ?? []), ...storeHeld],
    storeHeld,
    service: input.service,
    targetOs: input.targetOs,
    ...(input.advice ? { context: input.advice } : {}),
    ...(reorder ? { reorder } : {}),
    ...(recheck ? { recheck } : {}),
    ...(input.opensslProof ? { opensslProof: input.opensslProof } : {}),
  });
  const presentedShas = new Set(input.presented.map((c) => c.sha256));
  const pathCert = (c: Certificate): PathCertificate => ({
    sha256: c.sha256,
    subject: c.subject,
    notAfter: c.notAfter.toISOString(),
    source: presentedShas.has(c.sha256) ? "presented" : input.anchors.contains(c) ? "store" : "held",
  });
  const result: ChainVerdict = {
    target: input.target,
    service: input.service,
    host: input.host,
    chainKind: validation.chainKind,
    presented: input.presented.map(describeCertificate),
    path: validation.path ? validation.path.map((c) => c.sha256) : null,
    builtPath: validation.best
      ? { certificates: validation.best.certs.map(pathCert), end: validation.best.termination, ...(validation.best.loop ? { loop: true as const } : {}) }
      : null,
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
    ...(input.bundle ? { bundle: bundleInfo(input.bundle) } : {}),
  };
  // Held certificates do not decide the verdict, but one that cannot be read is named (a finding on it).
  return { result: withFindings(result, unreadableHeldFindings(input.heldIntermediates ?? [])), plan };
}
