/**
 * `chaincheck exporter --listen 127.0.0.1:9793`: parse the options once, load the trust store once, serve until
 * SIGTERM or SIGINT, then shut down cleanly (probes in flight answer first) and exit 0.
 */
import { ListenError, serveExporter } from "../app/exporter.js";
import type { CliDeps } from "./deps.js";
import { BadRequest, isLoopback, parseListen, type ListenAddress } from "../exporter/request.js";
import { EXIT } from "./exit-code.js";
import type { CliIo } from "./io.js";
import { parseCount, UsageError } from "./options.js";
import { policyOptions } from "./settings.js";
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

export async function executeExporter(flags: ExporterFlags, io: CliIo, deps: CliDeps, stopRequested: () => Promise<string> = processSignals): Promise<number> {
  const listen = listenAddress(flags.listen);
  const policy = policyOptions({ ...flags, expectSameChain: false });
  const warnDays = parseCount("--warn-days", flags.warnDays, 0, 36500);
  const timeoutMs = parseCount("--timeout", flags.timeout, 100, 600_000);
  const concurrency = parseCount("--concurrency", flags.concurrency, 1, 1024);
  const command = {
    listen, timeoutMs, concurrency, caFiles: flags.caFile, partialChain: flags.partialChain === true, warnDays, policy, targetOs: deps.detectOs(),
    version: VERSION, nodeVersion: process.versions.node,
  };
  try {
    await serveExporter(command, deps.loadTrust, {
      log: (line) => io.stderr(`chaincheck exporter: ${line}\n`),
      stopRequested,
      onListening: (url, trustStore) => {
        io.stderr(`chaincheck exporter ${VERSION}: listening on ${url} (trust: ${trustStore}; at most ${concurrency} probes at once, ${timeoutMs} ms each)\n`);
        if (!isLoopback(listen.host)) {
          io.stderr(`chaincheck exporter: ${listen.host} is not a loopback address: whoever reaches ${url} can make this machine connect to any host:port\n`);
        }
      },
      onStopping: (reason, inFlight) => io.stderr(`chaincheck exporter: ${reason}: stopping (${inFlight} probes in flight)\n`),
    });
  } catch (err) {
    if (err instanceof ListenError) throw new UsageError(`--listen: cannot listen on ${flags.listen} (${err.code})`);
    throw err;
  }
  io.stderr("chaincheck exporter: stopped\n");
  return EXIT.ok;
}
