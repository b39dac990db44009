import { error } from "../../src/diagnostics";
import { address, type PropertySpec } from "../../src/model";
import { ProviderError, type CallContext } from "../../src/provider/types";
import { orUndefined, type HubSpotEnv, type KindOps } from "./kind";
import { compact } from "./mapping";

/**
 * Properties <-> CRM contact properties v3. HubSpot's own properties are
 * listed too, since segments and workflows filter on them (`lifecyclestage`),
 * but Mops never deletes one.
 */

export interface HsProperty {
  name: string;
  label: string;
  type: string;
  fieldType: string;
  description?: string;
  groupName?: string;
  options?: { label: string; value: string; displayOrder?: number; hidden?: boolean }[];
  hubspotDefined?: boolean;
  archived?: boolean;
  [k: string]: unknown;
}

const BASE = "/crm/v3/properties/contacts";
const GROUP = "contactinformation";

const TO_HS: Record<PropertySpec["type"], { type: string; fieldType: string }> = {
  string: { type: "string", fieldType: "text" },
  number: { type: "number", fieldType: "number" },
  boolean: { type: "bool", fieldType: "booleancheckbox" },
  date: { type: "date", fieldType: "date" },
  enum: { type: "enumeration", fieldType: "select" },
  list: { type: "enumeration", fieldType: "checkbox" },
};

export function neutralType(p: Pick<HsProperty, "type" | "fieldType">): PropertySpec["type"] {
  switch (p.type) {
    case "number":
      return "number";
    case "bool":
      return "boolean";
    case "date":
    case "datetime":
      return "date";
    case "enumeration":
      return p.fieldType === "checkbox" ? "list" : p.fieldType === "booleancheckbox" ? "boolean" : "enum";
    default:
      return "string";
  }
}

/** HubSpot requires a label; the name, spelled out, is what its own UI would suggest. */
export const defaultLabel = (name: string): string => {
  const words = name.replace(/_/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

export function toPropertySpec(p: HsProperty): PropertySpec {
  const type = neutralType(p);
  const values = type === "enum" || type === "list" ? (p.options ?? []).filter((o) => !o.hidden).map((o) => o.value) : [];
  return compact({ type, label: p.label || undefined, description: p.description || undefined, values: values.length ? values : undefined });
}

function propertyBody(name: string, spec: PropertySpec) {
  const values = spec.type === "enum" || spec.type === "list" ? spec.values ?? [] : [];
  const options = spec.type === "boolean"
    ? [{ label: "Yes", value: "true", displayOrder: 0, hidden: false }, { label: "No", value: "false", displayOrder: 1, hidden: false }]
    : values.map((v, i) => ({ label: v, value: v, displayOrder: i, hidden: false }));
  return compact({
    ...TO_HS[spec.type],
    label: spec.label ?? defaultLabel(name),
    description: spec.description ?? "",
    options: options.length || spec.type === "enum" || spec.type === "list" ? options : undefined,
  });
}

/** Every contact property, HubSpot's own included; remembers their types for filters. */
export async function allProperties(env: HubSpotEnv, ctx: CallContext): Promise<HsProperty[]> {
  const all = (await env.client.getAll<HsProperty>(BASE, { archived: false }, ctx.signal)).filter((p) => !p.archived);
  env.names.setPropertyTypes(all.map((p) => [p.name, neutralType(p)]));
  env.names.name("property", all.map((p) => ({ id: p.name, display: p.name })), ctx);
  env.names.builtinProperties.clear();
  for (const p of all) if (p.hubspotDefined) env.names.builtinProperties.add(p.name);
  return all;
}

const live = (p: HsProperty) => ({ kind: "property" as const, id: p.name, name: p.name, spec: toPropertySpec(p) });

export const properties: KindOps<"property"> = {
  async list(env, ctx) {
    return (await allProperties(env, ctx)).sort((a, b) => a.name.localeCompare(b.name)).map(live);
  },
  async read(env, id, ctx) {
    const p = await orUndefined(env.client.get<HsProperty>(`${BASE}/${encodeURIComponent(id)}`, undefined, ctx.signal));
    return p && live(p);
  },
  async create(env, r, ctx) {
    return live(await env.client.post<HsProperty>(BASE, { name: r.name, groupName: GROUP, ...propertyBody(r.name, r.spec) }, ctx.signal));
  },
  async update(env, r, prior, ctx) {
    return live(await env.client.patch<HsProperty>(`${BASE}/${encodeURIComponent(prior.id)}`, propertyBody(r.name, r.spec), ctx.signal));
  },
  async delete(env, id, ctx) {
    if (env.names.builtinProperties.has(id)) {
      throw new ProviderError(error("hubspot/builtin-property", `property.${id} is one of HubSpot's own properties and cannot be deleted`, {
        hint: "keep it declared, or remove it from the stack and from state (`mops state rm`) without deleting it",
        address: address("property", id),
      }));
    }
    await orUndefined(env.client.delete(`${BASE}/${encodeURIComponent(id)}`, ctx.signal));
  },
  /** `required`, `fallback` and `pii` are Mops' own (personalization and privacy checks); HubSpot holds none of them. */
  normalize(r) {
    return { ...r, spec: toPropertySpec({ name: r.name, ...propertyBody(r.name, r.spec) } as HsProperty) };
  },
};
