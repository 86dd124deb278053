/**
 * The HTML page's only stylesheet, inlined so the page needs nothing but itself (opens offline,
 * survives being attached to a ticket). Colour is a second channel: every badge carries its word.
 */
export const HTML_STYLE = `
:root { --pass: #1a7f37; --warn: #9a6700; --fail: #cf222e; --info: #0969da; --muted: #57606a; --line: #d0d7de; --bg: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #1f2328; background: #fff; }
main { max-width: 1120px; margin: 0 auto; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 0 0 6px; display: flex; gap: 10px; align-items: center; flex-wrap: wrap; }
h3 { font-size: 16px; margin: 22px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 13px; }
.sub { color: var(--muted); margin: 0 0 16px; }
table.meta { border-collapse: collapse; margin: 8px 0 20px; }
table.meta th { text-align: left; color: var(--muted); font-weight: 600; padding: 2px 16px 2px 0; vertical-align: top; }
table.meta td { padding: 2px 0; overflow-wrap: anywhere; }
table.summary { width: 100%; border-collapse: collapse; margin-bottom: 28px; }
table.summary th, table.summary td { border-bottom: 1px solid var(--line); padding: 6px 8px; text-align: left; vertical-align: top; }
.badge { display: inline-block; font-weight: 700; font-size: 12px; letter-spacing: .04em; padding: 2px 8px; border-radius: 999px; color: #fff; }
.badge.pass { background: var(--pass); } .badge.warn { background: var(--warn); } .badge.fail, .badge.error { background: var(--fail); } .badge.info { background: var(--info); }
section.target { border: 1px solid var(--line); border-left: 6px solid var(--muted); border-radius: 8px; padding: 18px 20px; margin: 0 0 28px; }
section.target.s-pass { border-left-color: var(--pass); } section.target.s-warn { border-left-color: var(--warn); }
section.target.s-fail, section.target.s-error { border-left-color: var(--fail); }
.reason { font-weight: 600; margin: 0 0 8px; }
.short { background: var(--bg); border-radius: 6px; padding: 10px 14px; margin: 10px 0; }
.chains { display: grid; grid-template-columns: repeat(auto-fit, minmax(340px, 1fr)); gap: 0 28px; align-items: start; }
.chain, .path { list-style: none; padding: 0; margin: 0; }
.chain > li, .path > li { display: flex; flex-direction: column; align-items: stretch; }
.arrow { color: var(--muted); font-size: 12px; text-align: center; padding: 2px 0; }
.arrow b { display: block; font-size: 20px; line-height: 1; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; background: #fff; box-shadow: 0 1px 0 rgba(31,35,40,.04); }
.card.bad { border-color: var(--fail); box-shadow: 0 0 0 1px var(--fail) inset; }
.card.missing { border-style: dashed; border-color: var(--fail); background: #fff8f8; }
.card .role { font-size: 12px; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); font-weight: 700; }
.card .subject { font-weight: 600; overflow-wrap: anywhere; margin: 2px 0 6px; }
.card dl { display: grid; grid-template-columns: 62px 1fr; gap: 2px 8px; margin: 0; font-size: 13px; }
.card dt { color: var(--muted); } .card dd { margin: 0; overflow-wrap: anywhere; }
.marks { display: flex; flex-wrap: wrap; gap: 4px; margin: 4px 0; }
.mark { font-size: 11px; font-weight: 700; border-radius: 4px; padding: 1px 6px; border: 1px solid; }
.mark.bad { color: var(--fail); border-color: var(--fail); } .mark.warn { color: var(--warn); border-color: var(--warn); }
.mark.good { color: var(--pass); border-color: var(--pass); } .mark.info { color: var(--info); border-color: var(--info); }
ol.findings { list-style: none; padding: 0; margin: 0; }
ol.findings > li { display: grid; grid-template-columns: 70px 1fr; gap: 4px 12px; padding: 8px 0; border-bottom: 1px solid var(--line); }
ol.findings p { margin: 2px 0; overflow-wrap: anywhere; }
.fix { color: #1f2328; } .fix::before { content: "Fix: "; font-weight: 700; }
ol.install > li { margin: 4px 0; overflow-wrap: anywhere; }
pre { background: var(--bg); border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; overflow-x: auto; white-space: pre; margin: 4px 0; }
pre.pem { font-size: 11px; line-height: 1.3; display: inline-block; }
.steps p { margin: 4px 0; overflow-wrap: anywhere; }
.proof { border-radius: 6px; padding: 10px 14px; margin-top: 14px; font-weight: 600; }
.proof.ok { background: #dafbe1; } .proof.no { background: #fff8c5; }
.certs > div { border-top: 1px solid var(--line); padding: 10px 0; }
.certs table { border-collapse: collapse; font-size: 13px; }
.certs th { text-align: left; color: var(--muted); font-weight: 600; padding: 1px 14px 1px 0; vertical-align: top; white-space: nowrap; }
.certs td { overflow-wrap: anywhere; }
footer { color: var(--muted); font-size: 13px; border-top: 1px solid var(--line); padding-top: 10px; }
@media print { body { padding: 0; } section.target { break-inside: avoid-page; } }
`;
