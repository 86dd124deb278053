/**
 * The anchor advisor: which certificates to install in the client's trust store, in which role and
 * order, and proof by re-running the validation with them. Pure and wordless: the caller supplies everything
 * it knows (presented, held intermediates, AIA downloads); src/words/advice.ts says it (steps, commands, proof).
 */
import type { Certificate, ChainKind, FileReorder, InstallSource, NameRecheck, OpensslProofCheck, Service } from "../types.js";
import type { FindingCode } from "../findings/codes.js";
import type { Finding } from "../findings/finding.js";
import { encodePem } from "../cert/pem.js";
import { sameCertificate, shaSet } from "../cert/identity.js";
import { validateChain, type TrustAnchors, type ValidateOptions, type Validation } from "../validate/validate.js";
import type { TargetOs } from "./platforms.js";
import { chosenSet, opensslAgrees, proofCandidates, type OpensslProofOutcome, type OpensslProofPlan } from "./openssl-proof.js";

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

/** Where a certificate to install sits on the path. */
export type InstallRole = "root" | "intermediate" | "leaf";

/**
 * A certificate the client must install, as the advisor decided it. `certificate`: chaincheck holds it (PEM);
 * `missing`: an issuer it does not hold, named by the certificate it issued; `loop-root`: the root above CAs that
 * only certify each other in a loop (no name to give).
 */
export type AdvisedCertificate =
  | {
    readonly kind: "certificate"; readonly role: InstallRole; readonly subject: string; readonly sha256: string; readonly pem: string;
    readonly source: Exclude<InstallSource, "unknown">;
    /** A root or self-signed certificate whose only source is the server or an AIA download. */
    readonly confirmOutOfBand: boolean;
    readonly downloadedFrom?: string;
  }
  | {
    readonly kind: "missing"; readonly role: "intermediate" | "root"; readonly subject: string; readonly sha256: null; readonly pem: null;
    readonly source: "unknown"; readonly confirmOutOfBand: false;
    /** AIA caIssuers URLs of the certificate it issued. */
    readonly publishedAt?: readonly string[];
    readonly keyId?: string;
  }
  | {
    readonly kind: "loop-root"; readonly role: "root"; readonly sha256: null; readonly pem: null; readonly source: "unknown"; readonly confirmOutOfBand: false;
    /** The subject of the top certificate of the loop. */
    readonly above: string;
  };

/** What the install steps say about the run besides the certificates. */
export interface StepContext {
  readonly chainKind: ChainKind;
  /** --aia was used: a published issuer was tried already. */
  readonly aiaUsed: boolean;
  /** The input file when it was DER, with the SHA-256 of its certificate (it can be converted as is). */
  readonly derFile: { readonly path: string; readonly sha256: string } | null;
  /** --save-anchors writes the PEM files: no conversion step is needed for what chaincheck holds. */
  readonly savesAnchors: boolean;
}

/** What re-running the validation with the advice showed (src/words/advice.ts says it). */
export type Proof =
  /** The what-if cannot run: chaincheck does not hold these certificates (`aiaHint`: --aia could fetch one). */
  | { readonly kind: "not-held"; readonly missing: readonly AdvisedCertificate[]; readonly aiaHint: boolean }
  | {
    readonly kind: "verified";
    readonly reordered: boolean;
    /** Subjects of the certificates installed in the what-if. */
    readonly installed: readonly string[];
    /** The host name validated, or null (none given). */
    readonly host: string | null;
    /** Partial-chain clients alone would accept this smaller set (subjects). */
    readonly partialAlone: readonly string[] | null;
    /** OpenSSL's loopback checks of the same what-if, when they ran. */
    readonly openssl?: OpensslStatement;
  }
  | {
    readonly kind: "still-fails"; readonly reordered: boolean; readonly installed: readonly string[]; readonly host: string | null;
    /** The error codes of the what-if (a code once per finding). */
    readonly remaining: readonly FindingCode[];
  };

/** OpenSSL's outcome as the proof states it, with the two anchor sets by subject. */
export interface OpensslStatement {
  readonly outcome: OpensslProofOutcome;
  readonly advised: readonly string[];
  readonly path: readonly string[];
}

/**
 * The advisor's answer, as data: what to install, the proof, and the findings no installed certificate fixes.
 * src/report/document.ts words it (`remediation` in the JSON report).
 */
