/**
 * `chaincheck demo`: a private CA, a TabPy-like server (leaf + intermediate) and an Rserve-like server (leaf only)
 * on loopback, each diagnosed against a store holding only the demo root. The servers always stop. I/O (loopback).
 */
import type { TargetOs } from "../advise/platforms.js";
import { parseCertificate } from "../cert/parse.js";
import { createDemoPki } from "../demo/pki.js";
import { startRserveLikeServer, startTabpyLikeServer, type RunningServer } from "../demo/servers.js";
import { decodeCertificates } from "../input/decode.js";
import { probe } from "../probe/probe.js";
import { parseTarget } from "../probe/target.js";
import { reportResult } from "../report/document.js";
import type { ChainResult } from "../result/verdict.js";
import { TrustStore } from "../trust/store.js";
import { trustAnchors } from "../validate/anchors.js";
import { judgeLiveTarget } from "./live-target.js";

const DEMO_TIMEOUT_MS = 5000;

export interface DemoRun {
  /** The TabPy-like result, then the Rserve-like one. */
  readonly results: readonly [ChainResult, ChainResult];
  readonly ports: { readonly tabpy: number; readonly rserve: number };
  /** The store's description as the results name it. */
  readonly trustStore: string;
  /** Both verdicts came out as designed (TabPy trusted; Rserve leaf-only with proven advice). */
  readonly asDesigned: boolean;
}

export async function runDemo(now: Date, targetOs: TargetOs): Promise<DemoRun> {
  const pki = await createDemoPki(now);
  const parsePem = async (pem: string) => parseCertificate((await decodeCertificates(Buffer.from(pem))).certificates[0]!);
  const root = await parsePem(pki.rootPem);
  const intermediate = await parsePem(pki.intermediatePem);
  const description = "temporary store holding only the demo root (1 certificate)";
  const store = new TrustStore({ kind: "files", description, paths: [] }, [root.der]);
  const anchors = trustAnchors(store);
  const servers: RunningServer[] = [];
  try {
    const tabpy = await startTabpyLikeServer({ certPem: pki.leafPem + pki.intermediatePem, keyPem: pki.leafKeyPem });
    servers.push(tabpy);
    const rserve = await startRserveLikeServer({ certPem: pki.leafPem, keyPem: pki.leafKeyPem });
    servers.push(rserve);
    const settings = { anchors, at: now, partialChain: false, warnDays: 30, targetOs, opensslComparable: true, aia: false, sendCredentialsUntrusted: false };
    const check = async (port: number, held: typeof intermediate[]): Promise<ChainResult> => {
      const options = { timeoutMs: DEMO_TIMEOUT_MS, service: "auto" as const, ca: store.pems() };
      const outcome = await probe(parseTarget(`127.0.0.1:${port}`), options);
      return reportResult(await judgeLiveTarget(outcome, "127.0.0.1", options, { ...settings, heldIntermediates: held }));
    };
    // The administrator holds the demo CA's intermediate (as from the CA administrator): the advice
    // for the leaf-only Rserve can then name it, and the what-if can prove it.
    const tabpyResult = await check(tabpy.port, []);
    const rserveResult = await check(rserve.port, [intermediate]);
    const asDesigned =
      tabpyResult.trusted && tabpyResult.service === "tabpy" &&
      !rserveResult.trusted && rserveResult.service === "rserve" && rserveResult.chainKind === "leaf-only" &&
      rserveResult.remediation.verifiedAfterInstall === true;
    return { results: [tabpyResult, rserveResult], ports: { tabpy: tabpy.port, rserve: rserve.port }, trustStore: description, asDesigned };
  } finally {
    await Promise.all(servers.map((s) => s.close()));
  }
}
