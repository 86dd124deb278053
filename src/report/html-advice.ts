/** HTML for findings and advice of one result (what is wrong, what to install where, the proof). Pure. */
import type { InstallItem } from "../types.js";
import type { ChainResult } from "../result/verdict.js";
import { PLATFORMS, type TargetOs } from "../advise/platforms.js";
import { esc, escLines } from "./html-escape.js";
import { SEVERITY_WORD, cannotFixLead, installSourceWords, orderedFindings } from "../words/report.js";
import { titleOf } from "../words/findings.js";

const SEVERITY_CLASS = { error: "fail", warning: "warn", info: "info" } as const;

/** Findings ordered by rank, each with its severity word, title, message and fix. */
export function findingsHtml(result: ChainResult): string {
  if (result.findings.length === 0) return `<h3>Findings</h3><p>None.</p>`;
  const items = orderedFindings(result.findings).map((f) => `<li><div><span class="badge ${SEVERITY_CLASS[f.severity]}">${SEVERITY_WORD[f.severity]}</span></div>
<div><p><b>${esc(titleOf(f.code))}</b> <code>${esc(f.code)}</code></p><p>${esc(f.message)}</p>${f.severity === "info" ? "" : `<p class="fix">${esc(f.remediation)}</p>`}</div></li>`);
  return `<h3>Findings (most specific first)</h3><ol class="findings">${items.join("\n")}</ol>`;
}

function itemHtml(item: InstallItem): string {
  const source = esc(installSourceWords(item));
  const id = item.sha256 ? `SHA-256 <span class="mono">${esc(item.sha256)}</span>, ${source}` : source;
  const confirm = item.confirmOutOfBand
    ? `<p class="confirm"><b>Confirm this full SHA-256 with the certificate's owner over another channel before you trust it</b>: nothing else vouches for it.</p>`
    : "";
  const pem = item.pem ? `<pre class="pem">${escLines(item.pem.trimEnd())}</pre>` : "";
  return `<li><b>${esc(item.role)}</b> ${esc(item.subject)}<br>${id}${confirm}${pem}</li>`;
}

/** Advisor steps: lines starting with two spaces are commands (grouped in a `<pre>`), the rest prose. */
function stepsHtml(steps: readonly string[]): string {
  const out: string[] = [];
  let commands: string[] = [];
  const flush = () => {
    if (commands.length) out.push(`<pre>${escLines(commands.join("\n"))}</pre>`);
    commands = [];
  };
  for (const s of steps) {
    if (s.startsWith("  ")) commands.push(s.trim());
    else {
      flush();
      out.push(`<p>${esc(s)}</p>`);
    }
  }
  flush();
  return `<div class="steps">${out.join("\n")}</div>`;
}

function platformLabel(targetOs: string): string {
  return (PLATFORMS as Record<string, { label: string } | undefined>)[targetOs as TargetOs]?.label ?? targetOs;
}

/** "What to do": the client-side install set with roles, commands, the server-side alternative, what no anchor fixes, proof. */
export function adviceHtml(result: ChainResult): string {
  const r = result.remediation;
  const parts: string[] = [];
  if (r.reorder) {
    parts.push(`<p><b>Fix the server's file first</b>: its certificate is #${r.reorder.leafPosition}; write ${esc(r.reorder.order.map((n) => `#${n}`).join(", "))} in this order (leaf first, every certificate kept), then point the server at the new file and restart it:</p><pre>${esc(r.reorder.command)}</pre>`);
  }
  if (r.install.length > 0) {
    parts.push(`<p>Install on the Tableau machine${r.install.length > 1 ? ", in this order" : ""} (works for every client). Commands are for <b>${esc(platformLabel(r.targetOs))}</b>.</p>`);
    parts.push(`<ol class="install">${r.install.map(itemHtml).join("\n")}</ol>`, stepsHtml(r.steps));
  }
  if (r.serverSide.length > 0) parts.push(`<p><b>Or fix it on the server</b> (every client then only needs the root):</p>`, stepsHtml(r.serverSide));
  if (r.cannotFix.length > 0) {
    const { lead, then } = cannotFixLead(result);
    parts.push(`<p><b>${esc(lead)}</b>; ${esc(then)}:</p><ul>${r.cannotFix.map((s) => `<li>${esc(s)}</li>`).join("")}</ul>`);
  }
  if (r.proof) {
    parts.push(`<p class="proof ${r.verifiedAfterInstall ? "ok" : "no"}">${r.verifiedAfterInstall ? "Proof (verified): " : "Proof (not verified): "}${esc(r.proof)}</p>`);
  }
  return parts.length ? `<h3>What to do</h3>${parts.join("\n")}` : "";
}
