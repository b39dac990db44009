import { address, deepEqual, toResourceName, type Resource, type SegmentSpec } from "../../src/model";
import { ProviderError, type CallContext, type LiveObject } from "../../src/provider/types";
import { error } from "../../src/diagnostics";
import type { Resource as KResource } from "./client";
import { fromGroups, toGroups, type KGroups, type ReadNotes } from "./conditions";
import { located, SourceMap } from "./errors";
import { orUndefined, refuseOnErrors, sortedTags, type KindOps, type KlaviyoEnv } from "./kind";
import { compact, identityRefs, Issues, klaviyoId, type Refs } from "./mapping";
import { syncTags, tagNames } from "./tags";

/**
 * Segments: a dynamic segment is a Klaviyo segment (its definition), a static
 * one a Klaviyo list (filled by flows, forms and imports). The Mops id says
 * which: `segment:<id>` or `list:<id>`.
 */

/** Largest pages the spec allows for these collections. */
export const SEGMENT_PAGE = 10;
export const LIST_PAGE = 10;
/** Loaded before a definition is written or read: segment ids, metric ids, consent channels. */
const REFERENCED = ["segment", "subscription_type", "metrics"] as const;

interface SegmentAttributes {
  name?: string | null;
  definition?: KGroups | null;
  is_active?: boolean;
  is_processing?: boolean;
  is_starred?: boolean;
}
interface ListAttributes {
  name?: string | null;
  opt_in_process?: string | null;
}

const isList = (id: string) => id.startsWith("list:");

/** The segment's spec and the body fields it writes, with where each came from. */
function definitionOf(r: Resource<"segment">, refs: Refs, issues: Issues, map: SourceMap): KGroups | undefined {
  if (r.spec.type !== "dynamic") {
    if (r.spec.conditions) issues.warn("static-conditions", ["conditions"], "a static segment is a Klaviyo list, which holds no conditions; `conditions` is not written");
    return undefined;
  }
  if (!r.spec.conditions) {
    issues.error("missing-conditions", undefined, "a dynamic segment needs `conditions`");
    return undefined;
  }
  const inner = new SourceMap(map.address);
  const groups = toGroups(r.spec.conditions, ["conditions"], refs, issues, inner);
  map.nest("/data/attributes/definition", inner);
  return groups;
}

export function toSegmentSpec(kind: "segment" | "list", definition: KGroups | null | undefined, tags: string[] | undefined, refs: Refs, notes: ReadNotes): SegmentSpec {
  if (kind === "list") return compact({ type: "static" as const, tags });
  return compact({ type: "dynamic" as const, conditions: fromGroups(definition, refs, notes), tags });
}

function liveSegment(env: KlaviyoEnv, s: KResource<SegmentAttributes>, included: KResource[], name: string, ctx: CallContext): LiveObject<"segment"> {
  const spec = toSegmentSpec("segment", s.attributes.definition, tagNames(env, s, included), env.names.refs(ctx), { unknown: [] });
  return { kind: "segment", id: `segment:${s.id}`, name, spec };
}

function liveList(env: KlaviyoEnv, l: KResource<ListAttributes>, included: KResource[], name: string): LiveObject<"segment"> {
  return { kind: "segment", id: `list:${l.id}`, name, spec: toSegmentSpec("list", undefined, tagNames(env, l, included), identityRefs, { unknown: [] }) };
}

/** Every segment and list; ids sort segments before lists, each by Klaviyo id. */
export async function listGroups(env: KlaviyoEnv, ctx: CallContext) {
  const [segs, lists] = await Promise.all([
    env.client.getAll<SegmentAttributes>("/api/segments", { include: "tags" }, SEGMENT_PAGE, ctx.signal),
    env.client.getAll<ListAttributes>("/api/lists", { include: "tags" }, LIST_PAGE, ctx.signal),
  ]);
  const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return { segs: { ...segs, data: [...segs.data].sort(byId) }, lists: { ...lists, data: [...lists.data].sort(byId) } };
}

/** The definition a write sends, with where each part came from; refused before any request when Klaviyo cannot hold it. */
async function writable(env: KlaviyoEnv, r: Resource<"segment">, ctx: CallContext) {
  await env.names.ensure(REFERENCED, ctx);
  const issues = new Issues(address("segment", r.name));
  const map = new SourceMap(issues.address);
  const definition = definitionOf(r, env.names.refs(ctx), issues, map);
  refuseOnErrors(issues);
  return { map, definition };
}

