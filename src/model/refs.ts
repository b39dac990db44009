import type { Condition } from "./condition";
import type { FrequencyCapSpec, SegmentSpec, Step, UserSpec, WorkflowSpec } from "./kinds";
import type { Kind } from "./stack";

/**
 * Where specs name other resources. Dependency graphs, reference checks, wire
 * mappings and reports all read the sites from here, so a new reference site
 * is added once and every consumer sees it.
 */

/** A path inside a spec: object keys and array indexes. */
export type RefPath = readonly (string | number)[];

/** `steps[2].then[0].segment`: a path as messages show it. */
export const pathText = (path: RefPath): string =>
  path.map((k, i) => (typeof k === "number" ? `[${k}]` : i === 0 ? k : `.${k}`)).join("");

/** One name a spec uses, the kind it names and where it sits. */
export interface Reference {
  kind: Kind;
  name: string;
  path: RefPath;
}

/** Every step with its path inside the spec, depth first (a branch's `then` before its `else`). */
export function* walkSteps(steps: readonly Step[], base: RefPath = ["steps"]): Generator<{ step: Step; path: RefPath }> {
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    const path = [...base, i];
    yield { step, path };
    if (step.type === "branch") {
      yield* walkSteps(step.then ?? [], [...path, "then"]);
      if (step.else) yield* walkSteps(step.else, [...path, "else"]);
    } else if (step.type === "split") {
      for (let p = 0; p < step.paths.length; p++) yield* walkSteps(step.paths[p]!.steps ?? [], [...path, "paths", p, "steps"]);
    }
  }
}

function* ref(kind: Kind, name: unknown, path: RefPath): Generator<Reference> {
  if (typeof name === "string") yield { kind, name, path };
}

function* refList(kind: Kind, names: unknown, path: RefPath): Generator<Reference> {
  if (Array.isArray(names)) for (let i = 0; i < names.length; i++) yield* ref(kind, names[i], [...path, i]);
}

/**
 * References in a condition tree. An event leaf names its event; its
 * `where` filters name the event's own properties, not contact properties.
 */
export function* conditionReferences(c: Condition | undefined, base: RefPath): Generator<Reference> {
  if (!c || typeof c !== "object") return;
  if ("all" in c) for (let i = 0; i < c.all.length; i++) yield* conditionReferences(c.all[i], [...base, "all", i]);
  else if ("any" in c) for (let i = 0; i < c.any.length; i++) yield* conditionReferences(c.any[i], [...base, "any", i]);
  else if ("not" in c) yield* conditionReferences(c.not, [...base, "not"]);
  else if ("in_segment" in c) yield* ref("segment", c.in_segment, [...base, "in_segment"]);
  else if ("consent" in c) yield* ref("subscription_type", c.consent, [...base, "consent"]);
  else if ("event" in c) yield* ref("event", c.event, [...base, "event"]);
  else if ("property" in c && "op" in c) yield* ref("property", c.property, [...base, "property"]);
}

/** References a step makes itself (not those of the steps nested in it). Engagement step ids name steps, not resources. */
export function* stepReferences(step: Step, path: RefPath): Generator<Reference> {
  switch (step.type) {
    case "send":
      yield* ref("template", step.template, [...path, "template"]);
      yield* ref("subscription_type", step.subscription_type, [...path, "subscription_type"]);
      break;
    case "branch":
      if (!("engagement" in step.condition)) yield* conditionReferences(step.condition as Condition, [...path, "condition"]);
      break;
    case "update_property":
      yield* ref("property", step.property, [...path, "property"]);
      break;
    case "add_to_segment":
    case "remove_from_segment":
      yield* ref("segment", step.segment, [...path, "segment"]);
      break;
    default:
      break;
  }
}

/**
 * Every reference in a spec of `kind`, with its path. Workflows yield in the
 * order trigger, entry filter, steps (depth first), goal, suppression.
 */
export function* references(kind: Kind, spec: unknown): Generator<Reference> {
  if (!spec || typeof spec !== "object") return;
  switch (kind) {
    case "segment":
      yield* conditionReferences((spec as SegmentSpec).conditions, ["conditions"]);
      break;
    case "workflow": {
      const w = spec as WorkflowSpec;
      if (w.trigger?.type === "segment_entry") yield* ref("segment", w.trigger.segment, ["trigger", "segment"]);
      if (w.trigger?.type === "date") yield* ref("property", w.trigger.property, ["trigger", "property"]);
      if (w.trigger?.type === "event") yield* ref("event", w.trigger.event, ["trigger", "event"]);
      yield* conditionReferences(w.entry_filter, ["entry_filter"]);
      for (const { step, path } of walkSteps(w.steps ?? [])) yield* stepReferences(step, path);
      yield* conditionReferences(w.goal, ["goal"]);
      yield* refList("segment", w.suppression?.segments, ["suppression", "segments"]);
      for (const [i, e] of (w.suppression?.events ?? []).entries()) yield* conditionReferences(e, ["suppression", "events", i]);
      break;
    }
    case "user": {
      const u = spec as UserSpec;
      yield* ref("role", u.role, ["role"]);
      yield* refList("team", u.teams, ["teams"]);
      break;
    }
    case "frequency_cap":
      yield* refList("workflow", (spec as FrequencyCapSpec).exempt?.workflows, ["exempt", "workflows"]);
      break;
    default:
      break;
  }
}

/** A copy of `spec` with each reference replaced by `fn(reference)`; the input is left as it is. */
export function mapReferences<T>(kind: Kind, spec: T, fn: (ref: Reference) => string): T {
  const out = structuredClone(spec);
  for (const r of references(kind, spec)) {
    const parent = r.path.slice(0, -1).reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], out);
    (parent as Record<string | number, unknown>)[r.path[r.path.length - 1]!] = fn(r);
  }
  return out;
}
