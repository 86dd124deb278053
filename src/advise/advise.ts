/**
 * The anchor advisor: which certificates to install in the client's trust store, in which role and
 * order, with the commands for the target OS, and proof by re-running the validation with them.
 * Pure: the caller supplies everything it knows (presented, held intermediates, AIA downloads).
 */
import type { Certificate, Finding, InstallItem, Remediation, Service } from "../types.js";
import { encodePem } from "../cert/pem.js";
import { validateChain, type TrustAnchors, type ValidateOptions, type Validation } from "../validate/validate.js";
import { PLATFORMS, type TargetOs } from "./platforms.js";
import { installSteps, serverSideSteps } from "./steps.js";

export type { TargetOs } from "./platforms.js";

export interface AdviceInput {
  readonly presented: readonly Certificate[];
  readonly validation: Validation;
  readonly anchors: TrustAnchors;
  readonly options: Omit<ValidateOptions, "extraIntermediates">;
  /** Certificates the user holds (--intermediates, --aia downloads, Rserve's unsent file tail). */
  readonly held: readonly Certificate[];
  readonly service: Service | null;
  readonly targetOs: TargetOs;
  readonly inputWasDer: boolean;
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

function itemOf(cert: Certificate, leaf: Certificate): InstallItem {
  return { role: roleOf(cert, leaf), subject: cert.subject, sha256: cert.sha256, pem: encodePem(cert.der) };
}

/** An issuer chaincheck does not hold: name it, with its key id and where to get it. */
function missingItem(child: Certificate, leaf: Certificate): InstallItem {
  return {
    role: child.sha256 === leaf.sha256 ? "intermediate" : "root",
    subject: child.issuer,
    sha256: null,
    pem: null,
    obtainFrom: child.caIssuers.length > 0 ? `the AIA caIssuers URL ${child.caIssuers.join(", ")}, or your CA administrator` : "your CA administrator",
    ...(child.authorityKeyId ? { keyId: child.authorityKeyId } : {}),
  };
}

export function loopRootItem(top: Certificate): InstallItem {
  return {
    role: "root",
    subject: `self-signed root CA above ${top.subject}`,
    sha256: null,
    pem: null,
    obtainFrom: "your CA administrator (the certificates presented only certify each other in a loop; none of them is a root)",
  };
}

export function emptyRemediation(targetOs: TargetOs, cannotFix: string[] = []): Remediation {
  return { install: [], steps: [], targetOs, partialChainInstall: [], verifiedAfterInstall: null, proof: null, serverSide: [], cannotFix };
}

function describeCannotFix(findings: readonly Finding[]): string[] {
  return findings
    .filter((f) => f.severity === "error" && !TRUST_CODES.has(f.code) && f.code !== "PATH_BUDGET_EXCEEDED")
    .map((f) => `${f.code}: ${f.remediation}`);
}

export function advise(input: AdviceInput): Remediation {
  const { presented, validation, anchors, options } = input;
  const cannotFix = describeCannotFix(validation.findings);
  if (validation.trusted || !validation.findings.some((f) => TRUST_CODES.has(f.code))) {
    return emptyRemediation(input.targetOs, cannotFix);
  }
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
  const needed = reached.filter((c) => !anchors.contains(c) && (!presentedShas.has(c.sha256) || c === anchoredTop));
  const install: InstallItem[] = needed.map((c) => itemOf(c, leaf)).reverse();
  if (!anchored) {
    const top = reached[reached.length - 1]!;
    if (reach.best?.termination === "issuer-not-found" || reach.best?.termination === "partial-anchor") {
      // The issuer's name is on the path already: the CAs only cross-certify each other.
      const loop = reached.some((c) => c.subjectKey === top.issuerKey);
      install.unshift(loop ? loopRootItem(top) : missingItem(top, leaf));
    }
  }
  const partialChainInstall = partialChainSet(reached, presentedShas, anchors, leaf, install.length);
  const proof = prove(input, install, partialChainInstall);
  const platform = PLATFORMS[input.targetOs];
  return {
    install,
    steps: installSteps(install, partialChainInstall, platform, input.inputWasDer, validation.chainKind),
    targetOs: input.targetOs,
    partialChainInstall,
    verifiedAfterInstall: proof.verified,
    proof: proof.text,
    serverSide: install.some((i) => i.role === "intermediate") ? serverSideSteps(input.service) : [],
    cannotFix,
  };
}

/** Partial-chain clients accept any trusted certificate: the lowest one the server does not send is enough. */
function partialChainSet(
  reached: readonly Certificate[], presentedShas: ReadonlySet<string>, anchors: TrustAnchors, leaf: Certificate, strictCount: number,
): InstallItem[] {
  const lowest = reached.slice(1).find((c) => !presentedShas.has(c.sha256) && !anchors.contains(c));
  return lowest && strictCount > 1 ? [itemOf(lowest, leaf)] : [];
}

function prove(input: AdviceInput, install: readonly InstallItem[], partial: readonly InstallItem[]): { verified: boolean; text: string } {
  const missing = install.filter((i) => i.pem === null);
  if (missing.length > 0) {
    return {
      verified: false,
      text: `Not proven yet: chaincheck does not hold ${missing.map((i) => `"${i.subject}"`).join(", ")}; once you have it, run chaincheck again with --intermediates FILE (or --ca-file) to prove the fix.`,
    };
  }
  const certs = [...input.presented, ...input.held];
  const toInstall = install.map((i) => certs.find((c) => c.sha256 === i.sha256)!);
  const after = validateChain(input.presented, withAnchors(input.anchors, toInstall), {
    ...input.options, partialChain: false, extraIntermediates: input.held,
  });
  const names = install.map((i) => `"${i.subject}"`).join(" and ");
  const target = input.options.host ?? "this chain";
  if (after.trusted) {
    const partialOk = partial.length > 0 && validateChain(input.presented, withAnchors(input.anchors, partial.map((i) => certs.find((c) => c.sha256 === i.sha256)!)), {
      ...input.options, partialChain: true, extraIntermediates: [],
    }).trusted;
    const partialText = partialOk ? ` Partial-chain clients only would also accept ${partial.map((i) => `"${i.subject}"`).join("")} alone.` : "";
    return { verified: true, text: `After installing ${names}, the chain validates for ${target} (re-checked by chaincheck, strict model).${partialText}` };
  }
  const remaining = after.findings.filter((f) => f.severity === "error").map((f) => f.code);
  return {
    verified: false,
    text: `After installing ${names}, the chain still fails for ${target}: ${[...new Set(remaining)].join(", ")}. Fix ${remaining.length > 1 ? "these" : "this"} too (see below).`,
  };
}
