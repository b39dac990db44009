import { CHANNELS, type Channel } from "../model";
import type { Simulation } from "./engine";
import { EXITS } from "./engine";
import { J } from "./journal";
import { DAY_MS } from "./population";
import type { SimulationResult, Spread, Timeline, TimelineEntry } from "./result";

/** The figures of a finished run: distributions, per-journey counts, and three contacts' days. */
export function summarize(sim: Simulation): SimulationResult {
  const { N, weeks, start, end } = sim;
  const C = CHANNELS.length;
  let contacts = 0;
  for (let c = 0; c < N; c++) if (sim.pop.created[c]! < end) contacts++;

  // Counts per (contact, week) are small whole numbers: percentiles come from a histogram.
  const totals: number[] = [];
  const byChannel = CHANNELS.map(() => [] as number[]);
  let pairs = 0;
  for (let c = 0; c < N; c++) {
    for (let w = 0; w < weeks; w++) {
      if (sim.pop.created[c]! > start + w * 7 * DAY_MS) continue;
      pairs++;
      let sum = 0;
      for (let ch = 0; ch < C; ch++) {
        const n = sim.weekly[(c * weeks + w) * C + ch]!;
        sum += n;
        (byChannel[ch]![n] = (byChannel[ch]![n] ?? 0) + 1);
      }
      totals[sum] = (totals[sum] ?? 0) + 1;
    }
  }
  const spreadByChannel: Partial<Record<Channel, Spread>> = {};
  CHANNELS.forEach((ch, i) => {
    if (byChannel[i]!.some((n, v) => v > 0 && n > 0)) spreadByChannel[ch] = spread(byChannel[i]!, pairs);
  });

  const total = sim.daily.reduce((t, d) => t + d.reduce((x, y) => x + y, 0), 0);
  const sentByChannel: Partial<Record<Channel, number>> = {};
  CHANNELS.forEach((ch, i) => {
    const n = sim.daily.reduce((t, d) => t + d[i]!, 0);
    if (n) sentByChannel[ch] = n;
  });
  let messaged = 0;
  for (let c = 0; c < N; c++) if (sim.messages[c]! > 0) messaged++;

  const pairList = [...sim.pairs].map(([k, set]) => ({ workflows: k.split("\u0000") as [string, string], contacts: set.size }))
    .sort((a, b) => b.contacts - a.contacts || a.workflows.join().localeCompare(b.workflows.join()));
  let overlapping = 0;
  for (let c = 0; c < N; c++) overlapping += sim.overlapFlag[c]!;

  const activeAtEnd = new Map<number, number>();
  for (const runs of sim.active) for (const r of runs ?? []) if (!r.done && !r.holdout) activeAtEnd.set(r.flow.index, (activeAtEnd.get(r.flow.index) ?? 0) + 1);
  const workflows = [
    ...sim.flows.map((f) => ({ ...f.stats, active: activeAtEnd.get(f.index) ?? 0 })),
    ...sim.skipped,
  ].sort((a, b) => a.workflow.localeCompare(b.workflow));

  return {
    stack: sim.opts.stack.name,
    environment: sim.opts.stack.environment,
    start: new Date(start).toISOString(),
    days: sim.opts.days,
    warmupDays: (start - sim.t0) / DAY_MS,
    seed: sim.opts.seed,
    contacts,
    weeks,
    messages: {
      total,
      byChannel: sentByChannel,
      perContactWeek: spread(totals, pairs),
      perContactWeekByChannel: spreadByChannel,
      histogram: Array.from({ length: totals.length }, (_, v) => totals[v] ?? 0),
      messagedContacts: messaged,
      blocked: {
        cap: sim.flows.reduce((t, f) => t + f.stats.capped, 0),
        consent: sim.flows.reduce((t, f) => t + f.stats.noConsent, 0),
      },
    },
    caps: sim.caps.map((c) => ({
      cap: c.name, max: c.spec.max, period: c.spec.period, channels: c.spec.channels, hits: c.hits, contacts: c.contacts,
      byWorkflow: Object.fromEntries(Object.entries(c.byWorkflow).sort(([a], [b]) => a.localeCompare(b))),
    })),
    overlaps: { contacts: overlapping, pairs: pairList },
    workflows,
    segments: sim.segNames.map((s, i) => ({ segment: s, atStart: sim.segStats[i]!.atStart, atEnd: sim.segStats[i]!.atEnd, entered: sim.segStats[i]!.entered, left: sim.segStats[i]!.left }))
      .sort((a, b) => a.segment.localeCompare(b.segment)),
    daily: sim.daily.map((d, i) => ({
      day: new Date(start + i * DAY_MS).toISOString().slice(0, 10),
      byChannel: Object.fromEntries(CHANNELS.map((ch, k) => [ch, d[k]!]).filter(([, n]) => n)) as Partial<Record<Channel, number>>,
    })),
    timelines: timelines(sim),
    notes: sim.notes,
  };
}

