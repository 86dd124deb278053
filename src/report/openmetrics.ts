/**
 * `--format openmetrics` and the exporter's /probe: results as Prometheus metrics, one gauge family per fact. The
 * metric names and labels are a public contract (README "Monitoring with Prometheus"). Every family is a gauge, so
 * the OpenMetrics text written here is also valid Prometheus 0.0.4 text (`# UNIT` and `# EOF` are comments there):
 * what `promtool check metrics` and node_exporter's textfile collector read. Pure.
 *
 * Label sets are bounded: a result is identified by target, servername, service (and site, connection for
 * `chaincheck tableau`); certificates add role, subject and a 16-digit SHA-256 prefix; findings add code and
 * severity, both from the catalog. Free text (messages, SANs) never becomes a label.
 */
import type { ChainResult, PathCertificate } from "../result/verdict.js";
import { renderExposition, type ExpositionDialect, type MetricFamily, type Sample } from "./exposition.js";
import { safeText } from "./safe-text.js";

export interface MetricsOptions {
  /** chaincheck's version, for chaincheck_build_info. */
  readonly version: string;
  /** Node.js version (process.versions.node), for chaincheck_build_info. */
  readonly nodeVersion: string;
  /** Include chaincheck_build_info (the exporter serves it on /metrics instead of every /probe). Default true. */
  readonly buildInfo?: boolean;
}

/** Longest label value written (in code points); a longer subject or file name is cut and ends in "…". */
export const MAX_LABEL_LENGTH = 256;
/** Hex digits of the SHA-256 fingerprint in the `sha256` label (as the text report prints it). */
export const SHA256_LABEL_DIGITS = 16;

type Labels = Record<string, string>;

/** A label value: made inert like the text report does (controls, bidi, invisibles as `\u{…}`), then bounded. */
function labelValue(text: string): string {
  const points = Array.from(safeText(text));
  return points.length > MAX_LABEL_LENGTH ? `${points.slice(0, MAX_LABEL_LENGTH - 1).join("")}…` : points.join("");
}

/** The labels that identify a result: the same on every family, so series of one target join in PromQL. */
export function identityLabels(result: ChainResult): Labels {
  const labels: Labels = { target: labelValue(result.target), servername: labelValue(result.host ?? ""), service: result.service ?? "" };
  if (result.site) labels.site = labelValue(result.site.contentUrl || result.site.name);
  if (result.extensionConnection) labels.connection = labelValue(result.extensionConnection.name);
  return labels;
}

export type CertificateRole = "leaf" | "intermediate" | "root" | "anchor";

/**
 * A certificate's role on the path: the first is the leaf; the last is the root when the path ends at a self-signed
 * certificate (a strict-model anchor, or an untrusted root), the anchor when a partial-chain path ends at a trusted
 * certificate that may be an intermediate; every other one is an intermediate.
 */
function roleOf(index: number, count: number, end: string | null, model: ChainResult["verifierModel"]): CertificateRole {
  if (index === 0) return "leaf";
  if (index === count - 1 && end === "untrusted-root") return "root";
  if (index === count - 1 && end === "anchored") return model === "strict" ? "root" : "anchor";
  return "intermediate";
}

/** The path's certificates (the presented ones when no path was built), each once, with its role. */
function pathCertificates(result: ChainResult): { cert: PathCertificate; role: CertificateRole }[] {
  const certs: readonly PathCertificate[] = result.builtPath?.certificates ?? result.presented.map((p) => ({ sha256: p.sha256, subject: p.subject, notAfter: p.notAfter, source: "presented" as const }));
  const end = result.builtPath?.end ?? null;
  const seen = new Set<string>();
  return certs.flatMap((cert, i) => {
    if (seen.has(cert.sha256)) return [];
    seen.add(cert.sha256);
    return [{ cert, role: roleOf(i, certs.length, end, result.verifierModel) }];
  });
}

const seconds = (iso: string): number => Date.parse(iso) / 1000;

interface FamilySpec {
  readonly name: string;
  readonly help: string;
  readonly unit?: string;
  /** The samples one result contributes (labels beyond the identity ones, and the value). */
  readonly samples: (result: ChainResult) => readonly { readonly labels?: Labels; readonly value: number }[];
}

