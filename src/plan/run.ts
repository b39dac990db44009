import type { Stack } from "../model";
import type { LiveObject, Provider } from "../provider";
import { blastRadius } from "./audience";
import type { State } from "../state/types";
import type { EventSink } from "./events";
import { makePlan } from "./make";
import { kindsToRefresh, refresh } from "./refresh";
import type { Plan } from "./types";

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
  const audience = await blastRadius(provider, plan, desired, { refs, signal: opts.signal });
  if (Object.keys(audience).length) plan.audience = audience;
  return { plan, live, state, requests };
}
