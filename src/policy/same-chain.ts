/**
 * `--expect-same-chain`: every target must present the same chain (same certificates, same order). The chain most
 * targets present is the reference (ties: the earliest target's); each target that differs gets CHAIN_DIFFERS (an
 * error) saying how. Targets that could not be checked (status "error") take no part. Pure.
 */
import type { ChainDifference, NamedCert } from "../findings/codes.js";
import { distinctCertificates, sameCertificate } from "../cert/identity.js";
import { makeFinding } from "../findings/finding.js";
import type { ChainVerdict, PresentedCertificate } from "../result/verdict.js";
import { withPolicyFindings } from "./apply.js";

const chainKey = (result: ChainVerdict): string => result.presented.map((c) => c.sha256).join(",");

const named = (c: PresentedCertificate): NamedCert => ({ subject: c.subject, sha256: c.sha256 });


/** How `mine` differs from `reference`: leaf, missing and extra certificates, order or repeats. */
export function chainDifference(mine: readonly PresentedCertificate[], reference: readonly PresentedCertificate[]): ChainDifference {
  const [myLeaf, ...myRest] = mine;
  const [theirLeaf, ...theirRest] = reference;
  const mineSet = new Set(myRest.map((c) => c.sha256));
  const theirSet = new Set(theirRest.map((c) => c.sha256));
  const missing = distinctCertificates(theirRest).filter((c) => !mineSet.has(c.sha256)).map(named);
  const extra = distinctCertificates(myRest).filter((c) => !theirSet.has(c.sha256)).map(named);
  const leaf = myLeaf && theirLeaf && !sameCertificate(myLeaf, theirLeaf) ? { mine: named(myLeaf), theirs: named(theirLeaf) } : undefined;
  const same = !leaf && missing.length === 0 && extra.length === 0;
  const sameCertificates = !same
    ? undefined
    : mine.length === reference.length
      ? { kind: "order" as const, mine: mine.map((c) => c.subject), theirs: reference.map((c) => c.subject) }
      : { kind: "repeated" as const };
  return { ...(leaf ? { leaf } : {}), missing, extra, ...(sameCertificates ? { sameCertificates } : {}), sent: { mine: mine.length, theirs: reference.length } };
}

/** Adds CHAIN_DIFFERS to each result whose presented chain is not the majority chain; input order is kept. */
export function checkSameChain(results: readonly ChainVerdict[]): ChainVerdict[] {
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
      difference: chainDifference(r.presented, reference.presented),
    });
    return withPolicyFindings(r, [finding]);
  });
}