/** Median, p95, max and mean from a histogram (`h[v]` = how many have value v) over `n` items. */
function spread(h: number[], n: number): Spread {
  if (n === 0) return { median: 0, p95: 0, max: 0, mean: 0 };
  const at = (q: number) => {
    const rank = Math.ceil(q * n);
    let seen = 0;
    for (let v = 0; v < h.length; v++) {
      seen += h[v] ?? 0;
      if (seen >= rank) return v;
    }
    return h.length - 1;
  };
  let sum = 0, max = 0;
  h.forEach((k, v) => {
    if (!k) return;
    sum += k * v;
    max = v;
  });
  return { median: at(0.5), p95: at(0.95), max, mean: Math.round((sum / n) * 100) / 100 };
}

const MAX_ENTRIES = 80;

function timelines(sim: Simulation): Timeline[] {
  const { N } = sim;
  let busiest = -1;
  for (let c = 0; c < N; c++) if (sim.messages[c]! > 0 && (busiest < 0 || sim.messages[c]! > sim.messages[busiest]!)) busiest = c;
  const followed: Timeline[] = (sim.opts.follow ?? []).flatMap((id) => {
    const c = sim.pop.ids.indexOf(id);
    return c < 0 ? [] : [{ role: "followed" as const, contact: id, messages: sim.messages[c]!, entries: entries(sim, c) }];
  });
  if (busiest < 0) return followed;
  const messaged: number[] = [];
  for (let c = 0; c < N; c++) if (sim.messages[c]! > 0 && c !== busiest) messaged.push(c);
  messaged.sort((x, y) => sim.messages[x]! - sim.messages[y]! || x - y);
  const typical = messaged.length ? messaged[Math.floor((messaged.length - 1) / 2)]! : busiest;
  const hit: number[] = [];
  for (let c = 0; c < N; c++) if (sim.capHits[c]! > 0) hit.push(c);
  hit.sort((x, y) => sim.capHits[y]! - sim.capHits[x]! || x - y);
  // Another contact than the busiest when there is one: three different days tell more.
  const capped = hit.find((c) => c !== busiest) ?? hit[0] ?? -1;
  const out: Timeline[] = [
    { role: "busiest", contact: sim.pop.ids[busiest]!, messages: sim.messages[busiest]!, entries: entries(sim, busiest) },
    { role: "typical", contact: sim.pop.ids[typical]!, messages: sim.messages[typical]!, entries: entries(sim, typical) },
  ];
  if (capped >= 0) out.push({ role: "capped", contact: sim.pop.ids[capped]!, messages: sim.messages[capped]!, entries: entries(sim, capped) });
  return [...out, ...followed];
}

const EXIT_WORDS: Record<string, string> = {
  goal: "met the goal", suppressed: "suppressed", exit: "reached an exit step", completed: "finished the journey", loop: "stopped: loop",
};

function entries(sim: Simulation, c: number): TimelineEntry[] {
  const { journal: j, start, end } = sim;
  const at = (t: number) => `${new Date(t).toISOString().slice(0, 16)}Z`;
  const out: { t: number; e: TimelineEntry }[] = [];
  for (const i of j.of(c)) {
    const t = j.time[i]!;
    if (t < start || t >= end) continue;
    const f = sim.flows[j.flow[i]!]!;
    const send = f.program.sends[j.a[i]!];
    const what = send ? `${send.channel} \`${send.template}\`` : "";
    const base = { at: at(t), workflow: f.name };
    let e: TimelineEntry;
    switch (j.kind[i]) {
      case J.enter: e = { ...base, kind: "enter", text: `entered ${f.name}${j.a[i] ? " (holdout: gets no messages)" : ""}` }; break;
      case J.exit: e = { ...base, kind: "exit", text: `left ${f.name}: ${EXIT_WORDS[EXITS[j.a[i]!]!]}` }; break;
      case J.send: e = { ...base, kind: "send", text: `sent ${what} (${send!.label})` }; break;
      case J.capped: e = { ...base, kind: "capped", text: `${what} stopped by cap ${sim.caps[j.b[i]!]!.name}` }; break;
      case J.noConsent: e = { ...base, kind: "no-consent", text: `${what} not sent: no ${send!.subscription} consent` }; break;
      case J.opened: e = { ...base, kind: "opened", text: `opened \`${send!.template}\`` }; break;
      case J.clicked: e = { ...base, kind: "clicked", text: `clicked \`${send!.template}\`` }; break;
      case J.unsubscribed: e = { ...base, kind: "unsubscribed", text: `unsubscribed from ${send!.subscription}` }; break;
      case J.update: e = { ...base, kind: "update", text: `set ${sim.labels[j.a[i]!]}` }; break;
      case J.segment: e = { ...base, kind: "segment", text: sim.labels[j.a[i]!]! }; break;
      default: e = { ...base, kind: "webhook", text: "called a webhook" };
    }
    out.push({ t, e });
  }
  for (const ev of sim.events.between(c, start, end)) out.push({ t: ev.time, e: { at: at(ev.time), kind: "event", text: ev.event } });
  // What the contact did comes before what the journeys did about it at the same instant.
  out.sort((x, y) => x.t - y.t || Number(y.e.kind === "event") - Number(x.e.kind === "event"));
  return out.slice(0, MAX_ENTRIES).map((x) => x.e);
}
