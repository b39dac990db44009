import type { Diagnostic, Fix } from "../../diagnostics";
import { address, durationMs, type Channel, type FrequencyCapSpec, type WorkflowSpec } from "../../model";
import type { AnalysisContext, Rule } from "../context";
import { routes, sends, type Route } from "../steps";

/**
 * Worst-case marketing sends one contact can get from one workflow within
 * `periodMs`: the fastest route through the journey, repeated as often as
 * re-enrollment allows (the journey must finish, and `after` must pass,
 * before the contact can enter again).
 */
export function worstCaseSends(w: WorkflowSpec, periodMs: number, counts: (s: Route["sends"][number]["step"]) => boolean): number {
  let worst = 0;
  for (const r of routes(w.steps)) {
    const times = r.sends.filter((s) => counts(s.step)).map((s) => s.at);
    if (times.length === 0) continue;
    let all = times;
    if (w.reenrollment?.allowed) {
      const gap = Math.max(r.end, w.reenrollment.after ? durationMs(w.reenrollment.after) : 0);
      if (gap === 0) return Infinity;
      all = [];
      for (let k = 0; k * gap < periodMs + r.end && all.length < 100_000; k++) for (const t of times) all.push(t + k * gap);
    }
    worst = Math.max(worst, maxInWindow(all.sort((a, b) => a - b), periodMs));
  }
  return worst;
}

/** Most points of a sorted list inside any half-open window [s, s + len). */
function maxInWindow(sorted: number[], len: number): number {
  let best = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i] - sorted[j] >= len) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

/**
 * The most sends one contact can collect: the heaviest group of workflows
 * whose audiences pairwise can overlap (a clique; "cannot decide" counts as
 * overlapping). Exact search for small groups; beyond that, the plain sum.
 */
function heaviestOverlap(ctx: AnalysisContext, items: Contribution[]): { total: number; members: Contribution[] } {
  const sum = items.reduce((s, c) => s + c.sends, 0);
  if (items.length > 24) return { total: sum, members: items };
  const ws = items.map((i) => [i.workflow, ctx.workflows.get(i.workflow)!] as const);
  const meets = items.map((_, a) => items.map((_, b) =>
    a === b || ctx.solver.overlap(...ws[a], ...ws[b]).status !== "unsat"));
  let best = 0;
  let members: number[] = [];
  const grow = (chosen: number[], from: number, weight: number, rest: number) => {
    if (weight > best) [best, members] = [weight, chosen];
    if (weight + rest <= best) return;
    for (let k = from; k < items.length; k++) {
      rest -= items[k].sends;
      if (chosen.every((c) => meets[c][k])) grow([...chosen, k], k + 1, weight + items[k].sends, rest);
    }
  };
  grow([], 0, 0, sum);
  return { total: best, members: members.map((k) => items[k]) };
}

interface Contribution { workflow: string; sends: number }

/** What each active workflow a cap limits contributes to one contact's worst case within its period. */
function contributions(ctx: AnalysisContext, cap: FrequencyCapSpec): Contribution[] {
  const periodMs = durationMs(cap.period);
  const countTransactional = cap.exempt?.transactional === false;
  const out: Contribution[] = [];
  for (const [name, w] of ctx.workflows) {
    if (w.status !== "active" || (cap.exempt?.workflows ?? []).includes(name)) continue;
    const n = worstCaseSends(w, periodMs, (s) => cap.channels.includes(s.channel) && (countTransactional || !s.transactional));
    if (n === 0) continue;
    // A workflow nobody can enter sends nothing.
    if (ctx.solver.intersect(ctx.solver.audience(name, w)).status === "unsat") continue;
    out.push({ workflow: name, sends: n });
  }
  return out;
}

/**
 * The exemptions that bring a cap's worst case within its limit: the
 * heaviest contributors first, as few as it takes.
 */
function exemptionsThatFit(ctx: AnalysisContext, items: Contribution[], max: number): string[] | undefined {
  const byWeight = [...items].sort((a, b) => b.sends - a.sends || (a.workflow < b.workflow ? -1 : 1));
  for (let k = 1; k <= byWeight.length; k++) {
    const out = new Set(byWeight.slice(0, k).map((c) => c.workflow));
    if (heaviestOverlap(ctx, items.filter((c) => !out.has(c.workflow))).total <= max) return [...out];
  }
  return undefined;
}

