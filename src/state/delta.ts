import { randomUUID } from "node:crypto";
import type { State, StateDelta } from "./types";

/** An empty state with a fresh lineage. */
export const newState = (stack: string, environment: string): State => ({
  lineage: randomUUID(),
  serial: 0,
  stack,
  environment,
  resources: {},
});

/**
 * `state` with one delta applied and the serial bumped. The state's maps are
 * copied (shallowly: the resource objects are shared, a deep copy per record
 * would cost O(state)); the delta's own objects are cloned, so the caller may
 * change them afterwards without touching what was recorded.
 */
export function applyDelta(state: State, delta: StateDelta): State {
  const next: State = { ...state, serial: state.serial + 1 };
  const finish = (op: string | undefined, result: "done" | "failed", message?: string) => {
    if (!op || !next.run) return;
    next.run = {
      ...next.run,
      operations: next.run.operations.map((o) => (o.op === op ? { ...o, result, ...(message ? { message } : {}) } : o)),
    };
  };
  switch (delta.type) {
    case "resource": {
      const resources = { ...state.resources };
      if (delta.resource) resources[delta.address] = structuredClone(delta.resource);
      else delete resources[delta.address];
      next.resources = resources;
      finish(delta.op, "done");
      break;
    }
    case "retired": {
      const retired = { ...state.retired };
      if (delta.object) retired[delta.key] = structuredClone(delta.object);
      else delete retired[delta.key];
      if (Object.keys(retired).length) next.retired = retired;
      else delete next.retired;
      finish(delta.op, "done");
      break;
    }
    case "run-begin":
      next.run = { ...structuredClone(delta.run), operations: [] };
      break;
    case "op-begin":
      if (next.run) next.run = { ...next.run, operations: [...next.run.operations, structuredClone(delta.operation)] };
      break;
    case "op-end":
      finish(delta.op, delta.result, delta.message);
      break;
    case "run-end":
      if (next.run?.id === delta.run) delete next.run;
      break;
  }
  return next;
}

/** The serial a whole-state write gets: never backwards, so plans made before it are refused. */
export const nextSerialForWrite = (current: State | undefined, given: State): number =>
  Math.max(given.serial, (current?.serial ?? 0) + 1);

/** A state whose maps the caller may change without touching a store's cache. */
export const copy = (s: State): State => ({
  ...s,
  resources: { ...s.resources },
  ...(s.retired ? { retired: { ...s.retired } } : {}),
});
