/**
 * How the server presents its chain, judged against the path that was built and every other issuer path from the
 * leaf: leaf only, order, extras, cross-certificates, duplicates and a presented root. Positions in messages count
 * from 1 (the leaf).
 */
import type { Certificate } from "../../types.js";
import type { Finding } from "../../findings/finding.js";
import { makeFinding } from "../../findings/finding.js";
import { sameCertificate } from "../../cert/identity.js";

/**
 * The certificates on some issuer path from the leaf, whatever its end (a trusted anchor, another anchor, a missing
 * issuer): breadth-first over `issuersOf`, a link counted only when `signs` (the issuer's key verifies the child's
 * signature, and the issuer is valid at the validation time). Null when more than `maxLinks` links would be checked (then nothing is called extra).
 */
export function issuerReachable(
  leaf: Certificate, issuersOf: (cert: Certificate) => readonly Certificate[], signs: (child: Certificate, issuer: Certificate) => boolean, maxLinks: number,
): Set<string> | null {
  const reached = new Set([leaf.sha256]);
  const queue = [leaf];
  let links = 0;
  for (let child = queue.shift(); child; child = queue.shift()) {
    for (const issuer of issuersOf(child)) {
      if (reached.has(issuer.sha256) || sameCertificate(issuer, child)) continue;
      if (++links > maxLinks) return null;
      const keyIdsAgree = !child.authorityKeyId || !issuer.subjectKeyId || child.authorityKeyId === issuer.subjectKeyId;
      if (!keyIdsAgree || !signs(child, issuer)) continue;
      reached.add(issuer.sha256);
      queue.push(issuer);
    }
  }
  return reached;
}

/**
 * `path` is the path that was built; `complete` is false when the search stopped early (no extras judged).
 * `reachable` is `issuerReachable`'s answer (undefined: the built path alone); `viaHeld` the same with the certificates
 * the user holds for the advice (a presented certificate above a held, unsent intermediate is what the advice's path
 * uses once that intermediate is installed: no finding, never removal). A presented certificate is extra only
 * when it is on no issuer path at all: a cross-certificate that leads to another anchor is what clients trusting that
 * anchor build through (the older root of a re-rooted CA), so removing it would break them; it gets CROSS_CERTIFICATE,
 * an info note naming who needs it, and never removal advice.
 * A certificate that could not be decoded is left to its MALFORMED_CERTIFICATE finding (positions still count it).
 */
export function presentationFindings(
  presented: readonly Certificate[], path: readonly Certificate[], complete = true, reachable?: ReadonlySet<string> | null,
  viaHeld: ReadonlySet<string> | null | undefined = reachable,
): Finding[] {
  const out: Finding[] = [];
  const leaf = presented[0]!;
  if (presented.length === 1 && !leaf.selfSigned) out.push(makeFinding("LEAF_ONLY", leaf, {}));

  const positions = new Map<string, number[]>();
  presented.forEach((c, i) => positions.set(c.sha256, [...(positions.get(c.sha256) ?? []), i + 1]));
  const onPath = new Set(path.map((c) => c.sha256));
  const onSomePath = (c: Certificate) => onPath.has(c.sha256) || reachable?.has(c.sha256) === true;
  const judged = complete && reachable !== null && viaHeld !== null;
  const firsts: { cert: Certificate; position: number }[] = [];
  for (const [i, cert] of presented.entries()) {
    const seen = positions.get(cert.sha256)!;
    if (seen[0] !== i + 1 || cert.unreadable !== undefined) continue;
    firsts.push({ cert, position: i + 1 });
    if (seen.length > 1) out.push(makeFinding("DUPLICATE_CERTIFICATE", cert, { positions: seen }));
    if (i === 0) continue;
    // A self-signed root is never needed on the wire, on whichever path it sits: clients use their own copy.
    if (onSomePath(cert) && cert.selfSigned) out.push(makeFinding("ROOT_PRESENTED", cert, { position: i + 1 }));
    else if (onSomePath(cert) && !onPath.has(cert.sha256)) {
      if (judged) out.push(makeFinding("CROSS_CERTIFICATE", cert, { position: i + 1, issuer: cert.issuer }));
    } else if (!onSomePath(cert) && judged && viaHeld?.has(cert.sha256) !== true) out.push(makeFinding("EXTRA_CERTIFICATE", cert, { position: i + 1 }));
  }

  // RFC 5246 §7.4.2: each certificate certifies one sent before it. Checked for the certificates the
  // path uses (extras are reported as such); a cross-sign twin that certifies the same child is in order.
  for (const { cert, position } of firsts.slice(1)) {
    if (!onPath.has(cert.sha256)) continue;
    const certifiesEarlier = presented.slice(0, position - 1).some((c) => c.issuerKey === cert.subjectKey);
    if (!certifiesEarlier) out.push(makeFinding("CHAIN_ORDER", cert, { position }));
  }
  return out;
}
