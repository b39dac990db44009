import { diag, type Diagnostic } from "../diagnostics";
import {
  durationMs, isEventCondition, leaves, type Channel, type Condition, type Kind, type PropertySpec, type SpecOf, type Stack,
  type SubscriptionTypeSpec,
} from "../model";
import type {
  EngagementSpec, FollowUp, PopulationEventSpec, PopulationPropertySpec, PopulationSpec, ValueSpec,
} from "../model/population";
import { walkSteps } from "../model/refs";

/**
 * A population file resolved against the stacks it will run: every declared
 * property, subscription type, static segment and every event the stacks
 * count gets a rule, from the file or a stated default. Defaults are
 * reported as notes, so nobody mistakes an assumption for a measurement.
 */

export type Derived = { property: string } & ({ count_of: string } | { last_of: string } | { days_until: string });

export interface EngagementRates {
  delivered: number;
  opened: number;
  clicked: number;
  replied: number;
  unsubscribed: number;
  delayMs: number;
  converts?: FollowUp;
  /** Engagement recorded as contact events. */
  record: { action: "delivered" | "opened" | "clicked" | "replied" | "unsubscribed"; event: string }[];
}

export interface Assumptions {
  properties: Map<string, { type: PropertySpec["type"]; required: boolean; values?: string[]; rule: ValueSpec }>;
  derived: Derived[];
  consent: Map<string, { rate: number; requires?: string }>;
  segments: Map<string, number>;
  events: Map<string, PopulationEventSpec & { historyMs: number }>;
  /** Follow-ups by the event they follow. */
  followers: Map<string, { event: string; probability: number; delayMs: number }[]>;
  signups?: { perWeek: number; event?: string };
  engagement(template: string, channel: Channel): EngagementRates;
  contacts: number;
  seed: number;
}

const DEFAULT_RATES: Record<Channel, Omit<EngagementRates, "record" | "converts" | "delayMs">> = {
  email: { delivered: 0.98, opened: 0.3, clicked: 0.04, replied: 0.002, unsubscribed: 0.002 },
  sms: { delivered: 0.97, opened: 0.9, clicked: 0.06, replied: 0.02, unsubscribed: 0.01 },
  push: { delivered: 0.9, opened: 0.08, clicked: 0.08, replied: 0, unsubscribed: 0.003 },
  in_app: { delivered: 1, opened: 0.4, clicked: 0.06, replied: 0, unsubscribed: 0 },
  webhook: { delivered: 1, opened: 0, clicked: 0, replied: 0, unsubscribed: 0 },
};
const DEFAULT_DELAY = "3h";
const DEFAULT_EVENT: PopulationEventSpec = { per_week: 0.25, active: 0.5 };
const MIN_HISTORY_MS = durationMs("30d");
const EVER_HISTORY_MS = durationMs("365d");

function defaultRule(name: string, p: PropertySpec): ValueSpec {
  const missing = p.required ? 0 : p.type === "enum" || p.type === "boolean" ? 0.1 : 0.2;
  switch (p.type) {
    case "number": return { missing, distribution: "uniform", min: 0, max: 100, round: 0 };
    case "date": return { missing, within: "730d" };
    case "boolean": return { missing, weights: { true: 1, false: 1 } };
    case "enum": return { missing, weights: Object.fromEntries((p.values ?? [name]).map((v) => [v, 1])) };
    case "list": return { missing: 1 };
    default: return { missing };
  }
}

/** Every event the stack counts, with the longest window it is counted in (Infinity: "ever"). */
function eventWindows(stacks: readonly Stack[]): Map<string, number> {
  const out = new Map<string, number>();
  const note = (event: string, ms: number) => out.set(event, Math.max(out.get(event) ?? 0, ms));
  const scan = (c: Condition | undefined) => {
    if (!c) return;
    for (const l of leaves(c)) if (isEventCondition(l)) note(l.event, l.within === undefined ? Infinity : durationMs(l.within));
  };
  for (const stack of stacks) {
    for (const r of stack.resources) {
      if (r.kind === "segment") scan(r.spec.conditions);
      if (r.kind !== "workflow") continue;
      const w = r.spec;
      if (w.trigger.type === "event") note(w.trigger.event, 0);
      scan(w.entry_filter);
      scan(w.goal);
      for (const e of w.suppression?.events ?? []) scan(e);
      for (const { step } of walkSteps(w.steps)) if (step.type === "branch" && !("engagement" in step.condition)) scan(step.condition as Condition);
    }
  }
  return out;
}

function byKind<K extends Kind>(stacks: readonly Stack[], kind: K): Map<string, SpecOf[K]> {
  const out = new Map<string, SpecOf[K]>();
  for (const s of stacks) for (const r of s.resources) if (r.kind === kind) out.set(r.name, r.spec as SpecOf[K]);
  return out;
}

/**
 * Resolve a population file for these stacks (the working one, and for
 * `--compare` the last applied one too: one population for both).
 */