export interface Advice {
  readonly install: readonly AdvisedCertificate[];
  readonly targetOs: TargetOs;
  readonly partialChainInstall: readonly AdvisedCertificate[];
  /** What-if: the chain validates once `install` is added to the store (null: nothing to install). */
  readonly verifiedAfterInstall: boolean | null;
  readonly proof: Proof | null;
  /** The server could send the intermediates instead of every client installing them. */
  readonly serverSide: boolean;
  /** The error findings no installed certificate can fix (each says what to reissue or change). */
  readonly cannotFix: readonly Finding[];
  /** What the steps need beyond the certificates; null when there is nothing to install. */
  readonly context: StepContext | null;
  readonly reorder?: FileReorder;
  readonly recheck?: NameRecheck;
  readonly opensslProof?: readonly OpensslProofCheck[];
}

export function withAnchors(anchors: TrustAnchors, extra: readonly Certificate[]): TrustAnchors {
  const shas = shaSet(extra);
  return {
    description: `${anchors.description} + ${extra.length} certificate(s) to install`,
    named: (key) => [...anchors.named(key), ...extra.filter((c) => c.subjectKey === key && !anchors.contains(c))],
    contains: (cert) => anchors.contains(cert) || shas.has(cert.sha256),
  };
}

function roleOf(cert: Certificate, leaf: Certificate): InstallRole {
  if (sameCertificate(cert, leaf)) return "leaf";
  return cert.selfSigned ? "root" : "intermediate";
}

/** Where a certificate came from; what the user gave outranks what the server sent, which outranks a download. */
function sourceOf(cert: Certificate, input: AdviceInput): Exclude<InstallSource, "unknown"> {
  const downloaded = input.context?.downloaded;
  if (input.held.some((c) => sameCertificate(c, cert)) && !downloaded?.has(cert.sha256)) return "held";
  if (input.presented.some((c) => sameCertificate(c, cert))) return "presented";
  if (downloaded?.has(cert.sha256)) return "aia";
  return input.anchors.contains(cert) ? "store" : "held";
}

function itemOf(cert: Certificate, leaf: Certificate, input: AdviceInput): AdvisedCertificate {
  const role = roleOf(cert, leaf);
  const source = sourceOf(cert, input);
  const url = source === "aia" ? input.context?.downloaded?.get(cert.sha256) : undefined;
  return {
    kind: "certificate", role, subject: cert.subject, sha256: cert.sha256, pem: encodePem(cert.der), source,
    confirmOutOfBand: (role === "root" || cert.selfSigned) && (source === "presented" || source === "aia"),
    ...(url ? { downloadedFrom: url } : {}),
  };
}

/** An issuer chaincheck does not hold: named by the certificate it issued, with its key id and where it is published. */
function missingItem(child: Certificate, leaf: Certificate): AdvisedCertificate {
  return {
    kind: "missing",
    role: sameCertificate(child, leaf) ? "intermediate" : "root",
    subject: child.issuer,
    sha256: null,
    pem: null,
    source: "unknown",
    confirmOutOfBand: false,
    ...(child.caIssuers.length > 0 ? { publishedAt: child.caIssuers } : {}),
    ...(child.authorityKeyId ? { keyId: child.authorityKeyId } : {}),
  };
}

function loopRootItem(top: Certificate): AdvisedCertificate {
  return { kind: "loop-root", role: "root", above: top.subject, sha256: null, pem: null, source: "unknown", confirmOutOfBand: false };
}

export function emptyRemediation(targetOs: TargetOs, cannotFix: readonly Finding[] = []): Advice {
  return { install: [], targetOs, partialChainInstall: [], verifiedAfterInstall: null, proof: null, serverSide: false, cannotFix, context: null };
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
  const tried = prove(input, advised.install, partialChainInstall);
  const plan = tried.path ? { chain: input.presented, candidates: proofCandidates(tried.installed, tried.path, (c) => input.anchors.contains(c)) } : null;
  const openssl = plan && input.opensslProof ? withOpenssl(input, plan, input.opensslProof) : null;
  const install = openssl?.install ?? advised.install;
  const proof: Proof = openssl && tried.proof.kind === "verified" ? { ...tried.proof, openssl: openssl.statement } : tried.proof;
  const remediation: Advice = {
    install,
    targetOs: input.targetOs,
    partialChainInstall,
    verifiedAfterInstall: tried.proof.kind === "verified" && (!openssl || opensslAgrees(openssl.statement.outcome)),
    proof,
    serverSide: install.some((i) => i.role === "intermediate"),
    cannotFix,
    context: install.length > 0 ? stepContext(input, validation) : null,
    ...(input.reorder ? { reorder: input.reorder } : {}),
    ...recheck,
    ...(openssl ? { opensslProof: input.opensslProof!.checks } : {}),
  };
  return { remediation, plan };
}

