/**
 * The page's one stylesheet and its one script, served from /ui/style.css and /ui/app.js so the
 * Content-Security-Policy can forbid inline styles and scripts. The script only adds: the running dream's
 * live phase from /events, and a reload when it ends. Every action is a plain form without it.
 */

export const STYLE = `
:root{--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--bg:#fff;--soft:#f6f8fa;--add:#dafbe1;--del:#ffebe9;
--ok:#1a7f37;--bad:#cf222e;--warn:#9a6700;--focus:#0969da;font:15px/1.45 system-ui,sans-serif;color:var(--fg)}
body{margin:0;background:var(--bg)}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#fff;padding:6px;z-index:9}
header.top{display:flex;gap:16px;align-items:center;padding:8px 20px;border-bottom:1px solid var(--line);background:var(--soft)}
header.top nav{display:flex;gap:14px;flex:1}
main{max-width:1100px;margin:0 auto;padding:12px 20px 60px}
h1{font-size:1.4em;margin:.6em 0}h2{font-size:1.15em;margin:1.4em 0 .5em;border-bottom:1px solid var(--line)}
h3{font-size:1em;margin:1em 0 .4em}
a{color:#0550ae}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,summary:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
form.inline{display:inline}
button{font:inherit;padding:3px 10px;border:1px solid var(--line);border-radius:6px;background:#fff;cursor:pointer}
button.primary{background:#1f883d;color:#fff;border-color:#1a7f37}
button.danger{color:var(--bad)}
button:disabled{opacity:.55;cursor:not-allowed}
table{border-collapse:collapse;margin:.4em 0}td,th{border:1px solid var(--line);padding:3px 8px;text-align:left;vertical-align:top}
.flash{padding:8px 12px;border-radius:6px;margin:10px 0;background:#ddf4ff}.flash.error{background:var(--del)}
.card{border:1px solid var(--line);border-radius:8px;padding:8px 12px;margin:8px 0}
.card.accepted{border-left:5px solid var(--ok)}.card.rejected{border-left:5px solid var(--bad);opacity:.8}
.card header{display:flex;gap:10px;align-items:baseline;flex-wrap:wrap}.card h3,.card h4{margin:.2em 0}.card p{margin:.4em 0}
.badge{font-size:.8em;padding:0 6px;border-radius:10px;background:var(--soft);border:1px solid var(--line)}
.badge.accepted{color:var(--ok)}.badge.rejected{color:var(--bad)}.badge.certain{color:var(--ok)}
.muted{color:var(--muted)}.why{color:var(--warn)}
pre{white-space:pre-wrap;word-break:break-word;background:var(--soft);padding:6px 8px;border-radius:6px;margin:4px 0}
ins{background:var(--add);text-decoration:none}del{background:var(--del)}
blockquote{margin:4px 0;padding:2px 10px;border-left:3px solid var(--line);white-space:pre-wrap}
.actions{display:flex;gap:8px;flex-wrap:wrap;align-items:center;margin:6px 0}
.src td:first-child{color:var(--muted);text-align:right;user-select:none}.src tr:target{background:#fff8c5}
label{margin-right:6px}
`;

export const SCRIPT = `
(() => {
  const live = document.getElementById("live-phase");
  if (!live || !window.EventSource) return;
  const es = new EventSource("/events");
  // The dream may have ended between this page's render and the stream's start.
  es.addEventListener("hello", (e) => {
    if (JSON.parse(e.data).state === "idle") { es.close(); location.reload(); }
  });
  es.addEventListener("phase", (e) => {
    const d = JSON.parse(e.data);
    live.textContent = d.phase + " " + d.status;
  });
  es.addEventListener("dream", (e) => {
    const d = JSON.parse(e.data);
    if (d.status !== "started") { es.close(); location.reload(); }
  });
})();
`;
