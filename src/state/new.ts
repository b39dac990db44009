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
  if (resource) resources[address] = resource;
  else delete resources[address];
  return { ...state, serial: state.serial + 1, resources };
}

/** The serial a whole-state write gets: never backwards, so plans made before it are refused. */
export const nextSerialForWrite = (current: State | undefined, given: State): number =>
  Math.max(given.serial, (current?.serial ?? 0) + 1);

/** A state the caller may change without touching a backend's cache (the resource objects are shared, not copied). */
export const copy = (s: State): State => ({ ...s, resources: { ...s.resources } });
