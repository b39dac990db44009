import type { PropertySpec } from "../../src/model";
import type { LiveObject } from "../../src/provider/types";
import { compact, manualOnly, type KindOps } from "./kind";
import { STANDARD_ATTRIBUTES } from "./liquid";

/**
 * Properties <- Braze's standard user attributes and its custom attributes
 * (braze-docs `_docs/_api/endpoints/export/custom_attributes/get_custom_attributes.md`,
 * 50 per page, the next page in the `Link` header). Braze creates a custom
 * attribute when data for it first arrives; the API cannot create or change one.
 */

export const ATTRIBUTES_UI = "Data Settings > Custom Attributes";

interface BzAttribute { name: string; data_type?: string; description?: string | null; status?: string; array_length?: number | null; tag_names?: string[] }

const TYPES: Record<string, PropertySpec["type"]> = { string: "string", number: "number", boolean: "boolean", time: "date", date: "date", array: "list" };
const typeOf = (dataType: string | undefined): PropertySpec["type"] => TYPES[(dataType ?? "").toLowerCase()] ?? "string";
const usable = (name: string) => /^[a-z][a-z0-9_]*$/.test(name);

export const properties: KindOps<"property"> = {
  async list(env, ctx) {
    const custom = (await env.client.linkPages<BzAttribute>("/custom_attributes", "attributes", ctx.signal))
      .filter((a) => (a.status ?? "Active") === "Active" && usable(a.name) && !(a.name in STANDARD_ATTRIBUTES));
    const items = [
      ...Object.entries(STANDARD_ATTRIBUTES).map(([name, type]) => ({ id: `standard:${name}`, name, spec: { type } as PropertySpec })),
      ...custom.map((a) => ({ id: `custom:${a.name}`, name: a.name, spec: compact({ type: typeOf(a.data_type), description: a.description || undefined }) })),
    ].sort((a, b) => a.id.localeCompare(b.id));
    // Merge fields name attributes by their Braze names: those are the resource names.
    for (const it of items) env.names.set("property", it.id, it.name);
    return items.map((it): LiveObject<"property"> => ({ kind: "property", id: it.id, name: it.name, spec: it.spec }));
  },
  read: async (env, id, ctx) => (await properties.list(env, ctx)).find((p) => p.id === id),
  create: (env, r) => manualOnly("property", "create", `Braze creates custom attribute "${r.name}" when data for it first arrives (SDK or /users/track); its settings are in ${env.settings.endpoint.dashboard ?? "the Braze dashboard"}: ${ATTRIBUTES_UI}`),
  update: (env, r) => manualOnly("property", "change", `edit custom attribute "${r.name}" in ${env.settings.endpoint.dashboard ?? "the Braze dashboard"}: ${ATTRIBUTES_UI}`),
  delete: (env) => manualOnly("property", "delete", `blocklist or delete it in ${env.settings.endpoint.dashboard ?? "the Braze dashboard"}: ${ATTRIBUTES_UI}`),
  /** Braze keeps a type and a description; `required`, `fallback`, `pii`, labels and enum values are the stack's. */
  normalize: (r) => ({ ...r, spec: compact({ type: r.spec.type === "enum" ? "string" : r.spec.type, description: r.spec.description }) }),
};