export const capBudget: Rule = (ctx) => {
  const out: Diagnostic[] = [];
  for (const [capName, cap] of ctx.all("frequency_cap")) {
    const items = contributions(ctx, cap);
    const { total, members } = heaviestOverlap(ctx, items);
    if (total <= cap.max) continue;
    members.sort((a, b) => b.sends - a.sends || (a.workflow < b.workflow ? -1 : 1));
    const shown = members.map((c) => `${c.workflow} (${c.sends === Infinity ? "unbounded" : c.sends})`).join(", ");
    const exempt = exemptionsThatFit(ctx, items, cap.max);
    const addr = address("frequency_cap", capName);
    out.push(ctx.finding("cap/exceeded", "warning", { kind: "frequency_cap", name: capName }, ["max"],
      `one contact can get ${total === Infinity ? "an unbounded number of" : `up to ${total}`} marketing ${cap.channels.join("/")} messages in ${cap.period}, above this cap of ${cap.max}: ${shown}`,
      {
        hint: "space the sends with waits, limit re-enrollment (`reenrollment.after`), suppress overlapping audiences, or exempt a workflow deliberately",
        detail: { cap: capName, max: cap.max, period: cap.period, worstCase: total === Infinity ? "unbounded" : total, workflows: members },
        fixes: exempt ? [{
          title: `exempt ${exempt.map((w) => `\`workflow.${w}\``).join(", ")} from this cap (they then send outside it)`,
          safe: false,
          edits: exempt.map((w) => ({ address: addr, path: ["exempt", "workflows"], op: "append" as const, value: w })),
        }] : [],
      }));
  }
  return out;
};

/**
 * Marketing sends on a channel no cap mentions. A workflow a cap exempts by
 * name is a decision, not an oversight, and is not reported.
 */
export const uncoveredSends: Rule = (ctx) => {
  const out: Diagnostic[] = [];
  const caps = [...ctx.all("frequency_cap").values()];
  const proposed = new Map<Channel, Fix | undefined>();
  for (const [name, w] of ctx.workflows) {
    if (w.status !== "active") continue;
    const reported = new Set<Channel>();
    for (const { step, path } of sends(w)) {
      if (step.transactional || reported.has(step.channel)) continue;
      if (caps.some((c) => c.channels.includes(step.channel))) continue;
      reported.add(step.channel);
      if (!proposed.has(step.channel)) proposed.set(step.channel, capFor(ctx, step.channel));
      const fix = proposed.get(step.channel);
      out.push(ctx.finding("cap/uncovered-send", "warning", { kind: "workflow", name }, path,
        `marketing ${step.channel} from \`workflow.${name}\` is limited by no frequency cap`,
        { hint: `declare a \`frequency_caps\` entry whose channels include ${step.channel}`, detail: { channel: step.channel }, fixes: fix ? [fix] : [] }));
    }
  }
  return out;
};

/** A weekly cap on `channel` at today's worst case: it holds what the journeys do now, and any addition is checked against it. */
function capFor(ctx: AnalysisContext, channel: Channel): Fix | undefined {
  const cap: FrequencyCapSpec = { max: 1, period: "7d", channels: [channel] };
  const { total } = heaviestOverlap(ctx, contributions(ctx, cap));
  if (!Number.isFinite(total)) return undefined;
  const taken = ctx.all("frequency_cap");
  const name = [`${channel}_weekly`, `${channel}_marketing_weekly`].find((n) => !taken.has(n));
  if (!name) return undefined;
  return {
    title: `declare frequency_cap.${name}: at most ${Math.max(1, total)} ${channel} messages in 7d (today's worst case)`,
    safe: false,
    edits: [{ address: address("frequency_cap", name), path: [], op: "set", value: { ...cap, max: Math.max(1, total) } }],
  };
}

/** How Mops makes a cap hold where the platform has no API for it (platform facts, §0, §1.6, §2.5, §3.8). */
function enforcement(provider: string, cap: FrequencyCapSpec): string | undefined {
  const filter = "adds an entry filter to every workflow that sends on these channels, excluding contacts who already reached the cap in the period";
  const email = cap.channels.includes("email");
  switch (provider) {
    case "hubspot":
      return `HubSpot has no API for its account-level send-frequency limit: Mops ${filter}${email ? ", and sets `limitSendFrequency` on every marketing email it manages so the portal's own limit also applies" : ""}`;
    case "klaviyo":
      return `Klaviyo offers only per-message Smart Sending: Mops ${filter}${email || cap.channels.includes("sms") ? ", and turns on `smart_sending_enabled` on every marketing message it manages" : ""}`;
    case "braze":
      return `Braze global frequency capping can only be set in its dashboard: Mops ${filter}, and reports when the dashboard rule differs`;
    default:
      return undefined;
  }
}

export const capEnforcement: Rule = (ctx) => {
  const provider = ctx.provider;
  if (!provider) return [];
  const out: Diagnostic[] = [];
  for (const [name, cap] of ctx.all("frequency_cap")) {
    const how = enforcement(provider, cap);
    if (how) out.push(ctx.finding("cap/enforcement", "info", { kind: "frequency_cap", name }, undefined, `${how}.`, {
      hint: "nothing to change in the stack; keep the platform's own setting in line with this cap",
      detail: { provider },
    }));
  }
  return out;
};
