/**
 * Text report sections about the certificates: the check's context, the live connection, the presented
 * chain as a tree in wire order, and the path built up to the anchor. Pure; every certificate field
 * goes through `safeText`.
 */
import type { ChainResult, PathCertificate, PresentedCertificate } from "../result/verdict.js";
import type { Palette } from "./palette.js";
import { toneColour } from "./palette.js";
import { certificateDetails } from "./cert-details.js";
import { wrap } from "./layout.js";
import { safeText } from "./safe-text.js";
import { END_WORDS, MODEL_WORDS, leafAlonePathWords, markersOf, missingIssuer, opensslWords, orderReasonWords, pathMarkers, presentedOrderWords, pathEndWords, roleOf, sourceWords, validityWords, type Marker } from "../words/report.js";

/** SANs shown in the default view; --verbose shows all. */
const NAMES_SHOWN = 12;

function field(label: string, value: string, indent = "  "): string[] {
  return wrap(value, `${indent}${label.padEnd(12)}`);
}

function markerText(marks: readonly Marker[], p: Palette): string {
  return marks.length ? `  [${marks.map((m) => toneColour(p, m.tone)(m.word)).join(", ")}]` : "";
}

/** Host, trust store, verifier model and time: what the verdict is relative to. */
export function contextLines(result: ChainResult): string[] {
  return [
    ...field("host name", result.host ? safeText(result.host) : "not given, so the certificate's names were not checked (--host NAME)"),
    ...field("trust store", safeText(result.trustStore)),
    ...field("model", MODEL_WORDS[result.verifierModel]),
    ...field("checked at", result.checkedAt),
  ];
}

/** What the live probe saw besides the chain; empty for `verify`. */
export function connectionLines(result: ChainResult, verbose: boolean): string[] {
  const c = result.connection;
  if (!c) return [];
  const lines = field("endpoint", `${safeText(c.endpoint)}${c.servername ? `, SNI ${safeText(c.servername)}` : ", no SNI"}`);
  if (c.protocol) {
    const ocsp = c.ocspStapled === null ? "OCSP stapling unknown" : c.ocspStapled ? "OCSP response stapled" : "no OCSP staple";
    lines.push(...field("TLS", `${safeText(c.protocol)}, ${safeText(c.cipher ?? "cipher unknown")}, ${ocsp}`));
  }
  if (c.serviceDetail) lines.push(...field("service", safeText(c.serviceDetail)));
  const openssl = opensslWords(result);
  if (openssl) lines.push(...field("OpenSSL", safeText(openssl)));
  if (result.presented.length > 0) {
    lines.push(...field("order", c.order === "wire" ? "as sent on the wire (parsed from the TLS Certificate message)" : `reconstructed from Node's view (${safeText(orderReasonWords(c.orderReason))}): extras and order may differ`));
  }
  if (verbose) lines.push(...field("elapsed", `${c.elapsedMs} ms`));
  return lines;
}

function namesLine(cert: PresentedCertificate, index: number, verbose: boolean): string {
  const names = cert.subjectAltNames;
  if (names.length === 0) return index === 0 ? "no subjectAltName (clients ignore the subject CN)" : "none";
  const shown = verbose ? names : names.slice(0, NAMES_SHOWN);
  const more = names.length - shown.length;
  return `${shown.map(safeText).join(", ")}${more > 0 ? `, and ${more} more (--verbose)` : ""}`;
}

function certificateLines(cert: PresentedCertificate, index: number, result: ChainResult, p: Palette, verbose: boolean): string[] {
  const last = index === result.presented.length - 1;
  const branch = last ? "└─ " : "├─ ";
  const stem = last ? "      " : "│     ";
  const head = `  ${branch}#${index + 1} ${p.bold(roleOf(cert, index))}  ${safeText(cert.subject)}${markerText(markersOf(cert, index, result), p)}`;
  const width = verbose ? 20 : 9;
  const detail = (label: string, value: string) => wrap(value, `  ${stem}${label.padEnd(width)}`, `  ${stem}${" ".repeat(width)}`);
  const lines = [
    head,
    ...detail("issuer", safeText(cert.issuer)),
    ...detail("valid", validityWords(cert, result.checkedAt)),
  ];
  if (index === 0 || verbose) lines.push(...detail("names", namesLine(cert, index, verbose)));
  lines.push(...detail("sha256", verbose ? cert.sha256 : `${cert.sha256.slice(0, 16)}…`));
  if (verbose) {
    for (const d of certificateDetails(cert.pem)) lines.push(...detail(d.label, safeText(d.value)));
    // Flush left, without tree glyphs, so the block can be copied as shown.
    lines.push(...cert.pem.trimEnd().split("\n"));
  }
  return lines;
}

/** The presented chain, one node per certificate, in the order the server sends it. */
export function presentedLines(result: ChainResult, p: Palette, verbose: boolean): string[] {
  if (result.presented.length === 0) return [];
  const order = presentedOrderWords(result);
  return [
    p.bold(`Presented chain (${order}):`),
    ...result.presented.flatMap((c, i) => certificateLines(c, i, result, p, verbose)),
  ];
}

function pathMark(cert: PathCertificate, index: number, result: ChainResult, p: Palette): string {
  const marks = pathMarkers(cert, index, result);
  return markerText(marks, p);
}

/** The path chaincheck built from the leaf up, each certificate indented under the one it certifies. */
export function pathLines(result: ChainResult, p: Palette): string[] {
  const built = result.builtPath;
  if (!built) return [];
  const missing = missingIssuer(result);
  if (missing?.subject && !missing.loop && built.certificates.length === 1 && built.certificates[0]!.sha256 === result.presented[0]?.sha256) {
    // The leaf alone (Rserve): the tree above shows it; one line names the issuer that is missing.
    const lead = "Path built, leaf to anchor:";
    const lines = wrap(`${lead} ${safeText(leafAlonePathWords(missing.subject))}`, "", "  ");
    lines[0] = p.bold(lead) + lines[0]!.slice(lead.length);
    return lines;
  }
  const lines = [p.bold(`Path built, leaf to anchor: ${pathEndWords(result)}`)];
  built.certificates.forEach((c, i) => {
    const lead = i === 0 ? "  " : `  ${"   ".repeat(i - 1)}└─ `;
    lines.push(`${lead}${safeText(c.subject)}  (${sourceWords(c, result)})${pathMark(c, i, result, p)}`);
  });
  if (missing) {
    const lead = `  ${"   ".repeat(built.certificates.length - 1)}└─ `;
    const name = missing.subject ? safeText(missing.subject) : "its issuer";
    lines.push(missing.loop
      ? `${lead}${p.red("loop:")} ${name}  (already on the path; no root above it)`
      : `${lead}${p.red("missing:")} ${name}  (not sent, not in the trust store)`);
  }
  return lines;
}

/** --verbose: every path explored, when the result carries them. */
export function attemptLines(result: ChainResult): string[] {
  const attempts = result.pathAttempts;
  if (!attempts || attempts.length === 0) {
    return result.builtPath ? ["Path building: the path above is the one that best explains the verdict."] : [];
  }
  return [
    `Path-building attempts (${attempts.length}):`,
    ...attempts.flatMap((a, i) =>
      wrap(
        `${a.certificates.map((c) => `${safeText(c.subject)} (${c.source})`).join(" -> ")}: ${END_WORDS[a.end]}; ${a.findings.length ? a.findings.join(", ") : "no error on its links"}`,
        `  ${i + 1}. `,
      ),
    ),
  ];
}