export const segments: KindOps<"segment"> = {
  async list(env, ctx) {
    const { segs, lists } = await listGroups(env, ctx);
    const items = [
      ...segs.data.map((s) => ({ id: `segment:${s.id}`, display: s.attributes.name ?? s.id })),
      ...lists.data.map((l) => ({ id: `list:${l.id}`, display: l.attributes.name ?? l.id })),
    ];
    const names = env.names.name("segment", items, ctx);
    await env.names.ensure(["subscription_type", "metrics"], ctx);
    return [
      ...segs.data.map((s, i) => liveSegment(env, s, segs.included, names[i]!, ctx)),
      ...lists.data.map((l, i) => liveList(env, l, lists.included, names[segs.data.length + i]!)),
    ];
  },

  async read(env, id, ctx) {
    const known = (display: string) => env.names.refs(ctx).name("segment", id) ?? toResourceName(display);
    if (isList(id)) {
      const res = await orUndefined(env.client.get<{ data: KResource<ListAttributes>; included?: KResource[] }>(`/api/lists/${klaviyoId(id)}`, { include: "tags" }, ctx.signal));
      return res && liveList(env, res.data, res.included ?? [], known(res.data.attributes.name ?? id));
    }
    await env.names.ensure(REFERENCED, ctx);
    const res = await orUndefined(env.client.get<{ data: KResource<SegmentAttributes>; included?: KResource[] }>(`/api/segments/${klaviyoId(id)}`, { include: "tags" }, ctx.signal));
    return res && liveSegment(env, res.data, res.included ?? [], known(res.data.attributes.name ?? id), ctx);
  },

  async create(env, r, ctx) {
    const { map, definition } = await writable(env, r, ctx);
    let id: string;
    if (definition) {
      const res = await located(map, env.client.post<{ data: KResource }>("/api/segments", { data: { type: "segment", attributes: { name: r.name, definition } } }, ctx.signal));
      id = `segment:${res.data.id}`;
    } else {
      const res = await located(map, env.client.post<{ data: KResource }>("/api/lists", { data: { type: "list", attributes: { name: r.name } } }, ctx.signal));
      id = `list:${res.data.id}`;
    }
    env.names.add("segment", id, r.name);
    await syncTags(env, isList(id) ? "lists" : "segments", klaviyoId(id), sortedTags(r.spec.tags) ?? [], [], ctx);
    return (await segments.read(env, id, ctx)) ?? { kind: "segment", id, name: r.name, spec: segments.normalize(r).spec };
  },

  /** Segment PATCHes share the create's 100-a-day cap: one is sent only when the name or definition changed. */
  async update(env, r, current, ctx) {
    if ((r.spec.type === "static") !== isList(current.id)) {
      throw new ProviderError(error("klaviyo/replace-required", `segment.${r.name}: a Klaviyo list cannot become a segment or back`, {
        hint: "the plan replaces it (delete + create); workflows that use it are updated to the new one",
        address: address("segment", r.name),
      }));
    }
    const { map, definition } = await writable(env, r, ctx);
    const desired = segments.normalize(r).spec;
    const renamed = current.name !== r.name;
    const id = klaviyoId(current.id);
    if (isList(current.id)) {
      if (renamed) await env.client.patch(`/api/lists/${id}`, { data: { type: "list", id, attributes: { name: r.name } } }, ctx.signal);
    } else if (renamed || !deepEqual(desired.conditions, current.spec.conditions)) {
      const attributes = compact({ name: renamed ? r.name : undefined, definition });
      await located(map, env.client.patch(`/api/segments/${id}`, { data: { type: "segment", id, attributes } }, ctx.signal));
    }
    env.names.add("segment", current.id, r.name);
    await syncTags(env, isList(current.id) ? "lists" : "segments", id, desired.tags ?? [], current.spec.tags ?? [], ctx);
    return (await segments.read(env, current.id, ctx)) ?? { ...current, name: r.name, spec: desired };
  },

  async delete(env, id, ctx) {
    await orUndefined(env.client.delete(`/api/${isList(id) ? "lists" : "segments"}/${klaviyoId(id)}`, ctx.signal));
    env.names.remove("segment", id);
  },

  normalize(r) {
    const issues = new Issues(address("segment", r.name));
    const definition = definitionOf(r, identityRefs, issues, new SourceMap(issues.address));
    const kind = r.spec.type === "dynamic" ? "segment" : "list";
    return { ...r, spec: toSegmentSpec(kind, definition, sortedTags(r.spec.tags), identityRefs, { unknown: [] }) };
  },

  check(r, refs = identityRefs) {
    const issues = new Issues(address("segment", r.name));
    definitionOf(r, refs, issues, new SourceMap(issues.address));
    return issues.list;
  },
};
