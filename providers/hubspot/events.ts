import type { EventPropertySpec, EventSpec } from "../../src/model";
import { unsupported, type KindOps } from "./kind";
import { compact } from "./mapping";
import { neutralType, type HsProperty } from "./properties";

/**
 * The account's custom event definitions, read-only (a minimal reader: the
 * lead merges it with issue 12's full one). HubSpot's own `hs_` properties
 * ride along on every event and are left out of the catalogue.
 */

interface HsEventDefinition {
  id: string;
  name: string;
  description?: string;
  archived?: boolean;
  properties?: HsProperty[];
}

const BASE = "/events/v3/event-definitions";
export const EVENTS_UI = "HubSpot > Data Management > Custom Events";

function toEventSpec(d: HsEventDefinition): EventSpec {
  const properties: Record<string, EventPropertySpec> = {};
  for (const p of d.properties ?? []) {
    if (p.name.startsWith("hs_") || p.archived) continue;
    const type = neutralType(p);
    const values = type === "enum" || type === "list" ? (p.options ?? []).filter((o) => !o.hidden).map((o) => o.value) : [];
    properties[p.name] = compact({ type, description: p.description || undefined, values: values.length ? values : undefined });
  }
  return compact({ source: "custom" as const, description: d.description || undefined, properties: Object.keys(properties).length ? properties : undefined });
}

export const events: KindOps<"event"> = {
  async list(env, ctx) {
    const defs = (await env.client.getAll<HsEventDefinition>(BASE, undefined, ctx.signal))
      .filter((d) => !d.archived)
      .sort((a, b) => String(a.id).localeCompare(String(b.id), "en", { numeric: true }));
    const names = env.names.name("event", defs.map((d) => ({ id: String(d.id), display: d.name })), ctx);
    return defs.map((d, i) => ({ kind: "event", id: String(d.id), name: names[i], spec: toEventSpec(d) }));
  },
  async read(env, id, ctx) {
    return (await events.list(env, ctx)).find((e) => e.id === id);
  },
  create: (_env, r) => unsupported("event", "create", `define custom event "${r.name}" in ${EVENTS_UI}, then plan again`),
  update: (_env, r) => unsupported("event", "change", `edit custom event "${r.name}" in ${EVENTS_UI}`),
  delete: () => unsupported("event", "delete", `archive it in ${EVENTS_UI}`),
  normalize: (r) => ({ ...r, spec: compact({ ...r.spec, source: r.spec.source ?? "custom" }) }),
};
