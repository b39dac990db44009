import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { CHANNELS } from "../model";
import type { Comparison, SimulationResult } from "../simulate";
import { html } from "./md";
import { comparisonHeadline, messages, num, periodLine } from "./simulate-text";

/**
 * `mops simulate --html DIR`: one self-contained page (open it from disk,
 * attach it to a ticket) with the figures as charts. Chart.js is inlined,
 * like Mermaid in the inventory page: no CDN, so it works offline and behind
 * strict proxies. Its UMD build is one dependency-free file, draws stacked
 * and grouped bars and histograms out of the box, and is actively maintained.
 */

let chartJs: string | undefined;
function chartScript(): string {
  if (chartJs === undefined) {
    // The package exports only its module builds; the UMD file sits beside them.
    const file = join(dirname(createRequire(import.meta.url).resolve("chart.js")), "chart.umd.min.js");
    chartJs = readFileSync(file, "utf8")
      .replace(/\n\/\/# sourceMappingURL=.*$/, "")
      // `</script>` or `<!--` inside the library would end or confuse the inline <script>; `\x3C` is `<` in JS.
      .replace(/<(!--|\/?script)/gi, "\\x3C$1");
  }
  return chartJs;
}

const COLORS: Record<string, string> = { email: "#0969da", sms: "#1a7f37", push: "#bf8700", in_app: "#8250df", webhook: "#59636e" };

const CSS = `
:root { color-scheme: light; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--fg); }
header { padding: 24px 32px; background: var(--bg); border-bottom: 1px solid var(--line); }
header h1 { margin: 0 0 4px; font-size: 24px; }
header p { margin: 0; color: var(--muted); }
main { padding: 16px 32px 48px; max-width: 1280px; }
h2 { font-size: 20px; margin: 32px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
.headline { font-size: 18px; font-weight: 600; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); gap: 16px; }
figure { margin: 0; border: 1px solid var(--line); border-radius: 6px; padding: 12px; }
figcaption { font-weight: 600; margin-bottom: 8px; }
.chart { position: relative; height: 280px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; margin: 8px 0; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: var(--bg); }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
ol.timeline { list-style: none; padding: 0; font-size: 13px; }
ol.timeline li { padding: 2px 0; border-bottom: 1px dotted var(--line); }
ol.timeline time { color: var(--muted); font-variant-numeric: tabular-nums; margin-right: 8px; }
.k-send { color: #1a7f37; } .k-capped, .k-no-consent { color: #9a6700; font-weight: 600; } .k-event { color: var(--muted); }
.notes { color: var(--muted); font-size: 13px; }
`;

const table = (head: string[], rows: (string | number)[][]) =>
  `<table><thead><tr>${head.map((h) => `<th>${html(h)}</th>`).join("")}</tr></thead><tbody>${rows.map((r) =>
    `<tr>${r.map((c) => (typeof c === "number" ? `<td class="n">${num(c)}</td>` : `<td>${html(c)}</td>`)).join("")}</tr>`).join("")}</tbody></table>`;

const figure = (id: string, caption: string) =>
  `<figure><figcaption>${html(caption)}</figcaption><div class="chart"><canvas id="chart-${id}" role="img" aria-label="${html(caption)}"></canvas></div></figure>`;

/** The charts' data, read by the page's script: JSON in a script element, `<` escaped so text can never close it. */
function chartData(r: SimulationResult, cmp?: Comparison) {
  const channels = CHANNELS.filter((c) => r.messages.byChannel[c]);
  const ran = r.workflows.filter((w) => !w.skipped);
  return {
    colors: COLORS,
    daily: { labels: r.daily.map((d) => d.day.slice(5)), series: channels.map((c) => ({ label: c, data: r.daily.map((d) => d.byChannel[c] ?? 0) })) },
    histogram: { labels: r.messages.histogram.map((_, i) => String(i)), data: r.messages.histogram },
    caps: { labels: r.caps.map((c) => c.cap), stopped: r.caps.map((c) => c.hits), contacts: r.caps.map((c) => c.contacts) },
    workflows: { labels: ran.map((w) => w.workflow), reach: ran.map((w) => w.reach), converted: ran.map((w) => w.converted) },
    ...(cmp ? {
      compare: {
        labels: cmp.after.daily.map((d) => d.day.slice(5)),
        before: cmp.before.daily.map((d) => Object.values(d.byChannel).reduce((t, n) => t + (n ?? 0), 0)),
        after: cmp.after.daily.map((d) => Object.values(d.byChannel).reduce((t, n) => t + (n ?? 0), 0)),
      },
    } : {}),
  };
}

const SCRIPT = `
(() => {
  const body = document.body;
  try {
    const d = JSON.parse(document.getElementById("chart-data").textContent);
    Chart.defaults.animation = false;
    Chart.defaults.maintainAspectRatio = false;
    const color = (k, i) => d.colors[k] || ["#0969da", "#cf222e", "#1a7f37", "#bf8700", "#8250df"][i % 5];
    const make = (id, config) => { const el = document.getElementById("chart-" + id); if (el) new Chart(el, config); };
    make("daily", { type: "bar", data: { labels: d.daily.labels, datasets: d.daily.series.map((s, i) => ({ label: s.label, data: s.data, backgroundColor: color(s.label, i), stack: "m" })) },
      options: { scales: { x: { stacked: true }, y: { stacked: true, title: { display: true, text: "messages" } } } } });
    make("histogram", { type: "bar", data: { labels: d.histogram.labels, datasets: [{ label: "contact-weeks", data: d.histogram.data, backgroundColor: "#0969da" }] },
      options: { scales: { x: { title: { display: true, text: "messages in the week" } }, y: { type: "logarithmic", title: { display: true, text: "contact-weeks" } } } } });
    make("caps", { type: "bar", data: { labels: d.caps.labels, datasets: [{ label: "sends stopped", data: d.caps.stopped, backgroundColor: "#cf222e" }, { label: "contacts", data: d.caps.contacts, backgroundColor: "#bf8700" }] } });
    make("workflows", { type: "bar", data: { labels: d.workflows.labels, datasets: [{ label: "reach", data: d.workflows.reach, backgroundColor: "#0969da" }, { label: "goal met", data: d.workflows.converted, backgroundColor: "#1a7f37" }] },
      options: { indexAxis: "y" } });
    if (d.compare) make("compare", { type: "line", data: { labels: d.compare.labels, datasets: [
      { label: "last applied", data: d.compare.before, borderColor: "#59636e", backgroundColor: "#59636e" },
      { label: "this change", data: d.compare.after, borderColor: "#cf222e", backgroundColor: "#cf222e" }] },
      options: { scales: { y: { title: { display: true, text: "messages per day" } } } } });
    body.setAttribute("data-charts", "rendered");
  } catch (e) {
    body.setAttribute("data-charts", "failed");
    throw e;
  }
})();
`;

export function simulationHtml(r: SimulationResult, cmp?: Comparison): string {
  const title = `${r.stack} (${r.environment}): simulated ${r.days} days`;
  const m = r.messages;
  const spreads = [["all channels", m.perContactWeek] as const, ...Object.entries(m.perContactWeekByChannel).map(([c, s]) => [c, s!] as const)];
  const sections = [
    cmp ? `<section id="compare"><h2>This change vs the last applied stack</h2><p class="headline">${html(comparisonHeadline(cmp, (s) => s))}</p>
<div class="charts">${figure("compare", "Messages per day: last applied vs this change")}</div></section>` : "",
    `<section id="messages"><h2>Messages</h2>
<p>${num(m.total)} messages to ${num(m.messagedContacts)} contacts; ${num(m.blocked.cap)} stopped by frequency caps, ${num(m.blocked.consent)} not sent for lack of consent.</p>
${table(["Per contact per week", "median", "p95", "max", "mean"], spreads.map(([c, s]) => [c, s.median, s.p95, s.max, s.mean.toFixed(2)]))}
<div class="charts">${figure("daily", "Messages per day, by channel")}${figure("histogram", "Messages per contact per week (how many contact-weeks got 0, 1, 2, …)")}</div></section>`,
    `<section id="caps"><h2>Frequency caps</h2>
${table(["Cap", "limit", "sends stopped", "contacts", "by workflow"], r.caps.map((c) => [c.cap, `${c.max} per ${c.period} (${c.channels.join(", ")})`, c.hits, c.contacts, Object.entries(c.byWorkflow).map(([w, n]) => `${w} ${num(n)}`).join(", ")]))}
<div class="charts">${figure("caps", "Sends each cap stopped, and the contacts they belong to")}</div></section>`,
    `<section id="overlaps"><h2>Journeys at once</h2><p>${num(r.overlaps.contacts)} contacts were in two or more marketing journeys at the same time.</p>
${table(["Journeys", "contacts"], r.overlaps.pairs.map((p) => [p.workflows.join(" + "), p.contacts]))}</section>`,
    `<section id="workflows"><h2>Workflows</h2>
${table(["Workflow", "reach", "entries", "messages", "capped", "no consent", "goal met", "holdout", "holdout goal met", "not rolled out", "still in"],
    r.workflows.map((w) => w.skipped ? [w.workflow, `not simulated: ${w.skipped}`, "", "", "", "", "", "", "", "", ""] : [
      w.workflow, w.reach, w.entries, Object.entries(w.messages).map(([c, n]) => `${c} ${num(n!)}`).join(", "), w.capped, w.noConsent,
      w.converted, w.holdout, w.holdoutConverted, w.notRolledOut, w.active]))}
<div class="charts">${figure("workflows", "Reach and goal met per workflow")}</div></section>`,
    `<section id="timelines"><h2>Three contacts, day by day</h2>${r.timelines.map((t) => `<h3>${html(`${t.role}: ${t.contact}`)} (${messages(t.messages)})</h3>
<ol class="timeline">${t.entries.map((e) => `<li class="k-${html(e.kind)}"><time>${html(e.at.replace("T", " ").replace("Z", ""))}</time>${e.workflow ? `<b>${html(e.workflow)}</b> ` : ""}${html(e.text)}</li>`).join("")}</ol>`).join("\n")}</section>`,
    r.notes.length ? `<section id="notes"><h2>Assumptions and limits</h2><ul class="notes">${r.notes.map((n) => `<li>${html(n.message)}</li>`).join("")}</ul></section>` : "",
  ];
  const data = JSON.stringify(chartData(r, cmp)).replace(/</g, "\\u003c");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${html(title)}</title><style>${CSS}</style></head>
<body>
<header><h1>${html(title)}</h1><p>${html(periodLine(r))}</p></header>
<main>
${sections.filter(Boolean).join("\n")}
</main>
<script type="application/json" id="chart-data">${data}</script>
<script>${chartScript()}</script>
<script>${SCRIPT}</script>
</body></html>
`;
}
