import pc from "picocolors";
import type { Diagnostic } from "../diagnostics";
import type { Channel } from "../model";
import type { Comparison, SimulationResult, Spread, Timeline, WorkflowStats } from "../simulate";
import { code, mdTable, mdText } from "./md";

/**
 * `mops simulate` for people: what customers would get, per week, per cap,
 * per journey, and three of them day by day. And `--compare`: what the
 * change does to those figures, in a sentence first.
 */

export const num = (n: number): string => n.toLocaleString("en-US");
export const messages = (n: number): string => `${num(n)} message${n === 1 ? "" : "s"}`;
const people = (n: number): string => `${num(n)} contact${n === 1 ? "" : "s"}`;
const pct = (part: number, whole: number) => (whole ? `${Math.round((part / whole) * 1000) / 10} %` : "–");
const channelList = (m: Partial<Record<Channel, number>>) =>
  Object.entries(m).filter(([, n]) => n).map(([c, n]) => `${c} ${num(n!)}`).join(", ") || "none";

/** Columns padded to their widest cell; `right` columns are numbers. */
export function textTable(header: string[], rows: string[][], right: ReadonlySet<number> = new Set()): string[] {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => [...(r[i] ?? "")].length)));
  return all.map((r) => r.map((c, i) => {
    const gap = " ".repeat(widths[i]! - [...c].length);
    return right.has(i) ? gap + c : i === r.length - 1 ? c : c + gap;
  }).join("   ").trimEnd());
}

export function periodLine(r: SimulationResult): string {
  return `${people(r.contacts)}, ${r.days} days from ${r.start.slice(0, 10)} (after ${r.warmupDays} days of warm-up), seed ${r.seed}`;
}

function spreadRows(r: SimulationResult): string[][] {
  const row = (name: string, s: Spread) => [name, String(s.median), String(s.p95), String(s.max), s.mean.toFixed(2)];
  return [row("all channels", r.messages.perContactWeek), ...Object.entries(r.messages.perContactWeekByChannel).map(([c, s]) => row(c, s!))];
}

const goal = (w: WorkflowStats) => (w.entries ? `${num(w.converted)} (${pct(w.converted, w.entries)})` : "–");
const holdoutGoal = (w: WorkflowStats) => (w.holdout ? `${num(w.holdoutConverted)} (${pct(w.holdoutConverted, w.holdout)})` : "–");

export function simulationText(r: SimulationResult, opts: { color?: boolean } = {}): string {
  const c = pc.createColors(opts.color ?? false);
  const out: string[] = [];
  out.push(c.bold(`Simulation of ${r.stack} (${r.environment}): ${periodLine(r)}`), "");

  out.push(c.bold("Messages per contact per week"));
  out.push(...textTable(["", "median", "p95", "max", "mean"], spreadRows(r), new Set([1, 2, 3, 4])).map((l) => `  ${l}`));
  const m = r.messages;
  out.push("", `${num(m.total)} messages (${channelList(m.byChannel)}) to ${num(m.messagedContacts)} contacts; ` +
    `${num(m.blocked.cap)} stopped by frequency caps, ${num(m.blocked.consent)} not sent for lack of consent.`, "");

  out.push(c.bold("Frequency caps"));
  out.push(...textTable(["", "sends stopped", "contacts", "by workflow"], r.caps.map((x) => [
    `${x.cap} (${x.max} per ${x.period}, ${x.channels.join("/")})`, num(x.hits), num(x.contacts),
    Object.entries(x.byWorkflow).map(([w, n]) => `${w} ${num(n)}`).join(", "),
  ]), new Set([1, 2])).map((l) => `  ${l}`));
  if (!r.caps.length) out.push("  (the stack declares no frequency caps)");
  out.push("");

  out.push(c.bold("Journeys at once"));
  out.push(`  ${people(r.overlaps.contacts)} ${r.overlaps.contacts === 1 ? "was" : "were"} in two or more marketing journeys at the same time` + (r.overlaps.pairs.length ? ":" : "."));
  out.push(...textTable(["", "contacts"], r.overlaps.pairs.map((p) => [p.workflows.join(" + "), num(p.contacts)]), new Set([1])).slice(1).map((l) => `    ${l}`));
  out.push("");

  out.push(c.bold("Workflows"));
  const ran = r.workflows.filter((w) => !w.skipped);
  out.push(...textTable(
    ["", "reach", "entries", "messages", "capped", "no consent", "goal met", "holdout", "holdout goal", "not rolled out", "still in"],
    ran.map((w) => [w.workflow, num(w.reach), num(w.entries), channelList(w.messages), num(w.capped), num(w.noConsent), goal(w),
      num(w.holdout), holdoutGoal(w), num(w.notRolledOut), num(w.active)]),
    new Set([1, 2, 4, 5, 7, 9, 10]),
  ).map((l) => `  ${l}`));
  for (const w of r.workflows.filter((x) => x.skipped)) out.push(`  ${w.workflow}: not simulated (${w.skipped})`);
  out.push("");

  for (const t of r.timelines) out.push(...timelineText(t, c), "");
  if (!r.timelines.length) out.push("No contact got a message in this period.", "");
  out.push(...notesText(r.notes));
  return `${out.join("\n").replace(/\n+$/, "")}\n`;
}

