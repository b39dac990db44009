import { randomUUID } from "node:crypto";
import type { State, StateResource } from "./types";

/** An empty state with a fresh lineage. */
export const newState = (stack: string, environment: string): State => ({
  lineage: randomUUID(),
  serial: 0,
  stack,
  environment,
  resources: {},
});

/** `state` with one resource set (or removed when null) and the serial bumped. */
export function withRecord(state: State, address: string, resource: StateResource | null): State {
  const resources = { ...state.resources };
  // A copy: the caller's object may change after this call; the recorded one must not.
  if (resource) resources[address] = structuredClone(resource);
  else delete resources[address];
  return { ...state, serial: state.serial + 1, resources };
}

/** The serial a whole-state write gets: never backwards, so plans made before it are refused. */
export const nextSerialForWrite = (current: State | undefined, given: State): number =>
  Math.max(given.serial, (current?.serial ?? 0) + 1);

/**
 * A state whose resource map the caller may change without touching a backend's
 * cache. The resource objects are shared (a deep copy per record would cost O(state)).
 */
export const copy = (s: State): State => ({ ...s, resources: { ...s.resources } });
