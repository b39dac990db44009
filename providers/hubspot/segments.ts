import { address, deepEqual, toResourceName, type Resource, type SegmentSpec } from "../../src/model";
import { ProviderError, type CallContext, type LiveObject } from "../../src/provider/types";
import { error } from "../../src/diagnostics";
import { eventUses } from "./event-conditions";
import { fromFilterBranch, mentionsEvents, toFilterBranch, under, type HsBranch, type ReadNotes } from "./filters";
import { orUndefined, refuseOnErrors, type HubSpotEnv, type KindOps } from "./kind";
import { compact, identityRefs, Issues, type Refs } from "./mapping";

/** Segments <-> CRM Lists v3 (contact lists only). */

export interface HsList {
  listId: string;
  name: string;
  objectTypeId: string;
  processingType: "DYNAMIC" | "MANUAL" | "SNAPSHOT";
  filterBranch?: HsBranch;
  listVersion?: number;
  [k: string]: unknown;
}

const BASE = "/crm/v3/lists";
/** Lists search pages by offset, not cursor; 500 is its largest page. */
const SEARCH_PAGE = 500;
/** Lists fetched with their filters per `GET /crm/v3/lists/?listIds=…` call. */
export const LIST_BATCH = 100;
/** Loaded before a write: ids of referenced lists and subscription types, and property types for filter operations. */
const WRITE_REFS = ["property", "segment", "subscription_type"] as const;

/** What a write needs read first; the account's events only when the segment names one. */
async function ensureWriteRefs(env: HubSpotEnv, r: Resource<"segment">, ctx: CallContext): Promise<void> {
  await Promise.all([env.names.ensure(WRITE_REFS, ctx), eventUses(r).length ? env.names.ensureEvents(ctx) : undefined]);
}

export function toSegmentSpec(l: Pick<HsList, "processingType" | "filterBranch">, refs: Refs, notes: ReadNotes): SegmentSpec {
  if (l.processingType !== "DYNAMIC") return { type: "static" };
  return compact({ type: "dynamic" as const, conditions: fromFilterBranch(l.filterBranch, refs, notes) });
}

function listBody(r: Resource<"segment">, refs: Refs, issues: Issues) {
  const dynamic = r.spec.type === "dynamic";
  if (dynamic && !r.spec.conditions) issues.error("missing-conditions", "a dynamic segment needs `conditions`");
  if (!dynamic && r.spec.conditions) issues.warn("static-conditions", "HubSpot static lists hold no conditions; `conditions` is not written", undefined, ["conditions"]);
  return compact({
    processingType: dynamic ? "DYNAMIC" : "MANUAL",
    filterBranch: dynamic ? toFilterBranch(r.spec.conditions, refs, issues, under(["conditions"])) : undefined,
  });
}

function live(env: HubSpotEnv, l: HsList, name: string, ctx: CallContext): LiveObject<"segment"> {
  const notes: ReadNotes = { unknown: [] };
  return { kind: "segment", id: String(l.listId), name, spec: toSegmentSpec(l, env.names.refs(ctx), notes), version: l.listVersion?.toString() };
}

async function fetchWithFilters(env: HubSpotEnv, ids: readonly string[], ctx: CallContext): Promise<HsList[]> {
  const out: HsList[] = [];
  for (let i = 0; i < ids.length; i += LIST_BATCH) {
    const q = ids.slice(i, i + LIST_BATCH).map((id) => `listIds=${encodeURIComponent(id)}`).join("&");
    const res = await env.client.get<{ lists: HsList[] }>(`${BASE}/?includeFilters=true&${q}`, undefined, ctx.signal);
    out.push(...res.lists);
  }
  return out;
}

