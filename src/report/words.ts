import type { Condition, EngagementCondition, EventCondition, PropertyCondition, Step, Trigger, WorkflowSpec } from "../model";
import { isAll, isAny, isConsent, isEventCondition, isMembership, isNot, isPropertyCondition, maskedValue } from "../model";

/**
 * Plain-language renderings of the model, for readers who never open YAML:
 * diagram labels, inventory columns, pull-request comments. Plain text only;
 * each renderer escapes for its own medium.
 */

const UNITS: Record<string, [string, string]> = {
  m: ["minute", "minutes"],
  h: ["hour", "hours"],
  d: ["day", "days"],
  w: ["week", "weeks"],
};

/** `3d` -> `3 days`; anything unexpected is returned unchanged. */
export function durationWords(d: string): string {
  const m = /^(-?)([0-9]+)(m|h|d|w)$/.exec(d);
  if (!m) return d;
  const n = Number(m[2]);
  const [one, many] = UNITS[m[3]];
  return `${n} ${n === 1 ? one : many}`;
}

const OPS: Record<string, string> = {
  eq: "=", neq: "≠", gt: ">", gte: "≥", lt: "<", lte: "≤",
  contains: "contains", starts_with: "starts with",
};

const scalar = (v: unknown): string => (typeof v === "string" ? v : JSON.stringify(v));
const list = (v: unknown): string => (Array.isArray(v) ? v.map(scalar).join(", ") : scalar(v));

function relative(v: unknown): string {
  return typeof v === "string" && /^[0-9]+(m|h|d|w)$/.test(v) ? `${durationWords(v)} ago` : scalar(v);
}

function propertyWords(c: PropertyCondition): string {
  const p = c.property;
  switch (c.op) {
    case "in": return `${p} is one of ${list(c.value)}`;
    case "not_in": return `${p} is not one of ${list(c.value)}`;
    case "between": {
      const [lo, hi] = Array.isArray(c.value) ? c.value : [c.value, c.value];
      return `${p} between ${scalar(lo)} and ${scalar(hi)}`;
    }
    case "exists": return `${p} is set`;
    case "not_exists": return `${p} is not set`;
    case "within": return `${p} within the last ${durationWords(String(c.value))}`;
    case "before": return `${p} before ${relative(c.value)}`;
    case "after": return `${p} after ${relative(c.value)}`;
    default: return `${p} ${OPS[c.op] ?? c.op} ${list(c.value)}`;
  }
}

function eventWords(c: EventCondition): string {
  const window = c.within ? ` in the last ${durationWords(c.within)}` : "";
  const where = c.where?.length ? ` (where ${c.where.map(propertyWords).join(" and ")})` : "";
  let count: string;
  if (c.at_most === 0) return `no ${c.event}${where}${window}`;
  if (c.at_least !== undefined && c.at_most !== undefined) count = ` ${c.at_least}–${c.at_most} times`;
  else if (c.at_least !== undefined && c.at_least > 1) count = ` at least ${c.at_least} times`;
  else if (c.at_most !== undefined) count = ` at most ${c.at_most} times`;
  else count = "";
  return `${c.event}${where}${count}${window}`;
}

export const isEngagement = (c: Condition | EngagementCondition): c is EngagementCondition => "engagement" in c;

/** A condition tree in words; nested groups get parentheses so `and`/`or` stay unambiguous. */
export function conditionWords(c: Condition | EngagementCondition, nested = false): string {
  if (isEngagement(c)) {
    const e = c.engagement;
    return `${e.action} ${e.step}${e.within ? ` within ${durationWords(e.within)}` : ""}`;
  }
  const group = (parts: Condition[], joiner: string): string => {
    const text = parts.map((x) => conditionWords(x, true)).join(joiner);
    return nested && parts.length > 1 ? `(${text})` : text;
  };
  if (isAll(c)) return group(c.all, " and ");
  if (isAny(c)) return group(c.any, " or ");
  if (isNot(c)) return `not ${conditionWords(c.not, true)}`;
  if (isPropertyCondition(c)) return propertyWords(c);
  if (isEventCondition(c)) return eventWords(c);
  if (isMembership(c)) return `in segment ${c.in_segment}`;
  if (isConsent(c)) return `consented to ${c.consent}`;
  return JSON.stringify(c);
}

export function triggerWords(t: Trigger): string {
  switch (t.type) {
    case "segment_entry": return `enters segment ${t.segment}`;
    case "event": {
      const where = t.where?.length ? ` where ${t.where.map(propertyWords).join(" and ")}` : "";
      return `event ${t.event}${where}`;
    }
    case "date": {
      const when = t.anniversary ? `each anniversary of ${t.property}` : t.property;
      if (!t.offset) return `on ${when}`;
      const before = t.offset.startsWith("-");
      return `${durationWords(t.offset.replace(/^-/, ""))} ${before ? "before" : "after"} ${when}`;
    }
    case "manual": return "manual enrollment";
    default: return JSON.stringify(t);
  }
}

