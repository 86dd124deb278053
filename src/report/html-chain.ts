/**
 * HTML for the certificates of one result: the presented chain as boxes in wire order with arrows,
 * the path built up to the anchor (a missing issuer drawn as a dashed box), and per-certificate
 * details with extensions and PEM. Pure; every value goes through `esc`.
 */
import type { ChainResult, PathCertificate, PresentedCertificate } from "../result/verdict.js";
import { certificateDetails } from "./cert-details.js";
import { esc, escLines } from "./html-escape.js";
import { markersOf, missingIssuer, pathMarkers, pathEndWords, presentedOrderWords, roleOf, sourceWords, validityWords, type Marker } from "../words/report.js";

function marks(list: readonly Marker[]): string {
  return list.length ? `<div class="marks">${list.map((m) => `<span class="mark ${m.tone}">${esc(m.word)}</span>`).join("")}</div>` : "";
}

function row(label: string, value: string): string {
  return `<dt>${esc(label)}</dt><dd>${value}</dd>`;
}

function presentedCard(cert: PresentedCertificate, index: number, result: ChainResult): string {
  const markers = markersOf(cert, index, result);
  const bad = markers.some((m) => m.tone === "bad");
  const names = cert.subjectAltNames.length ? esc(cert.subjectAltNames.join(", ")) : index === 0 ? "no subjectAltName" : "none";
  return `<div class="card${bad ? " bad" : ""}">
<div class="role">#${index + 1} ${esc(roleOf(cert, index))}</div>
<div class="subject">${esc(cert.subject)}</div>${marks(markers)}
<dl>${row("issuer", esc(cert.issuer))}${row("valid", esc(validityWords(cert, result.checkedAt)))}${index === 0 ? row("names", names) : ""}${row("sha256", `<span class="mono" title="${esc(cert.sha256)}">${esc(cert.sha256.slice(0, 16))}…</span>`)}</dl>
</div>`;
}

/** The presented chain: boxes in the order the server sends them, joined by "next on the wire" arrows. */
export function presentedHtml(result: ChainResult): string {
  if (result.presented.length === 0) return "";
  const order = presentedOrderWords(result);
  const items = result.presented.map((c, i) =>
    `<li>${i > 0 ? `<div class="arrow" aria-hidden="true"><b>↓</b>next on the wire</div>` : ""}${presentedCard(c, i, result)}</li>`);
  return `<div><h3>Presented chain (${esc(order)})</h3><ol class="chain">${items.join("\n")}</ol></div>`;
}

function pathCard(cert: PathCertificate, index: number, result: ChainResult): string {
  const list = pathMarkers(cert, index, result);
  return `<div class="card${list.some((m) => m.tone === "bad") ? " bad" : ""}">
<div class="role">${esc(sourceWords(cert, result))}</div>
<div class="subject">${esc(cert.subject)}</div>${marks(list)}
<dl>${row("until", esc(cert.notAfter.slice(0, 10)))}${row("sha256", `<span class="mono">${esc(cert.sha256.slice(0, 16))}…</span>`)}</dl>
</div>`;
}

const ISSUED_BY = `<div class="arrow" aria-hidden="true"><b>↓</b>issued by</div>`;

/** The path built from the leaf up to the anchor, as boxes joined by "issued by" arrows. */
export function pathHtml(result: ChainResult): string {
  const built = result.builtPath;
  if (!built) return "";
  const items = built.certificates.map((c, i) => `<li>${i > 0 ? ISSUED_BY : ""}${pathCard(c, i, result)}</li>`);
  const missing = missingIssuer(result);
  if (missing) {
    const [role, mark] = missing.loop ? ["loop", "already on the path; no root above it"] : ["missing", "not sent, not in the trust store"];
    items.push(`<li>${ISSUED_BY}<div class="card missing"><div class="role">${role}</div><div class="subject">${esc(missing.subject ?? "its issuer")}</div><div class="marks"><span class="mark bad">${mark}</span></div></div></li>`);
  }
  return `<div><h3>Path built, leaf to anchor</h3><p>The path ${esc(pathEndWords(result))}.</p><ol class="path">${items.join("\n")}</ol></div>`;
}

/** Every presented certificate in full: extensions (basic constraints, key usage, EKU, name constraints, AIA…) and PEM. */
export function certificatesHtml(result: ChainResult): string {
  if (result.presented.length === 0) return "";
  const blocks = result.presented.map((cert, i) => {
    const rows = [
      ["subject", cert.subject], ["issuer", cert.issuer], ["serial", cert.serialNumber], ["SHA-256", cert.sha256],
      ["valid", `${cert.notBefore} to ${cert.notAfter}`], ["names", cert.subjectAltNames.join(", ") || "none"],
      ...certificateDetails(cert.pem).map((d) => [d.label, d.value]),
    ];
    return `<div><b>#${i + 1} ${esc(roleOf(cert, i))}</b>
<table>${rows.map(([k, v]) => `<tr><th>${esc(k!)}</th><td>${esc(v!)}</td></tr>`).join("")}</table>
<pre class="pem">${escLines(cert.pem.trimEnd())}</pre></div>`;
  });
  return `<h3>Certificates in detail (extensions and PEM)</h3><div class="certs">${blocks.join("\n")}</div>`;
}