const subjects = (certs: readonly { subject: string }[]): string[] => certs.map((c) => c.subject);

/**
 * OpenSSL's outcome folded into the advice: confirmed, or rejected with the set that satisfies both (re-checked by
 * chaincheck before it is named), or both verdicts when none does.
 */
function withOpenssl(input: AdviceInput, plan: OpensslProofPlan, outcome: OpensslProofOutcome): { install: AdvisedCertificate[] | null; statement: OpensslStatement } {
  const advisedSet = plan.candidates[0]!.certificates;
  const pathSet = plan.candidates[1]?.certificates ?? advisedSet;
  let install: AdvisedCertificate[] | null = null;
  if (chosenSet(outcome) === "path") {
    const after = validateChain(input.presented, withAnchors(input.anchors, pathSet), { ...input.options, partialChain: false, extraIntermediates: input.held });
    if (after.trusted) install = [...pathSet].reverse().map((c) => itemOf(c, input.presented[0]!, input));
  }
  // An OpenSSL-only set chaincheck would not accept is no answer: then both verdicts on the advised set stand.
  const stated = install || chosenSet(outcome) !== "path" ? outcome : { ...outcome, checks: outcome.checks.slice(0, 1) };
  return { install, statement: { outcome: stated, advised: subjects(advisedSet), path: subjects(pathSet) } };
}

/** The certificates the client lacks, in install order, and the smaller set partial-chain clients need. */
function anchorsToInstall(input: AdviceInput): { install: AdvisedCertificate[]; partialChainInstall: AdvisedCertificate[] } {
  const { presented, anchors, options } = input;
  const leaf = presented[0]!;
  const presentedShas = shaSet(presented);
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
  const inStore = shaSet(input.storeHeld ?? []);
  const needed = reached.filter((c) => !anchors.contains(c) && !inStore.has(c.sha256) && (!presentedShas.has(c.sha256) || (anchoredTop !== undefined && sameCertificate(c, anchoredTop))));
  const install: AdvisedCertificate[] = needed.map((c) => itemOf(c, leaf, input)).reverse();
  if (!anchored) {
    const top = reached[reached.length - 1]!;
    if (reach.best?.termination === "issuer-not-found" || reach.best?.termination === "partial-anchor") {
      // The issuer's name is on the path already: the CAs only cross-certify each other.
      install.unshift(reach.best.loop ? loopRootItem(top) : missingItem(top, leaf));
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

interface Tried {
  readonly proof: Proof;
  /** The certificates the what-if added to the store, and the path it then validated (null unless verified). */
  readonly installed: readonly Certificate[];
  readonly path: readonly Certificate[] | null;
}

function prove(input: AdviceInput, install: readonly AdvisedCertificate[], partial: readonly AdvisedCertificate[]): Tried {
  const missing = install.filter((i) => i.kind !== "certificate");
  if (missing.length > 0) {
    const aiaHint = missing.some((i) => i.kind === "missing" && i.publishedAt) && input.context?.aia !== true;
    return { proof: { kind: "not-held", missing, aiaHint }, installed: [], path: null };
  }
  const certs = [...input.presented, ...input.held];
  const held = (items: readonly AdvisedCertificate[]) => items.map((i) => certs.find((c) => c.sha256 === i.sha256)!);
  const toInstall = held(install);
  const after = validateChain(input.presented, withAnchors(input.anchors, toInstall), {
    ...input.options, partialChain: false, extraIntermediates: input.held,
  });
  const done = { reordered: input.reorder !== undefined, installed: subjects(toInstall), host: input.options.host };
  if (after.trusted) {
    const partialOk = partial.length > 0 && validateChain(input.presented, withAnchors(input.anchors, held(partial)), {
      ...input.options, partialChain: true, extraIntermediates: [],
    }).trusted;
    return { proof: { kind: "verified", ...done, partialAlone: partialOk ? subjects(held(partial)) : null }, installed: toInstall, path: after.path };
  }
  const remaining = after.findings.filter((f) => f.severity === "error").map((f) => f.code);
  return { proof: { kind: "still-fails", ...done, remaining }, installed: toInstall, path: null };
}