/** Every family chaincheck writes per result, in output order. */
const RESULT_FAMILIES: readonly FamilySpec[] = [
  {
    name: "chaincheck_probe_success",
    help: "1 when the certificate chain was obtained and judged, 0 when the target could not be checked (refused, timeout, DNS, not TLS).",
    samples: (r) => [{ value: r.status === "error" ? 0 : 1 }],
  },
  {
    name: "chaincheck_trusted",
    help: "1 when the chain is trusted for the name checked against the trust store used, 0 otherwise.",
    samples: (r) => [{ value: r.trusted ? 1 : 0 }],
  },
  {
    name: "chaincheck_finding",
    help: "Findings of the check, by code and severity: how many (a code that is absent was not found).",
    samples: (r) => {
      const counts = new Map<string, { code: string; severity: string; n: number }>();
      for (const f of r.findings) {
        const key = `${f.code}\u0000${f.severity}`;
        const entry = counts.get(key) ?? { code: f.code, severity: f.severity, n: 0 };
        entry.n++;
        counts.set(key, entry);
      }
      return [...counts.values()].map((e) => ({ labels: { code: e.code, severity: e.severity }, value: e.n }));
    },
  },
  {
    name: "chaincheck_certificate_not_after_timestamp_seconds",
    help: "Expiry (notAfter) of each certificate of the path, leaf first, as a Unix time.",
    unit: "seconds",
    samples: (r) => pathCertificates(r).map(({ cert, role }) => ({ labels: certificateLabels(cert, role), value: seconds(cert.notAfter) })),
  },
  {
    name: "chaincheck_certificate_expires_in_seconds",
    help: "Time from the validation time to the notAfter of each certificate of the path; negative once expired (divide by 86400 for days).",
    unit: "seconds",
    samples: (r) => pathCertificates(r).map(({ cert, role }) => ({ labels: certificateLabels(cert, role), value: seconds(cert.notAfter) - seconds(r.checkedAt) })),
  },
  {
    name: "chaincheck_check_timestamp_seconds",
    help: "Validation time of the check (now, or --at), as a Unix time.",
    unit: "seconds",
    samples: (r) => [{ value: seconds(r.checkedAt) }],
  },
  {
    name: "chaincheck_check_duration_seconds",
    help: "Time the live probe took: connect, TLS handshake and service detection (live checks only).",
    unit: "seconds",
    samples: (r) => (r.connection ? [{ value: r.connection.elapsedMs / 1000 }] : []),
  },
];

function certificateLabels(cert: PathCertificate, role: CertificateRole): Labels {
  return { role, subject: labelValue(cert.subject), sha256: cert.sha256.slice(0, SHA256_LABEL_DIGITS) };
}

/**
 * The metric families of `results`. Results whose identity labels repeat one already written (the same target
 * given twice) are left out: a series must appear once.
 */
export function resultFamilies(results: readonly ChainResult[], options: MetricsOptions): MetricFamily[] {
  const seen = new Set<string>();
  const unique = results.filter((r) => {
    const key = JSON.stringify(identityLabels(r));
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const families: MetricFamily[] = RESULT_FAMILIES.map((spec) => ({
    name: spec.name,
    type: "gauge",
    help: spec.help,
    ...(spec.unit ? { unit: spec.unit } : {}),
    samples: unique.flatMap((r): Sample[] => {
      const identity = identityLabels(r);
      return spec.samples(r).map((s) => ({ labels: { ...identity, ...s.labels }, value: s.value }));
    }),
  }));
  if (options.buildInfo !== false) families.push(buildInfoFamily(options));
  return families;
}

/** chaincheck_build_info{version, nodejs} 1: which chaincheck wrote the metrics. */
export function buildInfoFamily(options: Pick<MetricsOptions, "version" | "nodeVersion">): MetricFamily {
  return {
    name: "chaincheck_build_info",
    type: "gauge",
    help: "The chaincheck version and the Node.js version it runs on; always 1.",
    samples: [{ labels: { version: options.version, nodejs: options.nodeVersion }, value: 1 }],
  };
}

/** `--format openmetrics`: OpenMetrics 1.0.0 text, gauges only (so also valid 0.0.4 text). */
export function renderOpenMetrics(results: readonly ChainResult[], options: MetricsOptions, dialect: ExpositionDialect = "openmetrics"): string {
  return renderExposition(resultFamilies(results, options), dialect);
}
