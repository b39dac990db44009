import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Resource, Stack } from "../model";
import type { InventoryRow } from "./inventory";
import { html } from "./md";
import { stackGraph, workflowFlowchart } from "./mermaid";

/**
 * `mops inventory --html DIR`: one self-contained page a marketer can open
 * from disk or attach to a ticket. Mermaid is inlined (no CDN: the page must
 * work offline and behind strict proxies) and renders every diagram on load.
 */

let mermaidJs: string | undefined;
function mermaidScript(): string {
  if (mermaidJs === undefined) {
    const file = createRequire(import.meta.url).resolve("mermaid/dist/mermaid.min.js");
    // `</script>` or `<!--` inside the library would end or confuse the inline <script>; `\x3C` is `<` in JS.
    mermaidJs = readFileSync(file, "utf8").replace(/<(!--|\/?script)/gi, "\\x3C$1");
  }
  return mermaidJs;
}

const CSS = `
:root { color-scheme: light; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg: #f6f8fa; --accent: #0969da; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--fg); background: #fff; }
header { padding: 24px 32px; background: var(--bg); border-bottom: 1px solid var(--line); }
header h1 { margin: 0 0 4px; font-size: 24px; }
header p { margin: 0; color: var(--muted); }
main { padding: 16px 32px 48px; max-width: 1280px; }
h2 { font-size: 20px; margin: 32px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { border: 1px solid var(--line); padding: 6px 8px; text-align: left; vertical-align: top; }
th { background: var(--bg); }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
code { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--bg); padding: 1px 4px; border-radius: 4px; }
.status { display: inline-block; font-size: 12px; font-weight: 600; padding: 0 8px; border-radius: 10px; border: 1px solid; vertical-align: middle; }
.status-active { color: #1a7f37; border-color: #1a7f37; }
.status-paused { color: #9a6700; border-color: #9a6700; }
.status-draft { color: #59636e; border-color: #59636e; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 8px 0 16px; }
dt { color: var(--muted); }
dd { margin: 0; }
.purpose { font-size: 16px; margin: 4px 0; }
.legend { color: var(--muted); margin: 4px 0 8px; }
.diagram { border: 1px solid var(--line); border-radius: 6px; padding: 12px; overflow-x: auto; background: #fff; }
pre.mermaid { margin: 0; text-align: center; }
`;

const field = (title: string, value: string) => (value ? `<dt>${html(title)}</dt><dd>${html(value)}</dd>` : "");
const anchor = (name: string) => `wf-${name.replace(/[^A-Za-z0-9_-]/g, "-")}`;
const statusBadge = (s: string) => `<span class="status status-${html(s)}">${html(s)}</span>`;
const diagram = (src: string, title: string) =>
  `<div class="diagram" role="img" aria-label="${html(title)}"><pre class="mermaid">${html(src)}</pre></div>`;

export function inventoryHtml(rows: readonly InventoryRow[], stack: Stack): string {
  const workflows = new Map(
    stack.resources.filter((r): r is Resource<"workflow"> => r.kind === "workflow").map((w) => [w.name, w]),
  );
  const lastChanged = (r: InventoryRow) =>
    r.lastChangedVersion === undefined ? "" : `version ${r.lastChangedVersion} (${(r.lastChangedAt ?? "").slice(0, 10)})`;

  const tableRows = rows.map(
    (r) => `<tr><td><a href="#${anchor(r.workflow)}"><code>${html(r.workflow)}</code></a></td><td>${statusBadge(r.status)}</td>` +
      `<td>${html(r.owner)}</td><td>${html(r.channels.join(", "))}</td><td>${html(r.trigger)}</td><td>${html(lastChanged(r))}</td>` +
      `<td>${html(r.purpose)}</td></tr>`,
  );
  const sections = rows.map((r) => {
    const wf = workflows.get(r.workflow);
    return `<section id="${anchor(r.workflow)}" class="workflow">
<h2><code>${html(r.workflow)}</code> ${statusBadge(r.status)}</h2>
${r.purpose ? `<p class="purpose">${html(r.purpose)}</p>` : ""}
<dl>${field("Trigger", r.trigger)}${field("Audience", r.audience)}${field("Channels", r.channels.join(", "))}${field("Owner", r.owner)}${field("Tags", r.tags.join(", "))}${field("Last changed", lastChanged(r))}</dl>
${wf ? diagram(workflowFlowchart(wf), `journey of ${r.workflow}`) : ""}
</section>`;
  });

  const title = `${stack.name} (${stack.environment}): workflow inventory`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="mops">
<title>${html(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>Workflow inventory: ${html(stack.name)}</h1>
<p>Environment <strong>${html(stack.environment)}</strong> · ${rows.length} ${rows.length === 1 ? "workflow" : "workflows"}${stack.description ? ` · ${html(stack.description)}` : ""}</p>
</header>
<main>
<table>
<thead><tr><th>Workflow</th><th>Status</th><th>Owner</th><th>Channels</th><th>Trigger</th><th>Last changed</th><th>Purpose</th></tr></thead>
<tbody>
${tableRows.join("\n")}
</tbody>
</table>
<section id="overview">
<h2>How it fits together</h2>
<p class="legend">Segments are cylinders, workflows rounded boxes, templates rectangles, consent types hexagons; dotted lines filter, suppress or ask consent.</p>
${diagram(stackGraph(stack), "segments, workflows and templates of the stack")}
</section>
${sections.join("\n")}
</main>
<script>${mermaidScript()}</script>
<script>
mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme: "default", flowchart: { htmlLabels: true } });
mermaid.run({ querySelector: "pre.mermaid" }).then(
  function () { document.body.setAttribute("data-diagrams", "rendered"); },
  function (e) { document.body.setAttribute("data-diagrams", "failed"); console.error(e); }
);
</script>
</body>
</html>
`;
}
