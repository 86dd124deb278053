/** The exporter's own metrics (`/metrics`): what it has done since start-up, and how loaded it is. Pure. */
import type { MetricFamily } from "../report/exposition.js";
import { buildInfoFamily } from "../report/openmetrics.js";

export interface ExporterStats {
  readonly startedAt: Date;
  /** /probe answers by outcome: success = chaincheck_probe_success 1. */
  readonly probes: { readonly success: number; readonly failure: number };
  /** /probe requests refused: busy (503, no slot in time), bad_request (400). */
  readonly rejected: { readonly busy: number; readonly bad_request: number };
  readonly inFlight: number;
  readonly waiting: number;
  readonly concurrency: number;
  readonly trustAnchors: number;
}

export function exporterFamilies(stats: ExporterStats, build: { version: string; nodeVersion: string }): MetricFamily[] {
  const gauge = (name: string, help: string, value: number, unit?: string): MetricFamily => ({
    name, type: "gauge", help, ...(unit ? { unit } : {}), samples: [{ labels: {}, value }],
  });
  return [
    buildInfoFamily(build),
    gauge("chaincheck_exporter_start_time_seconds", "When the exporter started, as a Unix time.", stats.startedAt.getTime() / 1000, "seconds"),
    {
      name: "chaincheck_exporter_probes",
      type: "counter",
      help: "Probes answered since start-up, by outcome (success: chaincheck_probe_success was 1).",
      samples: (["success", "failure"] as const).map((outcome) => ({ labels: { outcome }, value: stats.probes[outcome] })),
    },
    {
      name: "chaincheck_exporter_rejected_requests",
      type: "counter",
      help: "Probe requests refused since start-up: busy (503, no free slot in time) or bad_request (400).",
      samples: (["busy", "bad_request"] as const).map((reason) => ({ labels: { reason }, value: stats.rejected[reason] })),
    },
    gauge("chaincheck_exporter_probes_in_flight", "Probes running now.", stats.inFlight),
    gauge("chaincheck_exporter_probes_waiting", "Probe requests waiting for a free slot now.", stats.waiting),
    gauge("chaincheck_exporter_max_concurrent_probes", "The concurrency limit (--concurrency).", stats.concurrency),
    gauge("chaincheck_exporter_trust_store_certificates", "Certificates in the trust store loaded at start-up.", stats.trustAnchors),
  ];
}
