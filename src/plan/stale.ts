import { error, type Diagnostic } from "../diagnostics";
import { fingerprint, type Resource, type Stack } from "../model";
import type { LiveObject, Provider } from "../provider";
import type { State } from "../state/types";
import { desiredFingerprints, liveFingerprints } from "./make";
import type { Plan } from "./types";

const hint = "run `mops plan --out` again and review the new plan";

/** Keys whose fingerprint differs, appeared or vanished between two maps. */
function changedKeys(then: Record<string, string>, now: Record<string, string>) {
  const keys = [...new Set([...Object.keys(then), ...Object.keys(now)])].sort();
  return keys.flatMap((k) => {
    if (then[k] === now[k]) return [];
    const how = then[k] === undefined ? "appeared" : now[k] === undefined ? "disappeared" : "changed";
    return [{ key: k, how }];
  });
}

/**
 * A saved plan applies only to the world it was computed from: the same state
 * (lineage and serial), the same live objects and the same stack. Each
 * difference is one diagnostic saying exactly what moved.
 */
export function checkSavedPlan(
  plan: Plan,
  now: { desired: Stack; state: State; live: readonly LiveObject[]; provider: Pick<Provider, "normalize" | "name"> },
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const f = plan.fingerprints;
  const stale = (message: string, address?: string) => out.push(error("plan/stale", message, { hint, ...(address ? { address } : {}) }));
  if (plan.stack !== now.desired.name || plan.environment !== now.desired.environment) {
    stale(`the plan is for ${plan.stack}/${plan.environment}, not ${now.desired.name}/${now.desired.environment}`);
    return out;
  }
  if (plan.provider !== now.provider.name) stale(`the plan was made for the ${plan.provider} provider, the stack now uses ${now.provider.name}`);
  // The plan file is what gets applied: each change must still be the one computed from the fingerprinted stack.
  for (const c of plan.changes) {
    const made = f.desiredResources?.[c.address];
    if (c.after !== undefined && made !== undefined && fingerprint(c.after) !== made) {
      out.push(error("plan/tampered", `the plan file's change to ${c.address} is not the one computed from the stack`, {
        address: c.address,
        hint: "a saved plan must not be edited: run `mops plan --out` again",
      }));
    }
  }
  if (f.lineage !== now.state.lineage) stale(`the state lineage is ${now.state.lineage}, the plan was made for ${f.lineage}`);
  else if (f.stateSerial !== now.state.serial) stale(`the state changed since the plan was made: another apply or import ran (state serial ${f.stateSerial} -> ${now.state.serial})`);

  const liveNow = liveFingerprints(now.live);
  if (fingerprint(liveNow) !== f.live) {
    const moved = f.liveObjects ? changedKeys(f.liveObjects, liveNow) : [];
    if (!moved.length) stale("the live objects changed since the plan");
    for (const m of moved) stale(`live ${m.key} ${m.how} since the plan`, m.key.split("#")[0]);
  }

  if (fingerprint(now.desired) !== f.desired) {
    const normalize = (r: Resource) => (now.provider.normalize ? now.provider.normalize(r) : r);
    const moved = f.desiredResources ? changedKeys(f.desiredResources, desiredFingerprints(now.desired.resources.map(normalize))) : [];
    const verb = { appeared: "was added to", disappeared: "was removed from", changed: "changed in" } as Record<string, string>;
    if (!moved.length) stale("the stack changed since the plan (settings outside its resources)");
    for (const m of moved) stale(`${m.key} ${verb[m.how]} the stack since the plan`, m.key);
  }
  return out;
}