/** Every contact list: ids and names from search (offset pages), then filters in batches. */
export async function listAllLists(env: HubSpotEnv, ctx: CallContext): Promise<HsList[]> {
  const found: HsList[] = [];
  let offset = 0;
  for (;;) {
    const page = await env.client.post<{ lists: HsList[]; hasMore: boolean; offset: number }>(
      `${BASE}/search`,
      { query: "", offset, count: SEARCH_PAGE, processingTypes: ["DYNAMIC", "MANUAL", "SNAPSHOT"] },
      ctx.signal,
    );
    found.push(...page.lists.filter((l) => l.objectTypeId === "0-1"));
    if (!page.hasMore || page.lists.length === 0) break;
    offset = page.offset;
  }
  const dynamicIds = found.filter((l) => l.processingType === "DYNAMIC").map((l) => String(l.listId));
  const withFilters = new Map((await fetchWithFilters(env, dynamicIds, ctx)).map((l) => [String(l.listId), l]));
  return found
    .map((l) => withFilters.get(String(l.listId)) ?? l)
    .sort((a, b) => Number(a.listId) - Number(b.listId) || String(a.listId).localeCompare(String(b.listId)));
}

/** HubSpot keeps a size on every list: the audience a workflow on it would reach. */
export async function listSize(env: HubSpotEnv, id: string, ctx: CallContext): Promise<number | undefined> {
  const res = await orUndefined(env.client.get<{ list: HsList & { size?: number } }>(`${BASE}/${id}`, undefined, ctx.signal));
  return typeof res?.list.size === "number" ? res.list.size : undefined;
}

export const segments: KindOps<"segment"> = {
  async list(env, ctx) {
    const lists = await listAllLists(env, ctx);
    const names = env.names.name("segment", lists.map((l) => ({ id: String(l.listId), display: l.name })), ctx);
    await Promise.all([env.names.ensure(["subscription_type"], ctx), mentionsEvents(lists) ? env.names.ensureEvents(ctx) : undefined]);
    return lists.map((l, i) => live(env, l, names[i], ctx));
  },

  async read(env, id, ctx) {
    const res = await orUndefined(env.client.get<{ list: HsList }>(`${BASE}/${id}`, { includeFilters: true }, ctx.signal));
    if (!res) return undefined;
    if (mentionsEvents(res.list)) await env.names.ensureEvents(ctx);
    return live(env, res.list, env.names.refs(ctx).name("segment", id) ?? toResourceName(res.list.name), ctx);
  },

  async create(env, r, ctx) {
    await ensureWriteRefs(env, r, ctx);
    const issues = new Issues(address("segment", r.name));
    const body = { name: r.name, objectTypeId: "0-1", ...listBody(r, env.names.refs(ctx), issues) };
    refuseOnErrors(issues);
    const res = await env.client.post<{ list: HsList }>(`${BASE}/`, body, ctx.signal);
    env.names.add("segment", String(res.list.listId), r.name);
    return live(env, res.list, r.name, ctx);
  },

  async update(env, r, current, ctx) {
    await ensureWriteRefs(env, r, ctx);
    const issues = new Issues(address("segment", r.name));
    const body = listBody(r, env.names.refs(ctx), issues);
    refuseOnErrors(issues);
    if (r.spec.type !== current.spec.type) {
      throw new ProviderError(error("hubspot/replace-required", `segment.${r.name}: a HubSpot list cannot change between static and dynamic`, {
        hint: "the plan replaces it (delete + create); workflows that use it are updated to the new list",
      }));
    }
    if (current.name !== r.name) {
      await env.client.put(`${BASE}/${current.id}/update-list-name?listName=${encodeURIComponent(r.name)}`, undefined, ctx.signal);
      env.names.add("segment", current.id, r.name);
    }
    const desired = segments.normalize(r).spec;
    if (body.filterBranch && !deepEqual(desired.conditions, current.spec.conditions)) {
      await env.client.put(`${BASE}/${current.id}/update-list-filters`, { filterBranch: body.filterBranch }, ctx.signal);
    }
    return (await segments.read(env, current.id, ctx)) ?? { ...current, name: r.name, spec: desired };
  },

  async delete(env, id, ctx) {
    await orUndefined(env.client.delete(`${BASE}/${id}`, ctx.signal));
    env.names.remove("segment", id);
  },

  normalize(r) {
    const issues = new Issues(address("segment", r.name));
    const body = listBody(r, identityRefs, issues);
    return { ...r, spec: toSegmentSpec({ processingType: body.processingType as HsList["processingType"], filterBranch: body.filterBranch }, identityRefs, { unknown: [] }) };
  },

  check(r) {
    const issues = new Issues(address("segment", r.name));
    listBody(r, identityRefs, issues);
    return issues.list;
  },
};
