import { isPropertyCondition, leaves, type Condition, type PropertySpec, type Resource, type SegmentSpec, type TemplateSpec, type WorkflowSpec } from "../../src/model";
import { walkSteps } from "../../src/model/refs";
import type { LiveObject } from "../../src/provider/types";
import { unsupported, type KindOps } from "./kind";

/**
 * Profile properties. Klaviyo keeps no property definitions: a property exists
 * once a profile has a value for it (set by a form, an integration, the API or
 * a flow's update-profile action). Mops lists the properties the account's
 * segments, flows and templates use, with the type their conditions imply, so imported
 * stacks declare what they refer to; declaring one is a manual step with
 * nothing to click.
 */

export const PROPERTY_NOTE = "Klaviyo keeps no property definitions: a profile property exists once a profile has a value for it (Audience > Profiles > a profile > Properties shows them); Mops reads the properties segments, flows and templates use";

type Type = PropertySpec["type"];

function typeOfCondition(c: Condition): Type | undefined {
  if (!isPropertyCondition(c)) return undefined;
  if (["within", "before", "after"].includes(c.op)) return "date";
  const v = Array.isArray(c.value) ? c.value[0] : c.value;
  return typeof v === "number" ? "number" : typeof v === "boolean" ? "boolean" : undefined;
}

/** Bare merge fields (`{{ first_name }}`, `{{ first_name | default: "x" }}`): profile properties a template shows. */
const MERGE_FIELD = /\{\{\s*([a-z][a-z0-9_]*)\s*(?:\||\}\})/g;

/** Property name -> the type its uses imply (string when nothing says more). */
export function usedProperties(segments: readonly SegmentSpec[], workflows: readonly WorkflowSpec[], templates: readonly TemplateSpec[] = []): Map<string, Type> {
  const out = new Map<string, Type>();
  const see = (name: string, t: Type | undefined) => {
    const was = out.get(name);
    if (was === undefined || (was === "string" && t)) out.set(name, t ?? "string");
  };
  const conditions = (c: Condition | undefined) => {
    if (!c) return;
    for (const l of leaves(c)) if (isPropertyCondition(l)) see(l.property, typeOfCondition(l));
  };
  for (const t of templates) for (const text of [t.subject, t.preheader, t.body]) for (const m of (text ?? "").matchAll(MERGE_FIELD)) see(m[1]!, undefined);
  for (const s of segments) conditions(s.conditions);
  for (const w of workflows) {
    conditions(w.entry_filter);
    if (w.trigger.type === "date") see(w.trigger.property, "date");
    for (const { step } of walkSteps(w.steps)) {
      if (step.type === "branch" && !("engagement" in step.condition)) conditions(step.condition as Condition);
      if (step.type === "update_property") {
        const v = step.value;
        see(step.property, typeof v === "number" ? "number" : typeof v === "boolean" ? "boolean" : undefined);
      }
    }
  }
  return out;
}

const manual = (r: { name: string }) => unsupported("property", "define", `property.${r.name} needs no definition in Klaviyo: ${PROPERTY_NOTE}`);

/** Klaviyo holds a property's name and, through its values, its type; enums are text there. */
export function normalizeProperty(r: Resource<"property">): Resource<"property"> {
  return { ...r, spec: { type: r.spec.type === "enum" ? "string" : r.spec.type } };
}

export function createProperties(used: (ctx: Parameters<KindOps<"property">["list"]>[1], env: Parameters<KindOps<"property">["list"]>[0]) => Promise<Map<string, Type>>): KindOps<"property"> {
  return {
    async list(env, ctx) {
      const props = [...(await used(ctx, env))].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      // A property's id is its key; its resource name is the key when it is a valid name.
      const names = env.names.name("property", props.map(([key]) => ({ id: key, display: key })), ctx);
      return props.map(([key, type], i): LiveObject<"property"> => ({ kind: "property", id: key, name: names[i]!, spec: { type } }));
    },
    read: async () => undefined,
    create: (_env, r) => manual(r),
    update: (_env, r) => manual(r),
    delete: (_env, id) => manual({ name: id }),
    normalize: normalizeProperty,
    check: () => [],
  };
}