export function resolveAssumptions(spec: PopulationSpec, stacks: readonly Stack[], warmupMs: number): { value: Assumptions; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const note = (code: string, message: string) => diagnostics.push(diag(code, "info", message));
  const warn = (code: string, message: string, hint: string) => diagnostics.push(diag(code, "warning", message, { hint }));
  const declared = byKind(stacks, "property");
  const subscriptionTypes = byKind(stacks, "subscription_type");
  const staticSegments = [...byKind(stacks, "segment")].filter(([, s]) => s.type === "static").map(([n]) => n);
  const templates = byKind(stacks, "template");

  const properties: Assumptions["properties"] = new Map();
  const derived: Derived[] = [];
  const defaulted: string[] = [];
  for (const [name, p] of declared) {
    const rule: PopulationPropertySpec | undefined = spec.properties?.[name];
    if (rule && ("count_of" in rule || "last_of" in rule || "days_until" in rule)) {
      derived.push({ property: name, ...rule } as Derived);
      properties.set(name, { type: p.type, required: !!p.required, values: p.values, rule: { missing: 1 } });
      continue;
    }
    if (!rule) defaulted.push(name);
    properties.set(name, { type: p.type, required: !!p.required, values: p.values, rule: (rule as ValueSpec | undefined) ?? defaultRule(name, p) });
  }
  for (const name of Object.keys(spec.properties ?? {})) {
    if (!declared.has(name)) warn("simulate/unknown-property", `population: property \`${name}\` is not declared in the stack`, "declare it, or remove it from the population file");
  }
  if (defaulted.length) note("simulate/default-values", `population: default values assumed for ${defaulted.map((n) => `\`${n}\``).join(", ")}`);

  const consent: Assumptions["consent"] = new Map();
  for (const [name, s] of subscriptionTypes) {
    const given = spec.consent?.[name];
    const rate = given === undefined ? defaultConsent(s) : typeof given === "number" ? given : given.rate;
    consent.set(name, { rate, ...(typeof given === "object" && given.requires ? { requires: given.requires } : {}) });
  }
  for (const name of Object.keys(spec.consent ?? {})) {
    if (!subscriptionTypes.has(name)) warn("simulate/unknown-subscription-type", `population: subscription type \`${name}\` is not declared in the stack`, "fix the name or remove it");
  }

  const segments = new Map(staticSegments.map((n) => [n, spec.segments?.[n] ?? 0]));

  const windows = eventWindows(stacks);
  const eventNames = new Set<string>([...windows.keys(), ...Object.keys(spec.events ?? {})]);
  for (const d of derived) if ("count_of" in d) eventNames.add(d.count_of); else if ("last_of" in d) eventNames.add(d.last_of);
  if (spec.signups?.event) eventNames.add(spec.signups.event);
  const recordSpecs: (EngagementSpec | undefined)[] = [
    spec.engagement?.default, ...Object.values(spec.engagement?.channels ?? {}), ...Object.values(spec.engagement?.templates ?? {}),
  ];
  const recorded = new Set(recordSpecs.flatMap((r) => Object.values(r?.record ?? {}) as string[]));
  for (const e of recorded) eventNames.add(e);
  const events: Assumptions["events"] = new Map();
  const assumed: string[] = [];
  for (const name of [...eventNames].sort()) {
    const given = spec.events?.[name];
    // Signups and engagement records are events the simulation makes itself.
    const made = name === spec.signups?.event || recorded.has(name);
    if (!given && !made) assumed.push(name);
    const window = windows.get(name) ?? 0;
    const counted = window === Infinity ? EVER_HISTORY_MS : Math.max(MIN_HISTORY_MS, window);
    const historyMs = (given?.history ? durationMs(given.history) : counted) + warmupMs;
    events.set(name, { ...(given ?? (made ? { per_week: 0 } : DEFAULT_EVENT)), historyMs });
  }
  if (assumed.length) note("simulate/default-events", `population: no rate given for ${assumed.map((n) => `\`${n}\``).join(", ")}: assumed ${DEFAULT_EVENT.per_week} a week for half of the contacts`);

  const followers: Assumptions["followers"] = new Map();
  for (const [name, e] of events) {
    if (!e.after) continue;
    const list = followers.get(e.after.event) ?? [];
    list.push({ event: name, probability: e.after.probability, delayMs: durationMs(e.after.delay) });
    followers.set(e.after.event, list);
  }

  for (const t of Object.keys(spec.engagement?.templates ?? {})) {
    if (!templates.has(t)) warn("simulate/unknown-template", `population: engagement for template \`${t}\`, which is not declared`, "fix the name or remove it");
  }
  const engagement = (template: string, channel: Channel): EngagementRates => {
    const layers = [spec.engagement?.default, spec.engagement?.channels?.[channel], spec.engagement?.templates?.[template]];
    const merged: EngagementSpec = Object.assign({}, ...layers.filter(Boolean));
    const base = DEFAULT_RATES[channel];
    return {
      delivered: merged.delivered ?? base.delivered,
      opened: merged.opened ?? base.opened,
      clicked: merged.clicked ?? base.clicked,
      replied: merged.replied ?? base.replied,
      unsubscribed: merged.unsubscribed ?? base.unsubscribed,
      delayMs: durationMs(merged.delay ?? DEFAULT_DELAY),
      ...(merged.converts ? { converts: merged.converts } : {}),
      record: Object.entries(Object.assign({}, ...layers.map((l) => l?.record ?? {})) as Record<string, string>)
        .map(([action, event]) => ({ action: action as EngagementRates["record"][number]["action"], event })),
    };
  };

  return {
    value: {
      properties, derived, consent, segments, events, followers, engagement,
      ...(spec.signups ? { signups: { perWeek: spec.signups.per_week, ...(spec.signups.event ? { event: spec.signups.event } : {}) } } : {}),
      contacts: spec.contacts ?? 10_000,
      seed: spec.seed ?? 1,
    },
    diagnostics,
  };
}

const defaultConsent = (s: SubscriptionTypeSpec) => (s.default === "opt_out" ? 0.95 : 0.5);
