/**
 * The anchor advisor: which certificates to install in the client's trust store, in which role and
 * order, with the commands for the target OS, and proof by re-running the validation with them.
 * Pure: the caller supplies everything it knows (presented, held intermediates, AIA downloads).
 */
import type { Certificate, FileReorder, InstallItem, InstallSource, NameRecheck, Remediation, Service } from "../types.js";
import type { Finding } from "../findings/finding.js";
import { encodePem } from "../cert/pem.js";
import { validateChain, type TrustAnchors, type ValidateOptions, type Validation } from "../validate/validate.js";
import { PLATFORMS, type TargetOs } from "./platforms.js";
import { installSteps, serverSideSteps, type StepContext } from "./steps.js";
import { chosenSet, opensslProofWords, proofCandidates, type OpensslProofOutcome, type OpensslProofPlan } from "./openssl-proof.js";

export type { TargetOs } from "./platforms.js";

export interface AdviceInput {
  readonly presented: readonly Certificate[];
  readonly validation: Validation;
  readonly anchors: TrustAnchors;
  readonly options: Omit<ValidateOptions, "extraIntermediates">;
  /** Certificates the user holds (--intermediates, --aia downloads, Rserve's unsent file tail), and the client store's intermediates. */
  readonly held: readonly Certificate[];
  /** The intermediates the client's own store holds (Windows CA store, macOS System keychain): never to install. */
  readonly storeHeld?: readonly Certificate[];
  readonly service: Service | null;
  readonly targetOs: TargetOs;
  readonly context?: AdviceContext;
  /** The file's server certificate is not first: `presented` is already the corrected order. */
  readonly reorder?: FileReorder;
  /** The name checked was the probed target's, not one the certificate holds: check that name (--servername). */
  readonly recheck?: NameRecheck;
  /** OpenSSL's loopback checks of the plan this advice made (see `adviseWithPlan`). */
  readonly opensslProof?: OpensslProofOutcome;
}

/** What the advice may say about where certificates came from and what the user ran (all optional). */
export interface AdviceContext {
  /** SHA-256 -> URL of the held certificates that --aia downloaded. */
  readonly downloaded?: ReadonlyMap<string, string>;
  /** --aia was used (a published issuer that is still missing could not be downloaded). */
  readonly aia?: boolean;
  /** The input file, when it was one DER certificate (its own conversion to PEM can be shown). */
  readonly derFile?: string;
  /** --save-anchors writes the PEM files. */
  readonly savesAnchors?: boolean;
}

/** Errors an installed certificate can fix; every other error needs a reissue or a configuration change. */
const TRUST_CODES: ReadonlySet<string> = new Set(["ISSUER_NOT_FOUND", "UNTRUSTED_ROOT", "SELF_SIGNED", "PARTIAL_CHAIN_ANCHOR"]);

export function withAnchors(anchors: TrustAnchors, extra: readonly Certificate[]): TrustAnchors {
  const shas = new Set(extra.map((c) => c.sha256));
  return {
    description: `${anchors.description} + ${extra.length} certificate(s) to install`,
    named: (key) => [...anchors.named(key), ...extra.filter((c) => c.subjectKey === key && !anchors.contains(c))],
    contains: (cert) => anchors.contains(cert) || shas.has(cert.sha256),
  };
}

function roleOf(cert: Certificate, leaf: Certificate): InstallItem["role"] {
  if (cert.sha256 === leaf.sha256) return "leaf";
  return cert.selfSigned ? "root" : "intermediate";
}

/** Where a certificate came from; what the user gave outranks what the server sent, which outranks a download. */
function sourceOf(cert: Certificate, input: AdviceInput): InstallSource {
  const downloaded = input.context?.downloaded;
  if (input.held.some((c) => c.sha256 === cert.sha256) && !downloaded?.has(cert.sha256)) return "held";
  if (input.presented.some((c) => c.sha256 === cert.sha256)) return "presented";
  if (downloaded?.has(cert.sha256)) return "aia";
  return input.anchors.contains(cert) ? "store" : "held";
}

