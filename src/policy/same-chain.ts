/**
 * `--expect-same-chain`: every target must present the same chain (same certificates, same order). The chain most
 * targets present is the reference (ties: the earliest target's); each target that differs gets CHAIN_DIFFERS (an
 * error) saying how. Targets that could not be checked (status "error") take no part. Pure.
 */
import { makeFinding, nameCert } from "../findings/finding.js";
import type { ChainResult, PresentedCertificate } from "../result.js";
import { withPolicyFindings } from "./apply.js";

const chainKey = (result: ChainResult): string => result.presented.map((c) => c.sha256).join(",");

function names(certs: readonly PresentedCertificate[]): string {
  return certs.map(nameCert).join(", ");
}

/** How `mine` differs from `reference`, in words: leaf, missing and extra certificates, order or repeats. */
export function describeChainDifference(mine: readonly PresentedCertificate[], reference: readonly PresentedCertificate[]): string {
  const parts: string[] = [];
  const [myLeaf, ...myRest] = mine;
  const [theirLeaf, ...theirRest] = reference;
  if (myLeaf && theirLeaf && myLeaf.sha256 !== theirLeaf.sha256) {
    parts.push(`its leaf is ${nameCert(myLeaf)} where theirs is ${nameCert(theirLeaf)}`);
  }
  const mineSet = new Set(myRest.map((c) => c.sha256));
  const theirSet = new Set(theirRest.map((c) => c.sha256));
  const missing = theirRest.filter((c, i) => !mineSet.has(c.sha256) && theirRest.findIndex((x) => x.sha256 === c.sha256) === i);
  const extra = myRest.filter((c, i) => !theirSet.has(c.sha256) && myRest.findIndex((x) => x.sha256 === c.sha256) === i);
  if (missing.length > 0) parts.push(`it does not send ${names(missing)}`);
  if (extra.length > 0) parts.push(`it also sends ${names(extra)}`);
  if (parts.length === 0) {
    parts.push(mine.length === reference.length
      ? `the same certificates in another order (${mine.map((c) => `"${c.subject}"`).join(" > ")} instead of ${reference.map((c) => `"${c.subject}"`).join(" > ")})`
      : `the same certificates, ${mine.length} sent instead of ${reference.length} (a certificate is repeated)`);
  }
  parts.push(`it sends ${mine.length} certificate(s), they send ${reference.length}`);
  return parts.join("; ");
}

/** Adds CHAIN_DIFFERS to each result whose presented chain is not the majority chain; input order is kept. */
export function checkSameChain(results: readonly ChainResult[]): ChainResult[] {
  const groups = new Map<string, number[]>();
  results.forEach((r, i) => {
    if (r.status === "error" || r.presented.length === 0) return;
    const key = chainKey(r);
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  if (groups.size <= 1) return [...results];
  let referenceGroup: number[] = [];
  for (const members of groups.values()) if (members.length > referenceGroup.length) referenceGroup = members;
  const reference = results[referenceGroup[0]!]!;
  const referenceKey = chainKey(reference);
  return results.map((r) => {
    if (r.status === "error" || r.presented.length === 0 || chainKey(r) === referenceKey) return r;
    const finding = makeFinding("CHAIN_DIFFERS", r.presented[0]!, {
      reference: reference.target,
      others: referenceGroup.length,
      difference: describeChainDifference(r.presented, reference.presented),
    });
    return withPolicyFindings(r, [finding]);
  });
}
