import type { CallContext } from "../../src/provider/types";
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

/** Tag names of a resource read with `include=tags`. */
export function tagNames(env: KlaviyoEnv, r: Pick<Resource, "relationships">, included: readonly Resource[]): string[] | undefined {
  for (const t of included) if (t.type === "tag") env.names.tags.set(t.id, String(t.attributes.name));
  const rel = r.relationships?.tags?.data;
  const ids = Array.isArray(rel) ? rel.map((x) => x.id) : [];
  const names = ids.map((id) => env.names.tags.get(id) ?? id).sort();
  return names.length ? names : undefined;
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
