/**
 * @module The one stylesheet of the reader pages, inlined in each page and allowed by its hash in
 * the Content-Security-Policy (no `unsafe-inline`, no extra request, no flash of unstyled text).
 */
import { base64url, utf8 } from '../../../lib/encoding';

// System fonts only (nothing to download, so no layout shift); contrast ≥ 4.5:1 for all text;
// one column that fits 320 px; a focus ring that shows on both the dark header and the paper.
export const STYLESHEET = `
:root{color-scheme:light;--ink:#16212e;--muted:#4a5563;--paper:#f7f5f0;--card:#fff;--line:#d8d2c4;--accent:#0f6b5c;--accent-dark:#0a5246;--bad:#b42318;--bad-bg:#fef3f2;--ok:#067647;--ok-bg:#ecfdf3;--focus:#f2a900}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;min-height:100vh;display:flex;flex-direction:column;font:1rem/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:var(--paper);overflow-wrap:break-word}
a{color:var(--accent-dark);text-underline-offset:.15em}
a:hover{text-decoration-thickness:2px}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.skip{position:absolute;left:-999rem;top:.5rem;background:#fff;color:var(--ink);padding:.5rem 1rem;border-radius:6px;z-index:2}
.skip:focus{left:.5rem}
.visually-hidden{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
.site-header{background:var(--ink);color:#fff}
.bar{max-width:60rem;margin:0 auto;padding:.75rem 1rem;display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:.5rem 1.25rem}
.brand{color:#fff;font-weight:800;font-size:1.3rem;letter-spacing:-.01em;text-decoration:none}
.brand span{color:#8fe3cf}
.site-header nav a{color:#fff;font-weight:600}
main{flex:1;width:100%;max-width:60rem;margin:0 auto;padding:2rem 1rem 3rem}
.narrow{max-width:30rem;margin:0 auto}
h1{font-size:clamp(1.6rem,6vw,2.4rem);line-height:1.15;margin:0 0 .75rem;letter-spacing:-.02em}
h2{font-size:1.2rem;line-height:1.3;margin:0 0 .5rem}
p{margin:0 0 1rem}
ul{margin:0 0 1rem;padding-left:1.25rem}
.lead{font-size:1.15rem;color:var(--muted)}
.muted{color:var(--muted)}
.below{margin:1rem 0 0}
.card{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:1.5rem;margin:0 0 1.25rem}
.card>:last-child,.steps li>:last-child{margin-bottom:0}
.field:first-of-type>label{margin-top:0}
.from{border-left:4px solid var(--accent);background:var(--card);padding:.75rem 1rem;margin:0 0 1.5rem;border-radius:0 8px 8px 0}
label,legend{display:block;font-weight:650;margin:1rem 0 .25rem;padding:0}
.hint{display:block;color:var(--muted);font-size:.95rem;margin:0 0 .35rem}
.mail-text{white-space:pre-wrap;word-break:break-word;font:inherit;margin:0}
.input{display:block;width:100%;padding:.65rem .75rem;font:inherit;color:inherit;background:#fff;border:2px solid #6b7280;border-radius:8px}
.input[aria-invalid=true]{border-color:var(--bad)}
.field-error{color:var(--bad);font-weight:650;margin:0 0 .35rem}
.btn{display:inline-block;margin:1.25rem 0 0;padding:.7rem 1.25rem;border:2px solid var(--accent);border-radius:8px;background:var(--accent);color:#fff;font:inherit;font-weight:700;line-height:1.3;text-decoration:none;text-align:center;cursor:pointer}
.btn:hover{background:var(--accent-dark);border-color:var(--accent-dark)}
.btn.secondary{background:#fff;color:var(--accent-dark)}
.btn.danger{background:#b42318;border-color:#b42318}
.btn.danger:hover{background:#8f1c13;border-color:#8f1c13}
.btn.block{display:block;width:100%}
.summary{border:2px solid var(--bad);background:var(--bad-bg);border-radius:8px;padding:1rem 1.25rem;margin:0 0 1.25rem}
.summary a{color:var(--bad);font-weight:650}
.notice{border:2px solid var(--ok);background:var(--ok-bg);border-radius:8px;padding:1rem 1.25rem;margin:0 0 1.25rem}
fieldset{border:0;padding:0;margin:0;min-width:0}
.plan{display:flex;gap:.75rem;align-items:flex-start;border:2px solid var(--line);border-radius:10px;padding:.85rem 1rem;margin:.5rem 0;font-weight:400;background:#fff;cursor:pointer}
.plan input{flex:none;margin:.2rem 0 0;width:1.25rem;height:1.25rem;accent-color:var(--accent)}
.plan:has(input:checked){border-color:var(--accent)}
.plan strong{display:block}
dl.status{display:grid;grid-template-columns:max-content 1fr;gap:.5rem 1rem;margin:0 0 1rem}
dl.status dt{color:var(--muted)}
dl.status dd{margin:0;font-weight:600}
.actions{display:flex;flex-wrap:wrap;gap:.75rem;align-items:center;margin-top:1.25rem}
.actions form{margin:0}
.actions .btn{margin:0}
.hero{padding:1.5rem 0 2rem}
.hero h1{font-size:clamp(2rem,8vw,3.25rem);max-width:18ch}
.steps{display:grid;gap:1rem;grid-template-columns:repeat(auto-fit,minmax(14rem,1fr));list-style:none;padding:0}
.h-step{font-size:1.05rem;margin:0 0 .35rem}
.steps li{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:1.25rem}
.site-footer{border-top:1px solid var(--line);color:var(--muted);font-size:.925rem}
.site-footer div{max-width:60rem;margin:0 auto;padding:1rem}
.titles{list-style:none;padding:0;display:grid;gap:1rem}
.console-nav{display:flex;flex-wrap:wrap;gap:.25rem .5rem;list-style:none;padding:0;margin:0 0 1.5rem;border-bottom:2px solid var(--line)}
.console-nav a{display:block;padding:.4rem .75rem;text-decoration:none;font-weight:600;border-radius:6px 6px 0 0}
.console-nav a[aria-current=page]{background:var(--card);border:2px solid var(--line);border-bottom-color:var(--card);margin-bottom:-2px}
table{border-collapse:collapse;width:100%;margin:0 0 1rem;background:var(--card);font-size:.95rem}
th,td{text-align:left;padding:.45rem .6rem;border-bottom:1px solid var(--line);vertical-align:top}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.scroll{overflow-x:auto}
.tiles{display:grid;gap:.75rem;grid-template-columns:repeat(auto-fit,minmax(10rem,1fr));margin:0 0 1.25rem}
.tile{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:.75rem 1rem}
.tile b{display:block;font-size:1.5rem}
.chart{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:1rem;margin:0 0 1.25rem}
.chart figcaption{font-weight:700;margin:0 0 .5rem}
.chart svg{width:100%;height:auto;display:block}
.chart .grid{stroke:#e5e0d5;stroke-width:1}
.chart .tick{font-size:11px;fill:var(--muted)}
.legend{display:flex;flex-wrap:wrap;gap:1rem;list-style:none;padding:0;margin:.5rem 0}
.swatch{display:inline-block;width:.9rem;height:.9rem;border-radius:3px;margin-right:.35rem;vertical-align:-.1rem}
.s0{background:#0f6b5c}.s1{background:#b54708}.s2{background:#3e4784}.s3{background:#b42318}.s4{background:#4a5563}
.inline{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:flex-end}
.inline .field{flex:1 1 10rem}
.inline .btn{margin:0 0 .1rem}
.badge{display:inline-block;padding:.05rem .5rem;border-radius:999px;background:#eef2f6;font-size:.85rem;font-weight:650}
.badge.bad{background:var(--bad-bg);color:var(--bad)}
.badge.ok{background:var(--ok-bg);color:var(--ok)}
code.secret{display:block;padding:.75rem;background:#fff;border:2px dashed var(--accent);border-radius:8px;word-break:break-all}
.titles li{display:flex;gap:1rem;align-items:flex-start;margin:0}
.titles img{border-radius:8px;flex:none}
.titles h2{margin:0 0 .25rem;font-size:1.15rem}
`;

let hash: Promise<string> | undefined;

/** The CSP source that allows exactly this stylesheet: `'sha256-…'` (standard base64, padded). */
export function stylesheetHash(): Promise<string> {
  hash ??= crypto.subtle.digest('SHA-256', utf8.encode(STYLESHEET)).then((digest) => {
    const b64 = base64url(new Uint8Array(digest)).replace(/-/g, '+').replace(/_/g, '/');
    return `'sha256-${b64}${'='.repeat((4 - (b64.length % 4)) % 4)}'`;
  });
  return hash;
}
