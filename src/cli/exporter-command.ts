/**
 * `chaincheck exporter --listen 127.0.0.1:9793`: parse the options once, load the trust store once, serve until
 * SIGTERM or SIGINT, then shut down cleanly (probes in flight answer first) and exit 0.
 */
import { detectTargetOs } from "../advise/detect-os.js";
import { loadTrust } from "../app/trust.js";
import { liveCheck } from "../app/exporter-check.js";
import { startExporter } from "../exporter/server.js";
import { BadRequest, isLoopback, parseListen, type ListenAddress } from "../exporter/request.js";
import { EXIT } from "./exit-code.js";
import type { CliIo } from "./io.js";
import { parseCount, UsageError } from "./options.js";
import { policyOptions } from "./verify-command.js";
import { VERSION } from "./version.js";

export interface ExporterFlags {
  listen: string;
  caFile: string[];
  partialChain?: boolean;
  warnDays: string;
  minDays?: string;
  expectIssuer?: string;
  expectFingerprint: string[];
  timeout: string;
  concurrency: string;
}

/** Resolves with the name of the first of SIGTERM / SIGINT the process receives. */
export function processSignals(): Promise<string> {
  return new Promise((resolve) => {
    const signals = ["SIGTERM", "SIGINT"] as const;
    const handlers = signals.map((name) => {
      const handler = () => {
        signals.forEach((s, i) => process.off(s, handlers[i]!));
        resolve(name);
      };
      process.on(name, handler);
      return handler;
    });
  });
}

function listenAddress(value: string): ListenAddress {
  try {
    return parseListen(value);
  } catch (err) {
    if (err instanceof BadRequest) throw new UsageError(`--listen: ${err.message}`);
    throw err;
  }
}

export async function executeExporter(flags: ExporterFlags, io: CliIo, stopRequested: () => Promise<string> = processSignals): Promise<number> {
  const listen = listenAddress(flags.listen);
  const policy = policyOptions({ ...flags, expectSameChain: false });
  const warnDays = parseCount("--warn-days", flags.warnDays, 0, 36500);
  const timeoutMs = parseCount("--timeout", flags.timeout, 100, 600_000);
  const concurrency = parseCount("--concurrency", flags.concurrency, 1, 1024);
  const trust = await loadTrust(flags.caFile, {}, io.host);
  let exporter;
  try {
    exporter = await startExporter({
      listen, timeoutMs, concurrency,
      check: liveCheck({ trust, warnDays, policy, partialChain: flags.partialChain === true, targetOs: detectTargetOs(io.host) }),
      trustStoreSize: trust.store.size,
      version: VERSION,
      nodeVersion: process.versions.node,
      log: (line) => io.stderr(`chaincheck exporter: ${line}\n`),
    });
  } catch (err) {
    throw new UsageError(`--listen: cannot listen on ${flags.listen} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const stop = stopRequested();
  io.stderr(`chaincheck exporter ${VERSION}: listening on ${exporter.url} (trust: ${trust.store.source.description}; at most ${concurrency} probes at once, ${timeoutMs} ms each)\n`);
  if (!isLoopback(listen.host)) {
    io.stderr(`chaincheck exporter: ${listen.host} is not a loopback address: whoever reaches ${exporter.url} can make this machine connect to any host:port\n`);
  }
  const signal = await stop;
  io.stderr(`chaincheck exporter: ${signal}: stopping (${exporter.stats().inFlight} probes in flight)\n`);
  await exporter.close();
  io.stderr("chaincheck exporter: stopped\n");
  return EXIT.ok;
}