const ROLE: Record<Timeline["role"], string> = {
  busiest: "The busiest contact", typical: "A typical contact", capped: "A contact a cap held back", followed: "Followed contact",
};

function timelineText(t: Timeline, c: ReturnType<typeof pc.createColors>): string[] {
  const out = [c.bold(`${ROLE[t.role]}: ${t.contact} (${messages(t.messages)})`)];
  for (const e of t.entries) {
    const when = `${e.at.slice(0, 10)} ${e.at.slice(11, 16)}`;
    const text = e.kind === "capped" || e.kind === "no-consent" ? c.yellow(e.text) : e.kind === "send" ? c.green(e.text) : e.kind === "event" ? c.dim(e.text) : e.text;
    out.push(`  ${when}  ${(e.workflow ?? "").padEnd(26)}${text}`);
  }
  return out;
}

function notesText(notes: readonly Diagnostic[]): string[] {
  if (!notes.length) return [];
  return ["Assumptions and limits:", ...notes.map((n) => `  - ${n.message}${n.hint ? ` (${n.hint})` : ""}`)];
}

/* -------------------------------------------------------------- --compare */

/** The change in one sentence, biggest news first: "+18 % email per contact per week at p95; 2,140 more contacts hit `marketing_email`". */
export function comparisonHeadline(cmp: Comparison, mark: (s: string) => string = (s) => `\`${s}\``): string {
  const parts: string[] = [];
  const single = cmp.perContactWeek.length === 2;
  for (const row of cmp.perContactWeek) {
    if (row.channel === "all" && single) continue;
    const what = row.channel === "all" ? "messages" : `${row.channel} messages`;
    const total = cmp.totals.find((t) => t.channel === row.channel)!;
    // The worst case is the news; when it holds, the volume still tells the size of the change.
    if (row.before.p95 !== row.after.p95) parts.push(`${change(row.before.p95, row.after.p95)} ${what} per contact per week at p95 (${row.before.p95} → ${row.after.p95})`);
    else if (total.before !== total.after) parts.push(`${change(total.before, total.after)} ${what} (${num(total.before)} → ${num(total.after)})`);
  }
  for (const cap of cmp.caps) {
    const d = cap.contactsAfter - cap.contactsBefore;
    const stopped = cap.hitsAfter - cap.hitsBefore;
    if (d) parts.push(`${contacts(d)} hit ${mark(cap.cap)}`);
    else if (stopped) parts.push(`${num(Math.abs(stopped))} ${stopped > 0 ? "more" : "fewer"} sends stopped by ${mark(cap.cap)}`);
  }
  const o = cmp.overlaps.after - cmp.overlaps.before;
  if (o) parts.push(`${contacts(o)} in two journeys at once`);
  return parts.length ? parts.join("; ") : "no difference for customers";
}

/** "2,140 more contacts", "1 fewer contact". */
const contacts = (d: number) => `${num(Math.abs(d))} ${d > 0 ? "more" : "fewer"} contact${Math.abs(d) === 1 ? "" : "s"}`;

