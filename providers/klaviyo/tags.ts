import type { CallContext, OwnerMark } from "../../src/provider/types";
import type { Resource } from "./client";
import type { KlaviyoEnv } from "./kind";

/**
 * Klaviyo tags: named once per account (`/api/tags`), attached to flows,
 * segments and lists through relationship endpoints. Neutral `tags` of
 * segments and workflows are these names.
 */

export type Tagged = "flows" | "segments" | "lists";
const TYPE_OF: Record<Tagged, string> = { flows: "flow", segments: "segment", lists: "list" };
export const TAG_PAGE = 50;

export async function loadTags(env: KlaviyoEnv, ctx: CallContext): Promise<void> {
  const { data } = await env.client.getAll<{ name: string }>("/api/tags", {}, TAG_PAGE, ctx.signal);
  env.names.tags.clear();
  for (const t of data) env.names.tags.set(t.id, t.attributes.name);
  env.names.markLoaded("tags");
}

/**
 * The owner mark of a flow, segment or list: a tag `mops:<stack>/<environment>/<lineage>`
 * (an account holds up to 500 tags: one per stack, environment and state).
 */
export const ownerTag = (m: OwnerMark): string => `mops:${m.stack}/${m.environment}/${m.lineage}`;
/** Where the capability table says the mark lives. */
export const TAG_MARK = "a Klaviyo tag `mops:<stack>/<environment>/<lineage>`, attached right after the create (hidden from the spec's `tags`)";
const OWNER_TAG = /^mops:([^/\s]+)\/([^/\s]+)\/([^/\s]+)$/;

/** A resource read with `include=tags`: its tags as the neutral spec holds them, and the owner mark among them. */
export function tagsOf(env: KlaviyoEnv, r: Pick<Resource, "relationships">, included: readonly Resource[]): { tags?: string[]; owner?: OwnerMark } {
  for (const t of included) if (t.type === "tag") env.names.tags.set(t.id, String(t.attributes.name));
  const rel = r.relationships?.tags?.data;
  const ids = Array.isArray(rel) ? rel.map((x) => x.id) : [];
  const names = ids.map((id) => env.names.tags.get(id) ?? id).sort();
  const mark = names.map((n) => OWNER_TAG.exec(n)).find((m) => m !== null);
  const tags = names.filter((n) => !OWNER_TAG.test(n));
  const owner = mark ? { stack: mark[1]!, environment: mark[2]!, lineage: mark[3]! } : undefined;
  return { ...(tags.length ? { tags } : {}), ...(owner ? { owner } : {}) };
}

/** This stack's owner mark on an object: attached where it is missing, replacing another stack's. Whether it wrote. */
export async function stampOwner(env: KlaviyoEnv, rel: Tagged, objectId: string, has: OwnerMark | undefined, owner: OwnerMark | undefined, ctx: CallContext): Promise<boolean> {
  if (!owner || (has && ownerTag(has) === ownerTag(owner))) return false;
  await syncTags(env, rel, objectId, [ownerTag(owner)], has ? [ownerTag(has)] : [], ctx);
  return true;
}

async function tagId(env: KlaviyoEnv, name: string, ctx: CallContext): Promise<string> {
  for (const [id, n] of env.names.tags) if (n === name) return id;
  const res = await env.client.post<{ data: Resource }>("/api/tags", { data: { type: "tag", attributes: { name } } }, ctx.signal);
  env.names.tags.set(res.data.id, name);
  return res.data.id;
}

/** Attach and detach tags so that the object carries exactly `want`. */
export async function syncTags(env: KlaviyoEnv, rel: Tagged, objectId: string, want: readonly string[], have: readonly string[], ctx: CallContext): Promise<void> {
  const add = want.filter((t) => !have.includes(t));
  const drop = have.filter((t) => !want.includes(t));
  if (!add.length && !drop.length) return;
  await env.names.ensure(["tags"], ctx);
  const body = { data: [{ type: TYPE_OF[rel], id: objectId }] };
  for (const t of add) await env.client.post(`/api/tags/${await tagId(env, t, ctx)}/relationships/${rel}`, body, ctx.signal);
  for (const t of drop) await env.client.request({ method: "DELETE", path: `/api/tags/${await tagId(env, t, ctx)}/relationships/${rel}`, data: body, signal: ctx.signal });
}
