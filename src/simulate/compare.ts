import { CHANNELS, type Channel } from "../model";
import type { SimulationResult, Spread } from "./result";

/**
 * The difference a change makes for customers: the last applied stack and
 * the working one, run over the same people with the same seed.
 */
export interface Comparison {
  before: SimulationResult;
  after: SimulationResult;
  /** Messages per contact per week, all channels ("all") and each channel either run sent on. */
  perContactWeek: { channel: Channel | "all"; before: Spread; after: Spread }[];
  totals: { channel: Channel | "all"; before: number; after: number }[];
  caps: { cap: string; hitsBefore: number; hitsAfter: number; contactsBefore: number; contactsAfter: number }[];
  overlaps: { before: number; after: number; newPairs: { workflows: [string, string]; contacts: number }[] };
  /** Workflows whose reach, messages or conversions differ, and those only one side runs. */
  workflows: { workflow: string; reachBefore: number; reachAfter: number; messagesBefore: number; messagesAfter: number; convertedBefore: number; convertedAfter: number }[];
}

const sum = (m: Partial<Record<Channel, number>>) => Object.values(m).reduce((t, n) => t + (n ?? 0), 0);

export function compareResults(before: SimulationResult, after: SimulationResult): Comparison {
  const channels = CHANNELS.filter((c) => before.messages.byChannel[c] || after.messages.byChannel[c]);
  const zero: Spread = { median: 0, p95: 0, max: 0, mean: 0 };
  const perContactWeek: Comparison["perContactWeek"] = [
    { channel: "all", before: before.messages.perContactWeek, after: after.messages.perContactWeek },
    ...channels.map((ch) => ({ channel: ch, before: before.messages.perContactWeekByChannel[ch] ?? zero, after: after.messages.perContactWeekByChannel[ch] ?? zero })),
  ];
  const totals: Comparison["totals"] = [
    { channel: "all", before: before.messages.total, after: after.messages.total },
    ...channels.map((ch) => ({ channel: ch, before: before.messages.byChannel[ch] ?? 0, after: after.messages.byChannel[ch] ?? 0 })),
  ];
  const capNames = [...new Set([...before.caps, ...after.caps].map((c) => c.cap))].sort();
  const caps = capNames.map((cap) => {
    const b = before.caps.find((c) => c.cap === cap), a = after.caps.find((c) => c.cap === cap);
    return { cap, hitsBefore: b?.hits ?? 0, hitsAfter: a?.hits ?? 0, contactsBefore: b?.contacts ?? 0, contactsAfter: a?.contacts ?? 0 };
  });
  const key = (p: { workflows: [string, string] }) => p.workflows.join("\u0000");
  const old = new Set(before.overlaps.pairs.map(key));
  const names = [...new Set([...before.workflows, ...after.workflows].map((w) => w.workflow))].sort();
  const workflows = names.flatMap((name) => {
    const b = before.workflows.find((w) => w.workflow === name), a = after.workflows.find((w) => w.workflow === name);
    const row = {
      workflow: name,
      reachBefore: b?.reach ?? 0, reachAfter: a?.reach ?? 0,
      messagesBefore: b ? sum(b.messages) : 0, messagesAfter: a ? sum(a.messages) : 0,
      convertedBefore: b?.converted ?? 0, convertedAfter: a?.converted ?? 0,
    };
    const same = row.reachBefore === row.reachAfter && row.messagesBefore === row.messagesAfter && row.convertedBefore === row.convertedAfter;
    return same && a && b ? [] : [row];
  });
  return {
    before, after, perContactWeek, totals, caps,
    overlaps: { before: before.overlaps.contacts, after: after.overlaps.contacts, newPairs: after.overlaps.pairs.filter((p) => !old.has(key(p))) },
    workflows,
  };
}
