import { address, type Stack } from "../model";
import type { Provider, RefResolver } from "../provider";
import { referencesOf } from "../graph";
import type { Plan } from "./types";

/**
 * Blast radius: the size of every segment a change touches (changed segments,
 * and the segments changed workflows enter from), where the platform reports it.
 */
export async function audienceOf(
  provider: Required<Pick<Provider, "segmentSize">>,
  plan: Plan,
  desired: Stack,
  refs: RefResolver,
  signal?: AbortSignal,
): Promise<Record<string, number>> {
  const touched = new Set<string>();
  const byAddr = new Map(desired.resources.map((r) => [address(r.kind, r.name), r]));
  for (const c of plan.changes) {
    if (c.action === "noop" || c.action === "delete") continue;
    if (c.kind === "segment") touched.add(c.address);
    const r = byAddr.get(c.address);
    if (r?.kind === "workflow") for (const ref of referencesOf(r)) if (ref.startsWith("segment.")) touched.add(ref);
  }
  const out: Record<string, number> = {};
  for (const a of [...touched].sort()) {
    const id = refs.idOf("segment", a.slice("segment.".length));
    const size = id === undefined ? undefined : await provider.segmentSize(id, { refs, signal });
    if (size !== undefined) out[a] = size;
  }
  return out;
}
