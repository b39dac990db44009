import { address, maskSecrets, type Stack } from "../model";
import type { LiveObject, Provider } from "../provider";
import type { State } from "../state/types";
import { audienceOf } from "./audience";
import { capabilityOf } from "./capability";
import { makePlan } from "./compare";
import type { EventSink } from "./events";
import { recoverRun, type Recovery } from "./recover";
import { kindsToRefresh, refresh } from "./refresh";
import type { MutableRefs } from "./resolver";
import type { Plan, PlanRequest } from "./types";

export interface PlannedWorld {
  plan: Plan;
  /** What refresh read, secrets masked. */
  live: LiveObject[];
  /** The state the plan was made from: as stored, with a killed run's journal recovered into it. */
  state: State;
  /** The killed run found in the state's journal and what it did (recorded by the next apply). */
  recovery?: Recovery;
  refs: MutableRefs;
  /** Requests refresh made, when the provider counts them. */
  requests?: number;
}

export interface PlanOptions {
  events?: EventSink;
  signal?: AbortSignal;
  rollbackOf?: number;
  request?: PlanRequest;
  /** Values of `${env:…}` references, to recognise a platform's copy of a secret (default process.env). */
  env?: NodeJS.ProcessEnv;
  /**
   * What the state's run journal is: `recover` (the run was killed: plan from
   * what it did), `recorded` (its version exists: nothing to recover), or
   * `in-progress` (another apply holds the lock now).
   */
  journal?: "recover" | "recorded" | "in-progress";
}

/**
 * A platform's copy of a secret is put back as the stack's reference (or
 * masked): nothing read from the platform carries a secret's value further.
 */
export function maskLive(live: readonly LiveObject[], desired: Stack, state: State, env: NodeJS.ProcessEnv): LiveObject[] {
  const byAddr = new Map(desired.resources.map((r) => [address(r.kind, r.name), r.spec as unknown]));
  const byId = new Map<string, unknown>();
  for (const s of Object.values(state.resources)) if (s.id) byId.set(`${s.kind}\0${s.id}`, s.attributes);
  for (const r of Object.values(state.retired ?? {})) byId.set(`${r.kind}\0${r.id}`, r.attributes);
  return live.map((o) => {
    const reference = byId.get(`${o.kind}\0${o.id}`) ?? byAddr.get(address(o.kind, o.name));
    let spec = reference === undefined ? o.spec : maskSecrets(o.spec, reference, env);
    const wanted = byAddr.get(address(o.kind, o.name));
    if (wanted !== undefined && wanted !== reference) spec = maskSecrets(spec, wanted, env);
    return spec === o.spec ? o : { ...o, spec };
  });
}

/** Refresh what the stack and state involve, then plan: the read-only half of every command. */
export async function refreshAndPlan(provider: Provider, desired: Stack, stored: State, opts: PlanOptions = {}): Promise<PlannedWorld> {
  const env = opts.env ?? process.env;
  const kinds = kindsToRefresh(provider.capabilities, desired, stored);
  const read = await refresh(provider, kinds, { state: stored, events: opts.events, signal: opts.signal });
  const live = maskLive(read.live, desired, stored, env);
  const refreshed = new Set(kinds);
  const own = { stack: desired.name, environment: desired.environment, lineage: stored.lineage };
  const recovery =
    stored.run && (opts.journal ?? "recover") === "recover"
      ? recoverRun(stored, live, { own, refreshed, capabilityOf: (kind, spec) => capabilityOf(provider, provider.capabilities, kind, spec) })
      : undefined;
  const state = recovery?.state ?? stored;

  const inFlight: Record<string, number | undefined> = {};
  if (provider.inFlight) {
    for (const r of Object.values(state.retired ?? {})) {
      if (r.mode === "drain" && r.stopped) inFlight[`${r.address}@${r.id}`] = await provider.inFlight(r.kind, r.id, { refs: read.refs, signal: opts.signal });
    }
  }
  const plan = makePlan({
    desired, state, live, provider, refreshed: kinds, rollbackOf: opts.rollbackOf, request: opts.request, inFlight,
    ...(recovery ? { recovered: recovery.summary } : {}),
  });
  if (stored.run && opts.journal === "in-progress") {
    plan.diagnostics.push({ code: "plan/apply-in-progress", severity: "warning", message: `an apply by ${stored.run.actor} (started ${stored.run.startedAt}) is in progress: this plan does not include what it is doing` });
  }
  if (provider.check) plan.diagnostics.push(...(await provider.check(desired.resources, { refs: read.refs, signal: opts.signal })));
  if (provider.segmentSize) {
    const audience = await audienceOf(provider as Required<Pick<Provider, "segmentSize">>, plan, desired, read.refs, opts.signal);
    if (Object.keys(audience).length) plan.audience = audience;
  }
  return { plan, live, state, ...(recovery ? { recovery } : {}), refs: read.refs, requests: read.requests };
}
