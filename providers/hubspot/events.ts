import type { EventPropertySpec, EventSpec } from "../../src/model";
import type { HsEventDefinition } from "./event-definitions";
import { unsupported, type KindOps } from "./kind";
import { compact } from "./mapping";
import { neutralType } from "./properties";

/**
 * The account's custom event definitions as the `event` kind, read-only. They
 * come from the same one read that names events in filters and triggers
 * (NameCache.ensureEvents). HubSpot's own `hs_` properties ride along on every
 * event and are left out of the catalogue.
 */

export const EVENTS_UI = "HubSpot > Data Management > Custom Events";

function toEventSpec(d: HsEventDefinition): EventSpec {
  const properties: Record<string, EventPropertySpec> = {};
  for (const p of d.properties) {
    if (p.name.startsWith("hs_") || p.archived) continue;
    const type = neutralType(p);
    const values = type === "enum" || type === "list" ? (p.options ?? []).filter((o) => !o.hidden).map((o) => o.value) : [];
    properties[p.name] = compact({ type, description: p.description || undefined, values: values.length ? values : undefined });
  }
  return compact({ source: "custom" as const, description: d.description || undefined, properties: Object.keys(properties).length ? properties : undefined });
}

export const events: KindOps<"event"> = {
  async list(env, ctx) {
    const { active } = await env.names.ensureEvents(ctx);
    return active.map((d) => ({ kind: "event", id: d.id, name: d.name, spec: toEventSpec(d) }));
  },
  async read(env, id, ctx) {
    return (await events.list(env, ctx)).find((e) => e.id === id);
  },
  create: (_env, r) => unsupported("event", "create", `define custom event "${r.name}" in ${EVENTS_UI}, then plan again`),
  update: (_env, r) => unsupported("event", "change", `edit custom event "${r.name}" in ${EVENTS_UI}`),
  delete: () => unsupported("event", "delete", `archive it in ${EVENTS_UI}`),
  normalize: (r) => ({ ...r, spec: compact({ ...r.spec, source: r.spec.source ?? "custom" }) }),
};
