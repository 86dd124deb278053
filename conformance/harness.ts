/**
 * Runs one limbo SERVER testcase through chaincheck's public `verifyChain` API, with limbo's
 * semantics: every trusted certificate is an anchor (partial chain), the testcase's validation time
 * (null = now), its expected peer name (none = no host check), serverAuth always required (chaincheck
 * always requires it). `untrusted_intermediates` are a pool, not an order: they are passed as the
 * certificates presented after the leaf, and only error findings / `trusted` decide the verdict, so
 * CHAIN_ORDER / EXTRA_CERTIFICATE warnings never fail a testcase.
 */
import { verifyChain } from "../src/index.js";
import type { LimboActual, LimboOutcome, LimboTestcase } from "./limbo.js";
import { skipReason } from "./profile.js";

/** What one testcase gave, for the table, the LimboResult file and the known-failures check. */
export interface CaseOutcome {
  readonly id: string;
  readonly expected: LimboOutcome;
  readonly actual: LimboActual;
  /** Skip reason, chaincheck's headline and error codes, or the input error. */
  readonly context: string;
  /** chaincheck's headline code (null for a trusted chain or a skip). */
  readonly headline: string | null;
  readonly ms: number;
}

/** The peer name as verifyChain's `host` (IPv6 in brackets is accepted too; limbo gives it bare). */
function hostOf(tc: LimboTestcase): string | undefined {
  const peer = tc.expected_peer_name;
  return peer && (peer.kind === "DNS" || peer.kind === "IP") ? peer.value : undefined;
}

/** One testcase's outcome; a skipped testcase is not run (its reason is the context). */
export async function runTestcase(tc: LimboTestcase, now: Date = new Date()): Promise<CaseOutcome> {
  const base = { id: tc.id, expected: tc.expected_result };
  const skip = skipReason(tc);
  if (skip) return { ...base, actual: "SKIPPED", context: skip, headline: null, ms: 0 };
  const started = performance.now();
  const host = hostOf(tc);
  try {
    const result = await verifyChain({
      leaf: tc.peer_certificate,
      intermediates: tc.untrusted_intermediates,
      anchors: tc.trusted_certs,
      at: tc.validation_time ? new Date(tc.validation_time) : now,
      partialChain: true,
      ...(host !== undefined ? { host } : {}),
    });
    const errors = result.findings.filter((f) => f.severity === "error").map((f) => f.code);
    const actual = result.trusted && errors.length === 0 ? "SUCCESS" : "FAILURE";
    const context = actual === "SUCCESS" ? "trusted" : `${result.headline ?? "untrusted"}: ${[...new Set(errors)].join(", ")}`;
    return { ...base, actual, context, headline: actual === "SUCCESS" ? null : result.headline, ms: performance.now() - started };
  } catch (err) {
    // verifyChain documents InputError (and CertificateParseError) for input it cannot read: a TLS
    // client rejects a handshake whose certificates do not decode.
    const e = err as Error;
    if (e?.name !== "InputError" && e?.name !== "CertificateParseError") throw err;
    return { ...base, actual: "FAILURE", context: `${e.name}: ${e.message}`, headline: e.name, ms: performance.now() - started };
  }
}

/** Every outcome in file order, and the wall time of the whole run. */
export interface SuiteRun {
  readonly outcomes: CaseOutcome[];
  readonly totalMs: number;
}

/** Runs testcases one after another (the validator is synchronous CPU work; order is the file's). */
export async function runSuite(testcases: readonly LimboTestcase[], now: Date = new Date()): Promise<SuiteRun> {
  const started = performance.now();
  const outcomes: CaseOutcome[] = [];
  for (const tc of testcases) outcomes.push(await runTestcase(tc, now));
  return { outcomes, totalMs: performance.now() - started };
}
