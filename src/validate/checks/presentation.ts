/**
 * How the server presents its chain, judged against the path that was built: leaf only, order,
 * extras, duplicates and a presented root. Positions in messages count from 1 (the leaf).
 */
import type { Certificate } from "../../types.js";
import type { Finding } from "../../findings/finding.js";
import { makeFinding } from "../../findings/finding.js";

/**
 * `path` is the path that was built; `complete` is false when the search stopped early (no extras judged).
 * A certificate that could not be decoded is left to its MALFORMED_CERTIFICATE finding (positions still count it).
 */
export function presentationFindings(presented: readonly Certificate[], path: readonly Certificate[], complete = true): Finding[] {
  const out: Finding[] = [];
  const leaf = presented[0]!;
  if (presented.length === 1 && !leaf.selfSigned) out.push(makeFinding("LEAF_ONLY", leaf, {}));

  const positions = new Map<string, number[]>();
  presented.forEach((c, i) => positions.set(c.sha256, [...(positions.get(c.sha256) ?? []), i + 1]));
  const onPath = new Set(path.map((c) => c.sha256));
  const firsts: { cert: Certificate; position: number }[] = [];
  for (const [i, cert] of presented.entries()) {
    const seen = positions.get(cert.sha256)!;
    if (seen[0] !== i + 1 || cert.unreadable !== undefined) continue;
    firsts.push({ cert, position: i + 1 });
    if (seen.length > 1) out.push(makeFinding("DUPLICATE_CERTIFICATE", cert, { positions: seen }));
    if (i === 0) continue;
    if (!onPath.has(cert.sha256)) {
      if (complete) out.push(makeFinding("EXTRA_CERTIFICATE", cert, { position: i + 1 }));
    }
    else if (cert.selfSigned) out.push(makeFinding("ROOT_PRESENTED", cert, { position: i + 1 }));
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