function itemOf(cert: Certificate, leaf: Certificate, input: AdviceInput): InstallItem {
  const role = roleOf(cert, leaf);
  const source = sourceOf(cert, input);
  const url = source === "aia" ? input.context?.downloaded?.get(cert.sha256) : undefined;
  return {
    role, subject: cert.subject, sha256: cert.sha256, pem: encodePem(cert.der), source,
    confirmOutOfBand: (role === "root" || cert.selfSigned) && (source === "presented" || source === "aia"),
    ...(url ? { downloadedFrom: url } : {}),
  };
}

/** An issuer chaincheck does not hold: name it, with its key id and where to get it. */
function missingItem(child: Certificate, leaf: Certificate): InstallItem {
  return {
    role: child.sha256 === leaf.sha256 ? "intermediate" : "root",
    subject: child.issuer,
    sha256: null,
    pem: null,
    source: "unknown",
    confirmOutOfBand: false,
    obtainFrom: child.caIssuers.length > 0 ? `the AIA caIssuers URL ${child.caIssuers.join(", ")}, or your CA administrator` : "your CA administrator",
    ...(child.caIssuers.length > 0 ? { publishedAt: child.caIssuers } : {}),
    ...(child.authorityKeyId ? { keyId: child.authorityKeyId } : {}),
  };
}

export function loopRootItem(top: Certificate): InstallItem {
  return {
    role: "root",
    subject: `self-signed root CA above ${top.subject}`,
    sha256: null,
    pem: null,
    source: "unknown",
    confirmOutOfBand: false,
    obtainFrom: "your CA administrator (the certificates presented only certify each other in a loop; none of them is a root)",
  };
}

/**
 * The advisor's answer, as data: what to install (and the steps that do it), the proof, and the findings no
 * installed certificate fixes (src/report renders them as `remediation.cannotFix`).
 */
export interface Advice extends Omit<Remediation, "cannotFix" | "cannotFixFindings"> {
  /** The error findings no installed certificate can fix (each says what to reissue or change). */
  readonly cannotFix: readonly Finding[];
}

export function emptyRemediation(targetOs: TargetOs, cannotFix: readonly Finding[] = []): Advice {
  return { install: [], steps: [], targetOs, partialChainInstall: [], verifiedAfterInstall: null, proof: null, serverSide: [], cannotFix };
}

/** Codes the advice answers with its own steps (anchors to install, the file order to fix). */
function answered(code: string, input: AdviceInput): boolean {
  return TRUST_CODES.has(code) || code === "PATH_BUDGET_EXCEEDED" || (code === "CHAIN_ORDER" && input.reorder !== undefined);
}

/** The errors no installed certificate can fix (the advice's own steps answer the rest). */
function cannotFixOf(input: AdviceInput): Finding[] {
  return input.validation.findings.filter((f) => f.severity === "error" && !answered(f.code, input));
}

export function advise(input: AdviceInput): Advice {
  return adviseWithPlan(input).remediation;
}

