import { OPAQUE_AUDIENCE, toResourceName, type SegmentSpec } from "../../src/model";
import type { CallContext, LiveObject } from "../../src/provider/types";
import { byId, compact, manualOnly, type BrazeEnv, type KindOps } from "./kind";

/**
 * Segments <- Braze segments, read-only (braze-docs
 * `_docs/_api/endpoints/export/segments/get_segment.md`,
 * `get_segment_details.md`). The export gives a human-readable description
 * of the filters, not the filters: the audience is opaque to the checks, and
 * the description is kept for people.
 */

export const SEGMENTS_UI = "Audience > Segments";

interface BzSegment { id: string; name: string; analytics_tracking_enabled?: boolean; tags?: string[] }
interface BzSegmentDetails { message?: string; name: string; description?: string | null; text_description?: string | null; tags?: string[]; teams?: string[]; created_at?: string; updated_at?: string }

/** The segment's own description, then Braze's words for its filters. */
export function describe(d: BzSegmentDetails): string | undefined {
  const own = d.text_description?.trim();
  const filters = d.description?.trim();
  if (own && filters) return `${own}\nFilters (as Braze describes them): ${filters}`;
  return own || (filters ? `Filters (as Braze describes them): ${filters}` : undefined);
}

export const segmentSpec = (d: BzSegmentDetails): SegmentSpec => compact({
  type: "dynamic" as const,
  description: describe(d),
  owner: d.teams?.[0] === undefined ? undefined : toResourceName(d.teams[0]),
  tags: [...new Set([...(d.tags ?? []), OPAQUE_AUDIENCE])].sort(),
});

const details = (env: BrazeEnv, id: string, ctx: CallContext) => env.client.get<BzSegmentDetails>("/segments/details", { segment_id: id }, ctx.signal);
const found = (env: BrazeEnv, id: string, ctx: CallContext) => env.client.find<BzSegmentDetails>("/segments/details", { segment_id: id }, ctx.signal);

export const segments: KindOps<"segment"> = {
  async list(env, ctx) {
    const listing = (await env.client.pages<BzSegment>("/segments/list", "segments", {}, ctx.signal)).sort(byId((s) => s.id));
    // No edit time in the listing, so nothing to key a cache on: details are read on every refresh.
    const all = await Promise.all(listing.map((s) => details(env, s.id, ctx)));
    const names = env.names.assign("segment", listing.map((s) => ({ id: s.id, display: s.name })), ctx);
    return all.map((d, i): LiveObject<"segment"> => ({ kind: "segment", id: listing[i]!.id, name: names[i]!, spec: segmentSpec(d), version: d.updated_at }));
  },
  async read(env, id, ctx) {
    const d = await found(env, id, ctx);
    return d && { kind: "segment", id, name: env.names.nameOf("segment", id, ctx) ?? toResourceName(d.name), spec: segmentSpec(d), version: d.updated_at };
  },
  create: (env, r) => manualOnly("segment", "create", `build segment "${r.name}" in ${env.settings.endpoint.dashboard ?? "the Braze dashboard"}: ${SEGMENTS_UI} > Create Segment`),
  update: (env, r) => manualOnly("segment", "change", `edit segment "${r.name}" in ${env.settings.endpoint.dashboard ?? "the Braze dashboard"}: ${SEGMENTS_UI}`),
  delete: (env) => manualOnly("segment", "delete", `archive it in ${env.settings.endpoint.dashboard ?? "the Braze dashboard"}: ${SEGMENTS_UI}`),
  /** Declared conditions are for the checks only: Braze shows description, team and tags. */
  normalize: (r) => ({ ...r, spec: compact({ type: "dynamic" as const, description: r.spec.description, owner: r.spec.owner, tags: [...new Set([...(r.spec.tags ?? []), OPAQUE_AUDIENCE])].sort() }) }),
};
