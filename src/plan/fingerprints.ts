import { address, fingerprint, type Resource } from "../model";
import type { LiveObject } from "../provider";
import type { State } from "../state/types";

/** Key of a live object in fingerprints: its address, `#id` added for same-name duplicates. */
export function liveFingerprints(live: readonly LiveObject[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const o of [...live].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    const a = address(o.kind, o.name);
    out[a in out ? `${a}#${o.id}` : a] = fingerprint(o);
  }
  return out;
}

export function desiredFingerprints(resources: readonly Resource[]): Record<string, string> {
  return Object.fromEntries(resources.map((r) => [address(r.kind, r.name), fingerprint(r.spec)]));
}

/** What a plan was computed from in the state: its resources and retired objects, not its serial or run journal. */
export const stateFingerprint = (state: State): string => fingerprint({ resources: state.resources, retired: state.retired ?? {} });