/** The advice, and what OpenSSL should be asked to confirm it (null when there is no proven what-if). */
export function adviseWithPlan(input: AdviceInput): { remediation: Advice; plan: OpensslProofPlan | null } {
  const { validation } = input;
  const cannotFix = cannotFixOf(input);
  const needsAnchors = !validation.trusted && validation.findings.some((f) => TRUST_CODES.has(f.code));
  const recheck = input.recheck ? { recheck: input.recheck } : {};
  if (!needsAnchors && !input.reorder) return { remediation: { ...emptyRemediation(input.targetOs, cannotFix), ...recheck }, plan: null };
  const advised = needsAnchors ? anchorsToInstall(input) : { install: [], partialChainInstall: [] };
  const { partialChainInstall } = advised;
  const proof = prove(input, advised.install, partialChainInstall);
  const plan = proof.path ? { chain: input.presented, candidates: proofCandidates(proof.installed, proof.path, (c) => input.anchors.contains(c)) } : null;
  const openssl = plan && input.opensslProof ? withOpenssl(input, plan, input.opensslProof, proof) : null;
  const install = openssl?.install ?? advised.install;
  const remediation: Advice = {
    install,
    steps: installSteps(install, partialChainInstall, PLATFORMS[input.targetOs], stepContext(input, validation)),
    targetOs: input.targetOs,
    partialChainInstall,
    verifiedAfterInstall: openssl?.verified ?? proof.verified,
    proof: openssl?.text ?? proof.text,
    serverSide: install.some((i) => i.role === "intermediate") ? serverSideSteps(input.service) : [],
    cannotFix,
    ...(input.reorder ? { reorder: input.reorder } : {}),
    ...recheck,
    ...(openssl ? { opensslProof: input.opensslProof!.checks } : {}),
  };
  return { remediation, plan };
}

const quotedNames = (certs: readonly { subject: string }[]) => (certs.length ? certs.map((c) => `"${c.subject}"`).join(" and ") : "the trust store as it is");

/**
 * OpenSSL's outcome folded into the advice: confirmed, or rejected with the set that satisfies both (re-checked by
 * chaincheck before it is named), or both verdicts when none does.
 */
function withOpenssl(
  input: AdviceInput, plan: OpensslProofPlan, outcome: OpensslProofOutcome, proof: Proof,
): { install: InstallItem[] | null; verified: boolean; text: string } {
  const advisedSet = plan.candidates[0]!.certificates;
  const pathSet = plan.candidates[1]?.certificates ?? advisedSet;
  let install: InstallItem[] | null = null;
  if (chosenSet(outcome) === "path") {
    const after = validateChain(input.presented, withAnchors(input.anchors, pathSet), { ...input.options, partialChain: false, extraIntermediates: input.held });
    if (after.trusted) install = [...pathSet].reverse().map((c) => itemOf(c, input.presented[0]!, input));
  }
  // An OpenSSL-only set chaincheck would not accept is no answer: then both verdicts on the advised set stand.
  const stated = install || chosenSet(outcome) !== "path" ? outcome : { ...outcome, checks: outcome.checks.slice(0, 1) };
  const words = opensslProofWords(stated, quotedNames(advisedSet), quotedNames(pathSet));
  return { install, verified: proof.verified && words.bothAgree, text: `${proof.text}${words.text}` };
}

/** The certificates the client lacks, in install order, and the smaller set partial-chain clients need. */
function anchorsToInstall(input: AdviceInput): { install: InstallItem[]; partialChainInstall: InstallItem[] } {
  const { presented, anchors, options } = input;
  const leaf = presented[0]!;
  const presentedShas = new Set(presented.map((c) => c.sha256));
  // What if every self-signed certificate we hold were trusted? The path that then reaches an
  // anchor tells which certificates the client lacks.
  const known = [...presented, ...input.held];
  const hypothetical = withAnchors(anchors, known.filter((c) => c.selfSigned));
  const strictOptions = { ...options, partialChain: false, extraIntermediates: input.held };
  const reach = validateChain(presented, hypothetical, strictOptions);
  const reached = reach.best?.certs ?? [leaf];
  const anchored = reach.best?.termination === "anchored";
  // Presented certificates need not be installed, except the root a path ends at (clients never
  // trust a root because the server sent it).
  const anchoredTop = anchored ? reached[reached.length - 1] : undefined;
  // Nor what the client's store already holds as an intermediate: the OS verifier builds from it.
  const inStore = new Set((input.storeHeld ?? []).map((c) => c.sha256));
  const needed = reached.filter((c) => !anchors.contains(c) && !inStore.has(c.sha256) && (!presentedShas.has(c.sha256) || c === anchoredTop));
  const install: InstallItem[] = needed.map((c) => itemOf(c, leaf, input)).reverse();
  if (!anchored) {
    const top = reached[reached.length - 1]!;
    if (reach.best?.termination === "issuer-not-found" || reach.best?.termination === "partial-anchor") {
      // The issuer's name is on the path already: the CAs only cross-certify each other.
      const loop = reached.some((c) => c.subjectKey === top.issuerKey);
      install.unshift(loop ? loopRootItem(top) : missingItem(top, leaf));
    }
  }
  const partialChainInstall = partialChainSet(reached, presentedShas, anchors, install.length).map((c) => itemOf(c, leaf, input));
  return { install, partialChainInstall };
}