/** Who of those triggering a workflow may enter it, in words: entry filter, suppression, rollout. */
export function audienceWords(wf: WorkflowSpec): string {
  const parts: string[] = [];
  if (wf.entry_filter) parts.push(`only if ${conditionWords(wf.entry_filter)}`);
  const sup = suppressionWords(wf);
  if (sup) parts.push(`never if ${sup}`);
  if (wf.rollout_percent !== undefined && wf.rollout_percent < 100) parts.push(`${wf.rollout_percent}% rollout`);
  if (wf.holdout_percent) parts.push(`${wf.holdout_percent}% held out`);
  return parts.length ? parts.join("; ") : "everyone triggering it";
}

export function suppressionWords(wf: WorkflowSpec): string | undefined {
  const s = wf.suppression;
  if (!s) return undefined;
  const parts = [
    ...(s.segments ?? []).map((x) => `in segment ${x}`),
    ...(s.events ?? []).map(eventWords),
  ];
  return parts.length ? parts.join(" or ") : undefined;
}

/** One line per step, used as diagram labels: "Send email · welcome_1". */
export function stepWords(s: Step): string {
  switch (s.type) {
    case "wait": {
      const parts: string[] = [];
      if (s.duration) parts.push(durationWords(s.duration));
      if (s.until) {
        const u = s.until;
        const days = u.weekday?.length ? ` ${u.weekday.join("/")}` : "";
        const at = u.time ? ` ${u.time}` : "";
        const tz = u.timezone ? ` ${u.timezone}` : "";
        parts.push(`until${days}${at}${tz}`.trim());
      }
      if (s.max) parts.push(`at most ${durationWords(s.max)}`);
      return `Wait ${parts.join(", ") || "(no duration)"}`;
    }
    case "send": {
      const extra = s.transactional ? " (transactional)" : s.subscription_type ? ` (consent ${s.subscription_type})` : "";
      return `Send ${s.channel} · ${s.template}${extra}`;
    }
    case "branch": return `If ${conditionWords(s.condition)}`;
    case "split": return `Split ${s.paths.map((p) => `${p.percent}%`).join(" / ")}`;
    case "update_property": return `Set ${s.property} = ${s.value === null ? "(cleared)" : scalar(s.value)}`;
    case "add_to_segment": return `Add to segment ${s.segment}`;
    case "remove_from_segment": return `Remove from segment ${s.segment}`;
    case "webhook": return `Webhook ${s.method ?? "POST"} ${String(maskedValue(s.url))}`;
    case "exit": return "Exit";
    default: return JSON.stringify(s);
  }
}

/** Every channel a workflow sends on, in order of first use. */
export function workflowChannels(wf: WorkflowSpec): string[] {
  const out = new Set<string>();
  for (const { step } of walkSteps(wf.steps)) {
    if (step.type === "send") out.add(step.channel);
    if (step.type === "webhook") out.add("webhook");
  }
  return [...out];
}

/** `steps[2].then[0]` -> `step 3 › yes › 1`: where a step sits, for people. */
export function stepPathWords(path: string): string {
  return path
    .replace(/^steps\[(\d+)\]/, (_, i: string) => `step ${Number(i) + 1}`)
    .replace(/\.then\[(\d+)\]/g, (_, i: string) => ` › yes › ${Number(i) + 1}`)
    .replace(/\.else\[(\d+)\]/g, (_, i: string) => ` › no › ${Number(i) + 1}`)
    .replace(/\.paths\[(\d+)\]\.steps\[(\d+)\]/g, (_, p: string, i: string) => ` › path ${Number(p) + 1} › ${Number(i) + 1}`);
}

/** A step with its path in the spec: `steps[2]`, `steps[2].then[0]`, `steps[3].paths[1].steps[0]`. */
export interface PlacedStep {
  step: Step;
  path: string;
}

/** Every step, depth first, with its path. */
export function* walkSteps(steps: Step[], prefix = "steps"): Generator<PlacedStep> {
  for (let i = 0; i < steps.length; i++) yield* walkStep(steps[i], `${prefix}[${i}]`);
}

/** One step and everything nested in it. */
export function* walkStep(step: Step, path: string): Generator<PlacedStep> {
  yield { step, path };
  if (step.type === "branch") {
    yield* walkSteps(step.then, `${path}.then`);
    if (step.else) yield* walkSteps(step.else, `${path}.else`);
  } else if (step.type === "split") {
    for (let p = 0; p < step.paths.length; p++) yield* walkSteps(step.paths[p].steps, `${path}.paths[${p}].steps`);
  }
}