function change(before: number, after: number): string {
  if (before === 0) return after === 0 ? "±0 %" : "new:";
  const p = Math.round(((after - before) / before) * 100);
  return `${p >= 0 ? "+" : ""}${p} %`;
}

function comparisonRows(cmp: Comparison): { spreads: string[][]; caps: string[][]; workflows: string[][] } {
  const arrow = (b: number | string, a: number | string) => (b === a ? String(a) : `${b} → ${a}`);
  return {
    spreads: cmp.perContactWeek.map((r) => [
      r.channel === "all" ? "all channels" : r.channel, arrow(r.before.median, r.after.median), arrow(r.before.p95, r.after.p95),
      arrow(r.before.max, r.after.max), arrow(r.before.mean.toFixed(2), r.after.mean.toFixed(2)),
      arrow(num(cmp.totals.find((t) => t.channel === r.channel)!.before), num(cmp.totals.find((t) => t.channel === r.channel)!.after)),
    ]),
    caps: cmp.caps.map((c) => [c.cap, arrow(num(c.hitsBefore), num(c.hitsAfter)), arrow(num(c.contactsBefore), num(c.contactsAfter))]),
    workflows: cmp.workflows.map((w) => [w.workflow, arrow(num(w.reachBefore), num(w.reachAfter)), arrow(num(w.messagesBefore), num(w.messagesAfter)), arrow(num(w.convertedBefore), num(w.convertedAfter))]),
  };
}

export function comparisonText(cmp: Comparison, opts: { color?: boolean } = {}): string {
  const c = pc.createColors(opts.color ?? false);
  const rows = comparisonRows(cmp);
  const out = [
    c.bold(`Last applied vs working stack of ${cmp.after.stack} (${cmp.after.environment}): ${periodLine(cmp.after)}`), "",
    comparisonHeadline(cmp, (s) => s), "",
    c.bold("Messages per contact per week (last applied → working)"),
    ...textTable(["", "median", "p95", "max", "mean", "total sent"], rows.spreads, new Set([1, 2, 3, 4, 5])).map((l) => `  ${l}`), "",
    c.bold("Frequency caps"),
    ...textTable(["", "sends stopped", "contacts"], rows.caps, new Set([1, 2])).map((l) => `  ${l}`), "",
    `Contacts in two or more journeys at once: ${num(cmp.overlaps.before)} → ${num(cmp.overlaps.after)}`,
    ...cmp.overlaps.newPairs.map((p) => `  new: ${p.workflows.join(" + ")} (${people(p.contacts)})`), "",
  ];
  if (rows.workflows.length) {
    out.push(c.bold("Workflows that changed"), ...textTable(["", "reach", "messages", "goal met"], rows.workflows, new Set([1, 2, 3])).map((l) => `  ${l}`));
  } else out.push("No workflow's reach, messages or conversions changed.");
  return `${out.join("\n")}\n`;
}

/** The `--compare` summary as a pull-request comment section (`mops plan --format markdown --simulate`). */
export function comparisonMarkdown(cmp: Comparison): string {
  const rows = comparisonRows(cmp);
  const parts = [
    "#### 👥 What customers would get (simulated)",
    `**${mdText(comparisonHeadline(cmp))}**`,
    `<sub>${mdText(periodLine(cmp.after))}; last applied stack vs this change, same contacts and seed.</sub>`,
    mdTable(["Per contact per week", "median", "p95", "max", "mean", "total sent"], rows.spreads.map((r) => r.map(mdText))),
  ];
  if (rows.caps.length) parts.push(mdTable(["Frequency cap", "sends stopped", "contacts"], rows.caps.map(([n, ...rest]) => [code(n!), ...rest.map(mdText)])));
  if (rows.workflows.length) parts.push(mdTable(["Workflow", "reach", "messages", "goal met"], rows.workflows.map(([n, ...rest]) => [code(n!), ...rest.map(mdText)])));
  if (cmp.overlaps.newPairs.length) {
    parts.push(`New journeys at once: ${cmp.overlaps.newPairs.map((p) => `${p.workflows.map(code).join(" + ")} (${num(p.contacts)})`).join(", ")}`);
  }
  return parts.join("\n\n");
}
