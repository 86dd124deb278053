/**
 * `chaincheck demo`: a private CA, a TabPy-like server (leaf + intermediate) and an Rserve-like
 * server (leaf only) on loopback, each diagnosed against a store holding only the demo root.
 * Exit 0 when both verdicts come out as designed (TabPy trusted; Rserve leaf-only with proven advice).
 */
import { parseCertificate } from "../cert/parse.js";
import { createDemoPki } from "../demo/pki.js";
import { startRserveLikeServer, startTabpyLikeServer, type RunningServer } from "../demo/servers.js";
import { decodeCertificates } from "../input/decode.js";
import { judgeLiveTarget } from "../app/live-target.js";
import { probe } from "../probe/probe.js";
import { parseTarget } from "../probe/target.js";
import { TrustStore } from "../trust/store.js";
import { trustAnchors } from "../validate/anchors.js";
import { detectTargetOs } from "../advise/detect-os.js";
import type { ChainResult } from "../result/verdict.js";
import { EXIT } from "./exit-code.js";
import type { CliIo } from "./io.js";
import { emitResults } from "./output.js";
import { VERSION } from "./version.js";
import { reportResult } from "../report/document.js";

const DEMO_TIMEOUT_MS = 5000;

export async function executeDemo(flags: { color: boolean; format: string }, io: CliIo): Promise<number> {
  const now = io.now();
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
    const settings = { anchors, at: now, partialChain: false, warnDays: 30, targetOs: detectTargetOs(), opensslComparable: true, aia: false, sendCredentialsUntrusted: false };
    const check = async (port: number, held: typeof intermediate[]): Promise<ChainResult> => {
      const options = { timeoutMs: DEMO_TIMEOUT_MS, service: "auto" as const, ca: store.pems() };
      const outcome = await probe(parseTarget(`127.0.0.1:${port}`), options);
      return reportResult(await judgeLiveTarget(outcome, "127.0.0.1", options, { ...settings, heldIntermediates: held }));
    };
    // The administrator holds the demo CA's intermediate (as from the CA administrator): the advice
    // for the leaf-only Rserve can then name it, and the what-if can prove it.
    const results = [await check(tabpy.port, []), await check(rserve.port, [intermediate])];
    io.stderr(`chaincheck demo: TabPy-like server on 127.0.0.1:${tabpy.port} (sends leaf + intermediate), Rserve-like server on 127.0.0.1:${rserve.port} (sends the leaf only), trust store: ${description}\n\n`);
    await emitResults(results, { format: flags.format === "json" ? "json" : "text", color: flags.color }, io, VERSION);
    const [tabpyResult, rserveResult] = results;
    const asDesigned =
      tabpyResult!.trusted && tabpyResult!.service === "tabpy" &&
      !rserveResult!.trusted && rserveResult!.service === "rserve" && rserveResult!.chainKind === "leaf-only" &&
      rserveResult!.remediation.verifiedAfterInstall === true;
    if (!asDesigned) io.stderr("chaincheck demo: the results differ from what the demo expects (see above)\n");
    return asDesigned ? EXIT.ok : EXIT.failed;
  } finally {
    await Promise.all(servers.map((s) => s.close()));
  }
}