function stepContext(input: AdviceInput, validation: Validation): StepContext {
  const derFile = input.context?.derFile;
  return {
    chainKind: validation.chainKind,
    aiaUsed: input.context?.aia === true,
    derFile: derFile ? { path: derFile, sha256: input.presented[0]!.sha256 } : null,
    savesAnchors: input.context?.savesAnchors === true,
  };
}

/** Partial-chain clients accept any trusted certificate: the lowest one the server does not send is enough. */
function partialChainSet(
  reached: readonly Certificate[], presentedShas: ReadonlySet<string>, anchors: TrustAnchors, strictCount: number,
): Certificate[] {
  const lowest = reached.slice(1).find((c) => !presentedShas.has(c.sha256) && !anchors.contains(c));
  return lowest && strictCount > 1 ? [lowest] : [];
}

interface Proof {
  readonly verified: boolean;
  readonly text: string;
  /** The certificates the what-if added to the store, and the path it then validated (null unless verified). */
  readonly installed: readonly Certificate[];
  readonly path: readonly Certificate[] | null;
}

function prove(input: AdviceInput, install: readonly InstallItem[], partial: readonly InstallItem[]): Proof {
  const missing = install.filter((i) => i.pem === null);
  if (missing.length > 0) {
    return {
      verified: false,
      installed: [],
      path: null,
      text: `Not proven yet: chaincheck does not hold ${missing.map((i) => `"${i.subject}"`).join(", ")}; ${
        missing.some((i) => i.publishedAt) && input.context?.aia !== true ? "run chaincheck again with --aia to download what its AIA URL publishes, or " : ""
      }run chaincheck again with --intermediates FILE once you have it.`,
    };
  }
  const certs = [...input.presented, ...input.held];
  const toInstall = install.map((i) => certs.find((c) => c.sha256 === i.sha256)!);
  const after = validateChain(input.presented, withAnchors(input.anchors, toInstall), {
    ...input.options, partialChain: false, extraIntermediates: input.held,
  });
  const installing = install.length > 0 ? `installing ${install.map((i) => `"${i.subject}"`).join(" and ")}` : "";
  const reordering = input.reorder ? "writing the file in the corrected order" : "";
  const names = [reordering, installing].filter(Boolean).join(" and ");
  const target = input.options.host ?? "this chain";
  if (after.trusted) {
    const partialOk = partial.length > 0 && validateChain(input.presented, withAnchors(input.anchors, partial.map((i) => certs.find((c) => c.sha256 === i.sha256)!)), {
      ...input.options, partialChain: true, extraIntermediates: [],
    }).trusted;
    const partialText = partialOk ? ` Partial-chain clients only would also accept ${partial.map((i) => `"${i.subject}"`).join("")} alone.` : "";
    return {
      verified: true, installed: toInstall, path: after.path,
      text: `After ${names}, the chain validates for ${target} (re-checked by chaincheck, strict model).${partialText}`,
    };
  }
  const remaining = after.findings.filter((f) => f.severity === "error").map((f) => f.code);
  return {
    verified: false,
    installed: toInstall,
    path: null,
    text: `After ${names}, the chain still fails for ${target}: ${[...new Set(remaining)].join(", ")}. Fix ${remaining.length > 1 ? "these" : "this"} too (see "What to do").`,
  };
}
