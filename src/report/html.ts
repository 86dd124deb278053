/**
 * `--report FILE.html`: one self-contained HTML page per run for a support ticket. Inline CSS only, no
 * script, no external asset (a Content-Security-Policy forbids every fetch, so the page works offline
 * and nothing in it can run). Shows per target the verdict, the presented chain and the path as boxes
 * and arrows, the findings, the advice and the proof, plus tool version, trust store and verifier
 * model. Pure: results in, a string out. Results hold no secret (no password, no private key).
 */
import type { ChainResult } from "../result/verdict.js";
import { adviceHtml, findingsHtml } from "./html-advice.js";
import { certificatesHtml, pathHtml, presentedHtml } from "./html-chain.js";
import { esc } from "./html-escape.js";
import { HTML_STYLE } from "./html-style.js";
import { MODEL_WORDS, STATUS_WORD, fixSentence, opensslWords, orderReasonWords, sentSentence, serviceLabel, verdictReason, whySentence } from "../words/report.js";

/** What the page says about the run itself. */
export interface HtmlMeta {
  readonly version: string;
  /** ISO 8601. */
  readonly generatedAt: string;
  /** e.g. "v20.20.2" and "linux x64"; shown when given. */
  readonly node?: string;
  readonly platform?: string;
}

const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

function metaTable(rows: readonly (readonly [string, string])[]): string {
  return `<table class="meta">${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join("")}</table>`;
}

function badge(result: ChainResult): string {
  return `<span class="badge ${result.status}">${STATUS_WORD[result.status]}</span>`;
}

function connectionRows(result: ChainResult): [string, string][] {
  const c = result.connection;
  if (!c) return [];
  const rows: [string, string][] = [["endpoint", `${c.endpoint}${c.servername ? `, SNI ${c.servername}` : ", no SNI"}`]];
  if (c.protocol) {
    const ocsp = c.ocspStapled === null ? "OCSP stapling unknown" : c.ocspStapled ? "OCSP response stapled" : "no OCSP staple";
    rows.push(["TLS", `${c.protocol}, ${c.cipher ?? "cipher unknown"}, ${ocsp}`]);
  }
  if (c.serviceDetail) rows.push(["service", c.serviceDetail]);
  const openssl = opensslWords(result);
  if (openssl) rows.push(["OpenSSL", openssl]);
  if (result.presented.length > 0) rows.push(["order", c.order === "wire" ? "as sent on the wire (TLS Certificate message)" : `reconstructed from Node's view (${orderReasonWords(c.orderReason)})`]);
  return rows;
}

function targetSection(result: ChainResult, index: number): string {
  const service = serviceLabel(result.service);
  const short = [sentSentence(result), whySentence(result), fixSentence(result)].filter((s): s is string => s !== null).join(" ");
  const context = metaTable([
    ...connectionRows(result),
    ["host name", result.host ?? "not given (names not checked)"],
    ["trust store", result.trustStore],
    ["model", MODEL_WORDS[result.verifierModel]],
    ["checked at", result.checkedAt],
  ]);
  return `<section class="target s-${result.status}" id="target-${index + 1}">
<h2>${badge(result)} <span>${esc(result.target)}${service ? ` (${esc(service)})` : ""}</span></h2>
<p class="reason">${esc(verdictReason(result))}</p>
<p class="short">${esc(short)}</p>
${context}
<div class="chains">${presentedHtml(result)}${pathHtml(result)}</div>
${findingsHtml(result)}
${adviceHtml(result)}
${certificatesHtml(result)}
</section>`;
}

function summaryTable(results: readonly ChainResult[]): string {
  const rows = results.map((r, i) =>
    `<tr><td><a href="#target-${i + 1}">${esc(r.target)}</a></td><td>${badge(r)}</td><td>${esc(verdictReason(r))}</td></tr>`);
  return `<table class="summary"><thead><tr><th>Target</th><th>Verdict</th><th>Reason</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

/** The whole page: header with tool and run facts, a summary table, one section per target. */
export function renderHtmlReport(results: readonly ChainResult[], meta: HtmlMeta): string {
  const stores = [...new Set(results.map((r) => r.trustStore))];
  const models = [...new Set(results.map((r) => MODEL_WORDS[r.verifierModel]))];
  const facts: [string, string][] = [
    ["tool", `chaincheck ${meta.version}`],
    ["generated", meta.generatedAt],
    ...(meta.node ? [["Node.js", meta.node] as [string, string]] : []),
    ...(meta.platform ? [["platform", meta.platform] as [string, string]] : []),
    ["trust store", stores.join("; ") || "none"],
    ["verifier model", models.join("; ") || "strict"],
  ];
  const failed = results.filter((r) => r.status === "fail").length;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="chaincheck ${esc(meta.version)}">
<title>chaincheck report: ${results.length === 1 ? esc(results[0]!.target) : `${results.length} targets`}</title>
<style>${HTML_STYLE}</style>
</head>
<body>
<main>
<h1>chaincheck report</h1>
<p class="sub">Will Tableau trust these TLS endpoints' certificate chains, and what to install where. ${results.length} target(s), ${failed} not trusted.</p>
${metaTable(facts)}
${summaryTable(results)}
${results.map(targetSection).join("\n")}
<footer>Generated by chaincheck ${esc(meta.version)} at ${esc(meta.generatedAt)}. Certificates are public; this page holds no password or private key. Certificate fields are shown escaped: control and direction characters appear as \\u{…}.</footer>
</main>
</body>
</html>
`;
}
