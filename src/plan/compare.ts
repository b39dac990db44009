import { fingerprint, KINDS, summaryOf, type Kind, type Stack } from "../model";
import type { Capabilities, LiveObject, Provider } from "../provider";
import type { State } from "../state/types";
import { Decider } from "./decide";
import { desiredFingerprints, liveFingerprints, stateFingerprint } from "./fingerprints";
import { orderSteps } from "./order";
import type { Plan, PlanRequest, RecoveredRun, ResourceChange } from "./types";

export const planSummary = (changes: readonly ResourceChange[]) =>
  summaryOf(changes, (c) => !!c.attributes?.length, (c) => !!c.drift?.length);

export interface PlanInput {
  desired: Stack;
  /** State as last recorded (a killed run's journal already recovered into it). */
  state: State;
  /** What refresh read, secrets masked. */
  live: readonly LiveObject[];
  provider: Pick<Provider, "name" | "capabilities" | "normalize" | "capabilityOf" | "manualNote">;
  /** Defaults to the provider's. */
  capabilities?: Capabilities;
  /** Kinds refresh read; for the others, state stands in for live. Defaults to every readable kind. */
  refreshed?: readonly Kind[];
  now?: Date;
  rollbackOf?: number;
  request?: PlanRequest;
  /** Contacts still inside retired objects being drained, keyed `address@id` (absent: unknown). */
  inFlight?: Record<string, number | undefined>;
  recovered?: RecoveredRun;
}

/**
 * The three-way comparison of desired, live and last applied, as a typed
 * plan: one change per address with its action and reasons, and the steps
 * apply will run in the order the ordering table (./order) gives.
 */
export function makePlan(input: PlanInput): Plan {
  const { desired, state, live, provider } = input;
  const caps = input.capabilities ?? provider.capabilities;
  const refreshed = new Set(input.refreshed ?? KINDS.filter((k) => caps[k]?.read));
  const wanted = desired.resources.map((r) => (provider.normalize ? provider.normalize(r) : r));
  const own = { stack: desired.name, environment: desired.environment, lineage: state.lineage };
  const d = new Decider({ ...input, wanted, own }, refreshed);

  for (const r of wanted) d.desired(r);
  const wantedAddrs = new Set(wanted.map((r) => `${r.kind}.${r.name}`));
  for (const s of Object.values(state.resources)) if (!wantedAddrs.has(s.address)) d.removed(s);
  for (const r of Object.values(state.retired ?? {})) d.retired(r);
  d.forceDependents();
  d.deferDeletesInUse();
  const changes = d.sorted();

  const applied = [
    ...Object.values(state.resources).map((s) => ({ key: s.address, resource: { kind: s.kind, name: s.name, spec: s.attributes } as never })),
    ...Object.values(state.retired ?? {}).map((r) => ({
      key: `${r.address}@${r.id}`,
      resource: { kind: r.kind, name: r.address.slice(r.kind.length + 1), spec: r.attributes } as never,
    })),
  ];
  const ordered = orderSteps({ changes: changes.filter((c) => c.action !== "noop"), desired: wanted, applied });

  const liveObjects = liveFingerprints(live);
  return {
    formatVersion: 2,
    stack: desired.name,
    environment: desired.environment,
    provider: provider.name,
    createdAt: (input.now ?? new Date()).toISOString(),
    changes,
    steps: ordered.steps,
    summary: planSummary(changes),
    fingerprints: {
      desired: fingerprint(desired),
      lineage: state.lineage,
      stateSerial: state.serial,
      state: stateFingerprint(state),
      live: fingerprint(liveObjects),
      liveObjects,
      desiredResources: desiredFingerprints(wanted),
    },
    ...(input.request && Object.keys(input.request).length ? { request: input.request } : {}),
    diagnostics: [...d.diagnostics, ...ordered.diagnostics],
    ...(input.rollbackOf !== undefined ? { rollbackOf: input.rollbackOf } : {}),
    ...(input.recovered ? { recovered: input.recovered } : {}),
  };
}

