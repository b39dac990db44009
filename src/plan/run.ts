import { address, type Stack } from "../model";
import type { LiveObject, Provider, RefResolver } from "../provider";
import { referencesOf } from "../graph";
import type { State } from "../state/types";
import type { EventSink } from "./events";
import { makePlan } from "./make";
import { kindsToRefresh, refresh } from "./refresh";
import type { Plan } from "./types";

/**
 * Blast radius: the size of every segment a change touches (changed segments,
 * and the segments changed workflows enter from), where the platform reports it.
 */
async function audienceOf(
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

export interface PlannedWorld {
  plan: Plan;
  live: LiveObject[];
  state: State;
  /** Requests refresh made, when the provider counts them. */
  requests?: number;
}

/** Refresh what the stack and state involve, then plan: the read-only half of every command. */
export async function refreshAndPlan(
  provider: Provider,
  desired: Stack,
  state: State,
  opts: { events?: EventSink; signal?: AbortSignal; rollbackOf?: number } = {},
): Promise<PlannedWorld> {
  const kinds = kindsToRefresh(provider.capabilities, desired, state);
  const { live, refs, requests } = await refresh(provider, kinds, { state, events: opts.events, signal: opts.signal });
  const plan = makePlan({ desired, state, live, provider, refreshed: kinds, rollbackOf: opts.rollbackOf });
  if (provider.check) plan.diagnostics.push(...(await provider.check(desired.resources, { refs, signal: opts.signal })));
  if (provider.segmentSize) {
    const audience = await audienceOf(provider as Required<Pick<Provider, "segmentSize">>, plan, desired, refs, opts.signal);
    if (Object.keys(audience).length) plan.audience = audience;
  }
  return { plan, live, state, requests };
}
