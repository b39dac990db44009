import { error, warning, type Diagnostic } from "../diagnostics";
import { address, canonicalJson, fingerprint, KINDS, type Kind, type Resource, type Stack } from "../model";
import type { Capabilities, KindCapability, LiveObject, Provider } from "../provider";
import type { State, StateResource } from "../state/types";
import { dependencyGraph, referencesOf, reverse, topoOrder } from "../graph";
import { diffSpecs, topAttribute } from "./diff";
import type { Action, Plan, ResourceChange } from "./types";

export interface PlanInput {
  desired: Stack;
  state: State;
  /** What refresh read. */
  live: readonly LiveObject[];
  provider: Pick<Provider, "name" | "capabilities" | "normalize">;
  /** Defaults to the provider's. */
  capabilities?: Capabilities;
  /** Kinds refresh read; for the others, state stands in for live. Defaults to every readable kind. */
  refreshed?: readonly Kind[];
  now?: Date;
  rollbackOf?: number;
}

/** Actions apply carries out (noop and manual are only shown). */
export const EXECUTED: ReadonlySet<Action> = new Set(["create", "update", "replace", "delete", "adopt"]);

const kindOrder = (k: Kind) => KINDS.indexOf(k);

/** Key of a live object in fingerprints: its address, `#id` for same-name duplicates. */
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

/**
 * Three-way compare: desired (normalised by the provider) against live, with
 * last-applied (state) telling drift apart from intent. Desired always wins;
 * a live object Mops neither created nor imported is never deleted.
 */
export function makePlan(input: PlanInput): Plan {
  const { desired, state, live, provider } = input;
  const caps = input.capabilities ?? provider.capabilities;
  const refreshed = new Set(input.refreshed ?? KINDS.filter((k) => caps[k]?.read));
  const diagnostics: Diagnostic[] = [];
  const normalize = (r: Resource): Resource => (provider.normalize ? provider.normalize(r) : r);
  const wanted = desired.resources.map(normalize);

  const liveById = new Map<string, LiveObject>();
  const liveByName = new Map<string, LiveObject[]>();
  for (const o of live) {
    liveById.set(`${o.kind}\0${o.id}`, o);
    const a = address(o.kind, o.name);
    liveByName.set(a, [...(liveByName.get(a) ?? []), o]);
  }
  const claimed = new Set(Object.values(state.resources).map((s) => `${s.kind}\0${s.id}`));
  const liveOf = (s: StateResource): LiveObject | undefined =>
    refreshed.has(s.kind)
      ? liveById.get(`${s.kind}\0${s.id}`)
      : { kind: s.kind, id: s.id, name: s.name, spec: s.attributes, version: s.version };
  /** An unmanaged live object with this address's name, for adoption. */
  const liveNamed = (addr: string): LiveObject | undefined => {
    const free = (liveByName.get(addr) ?? []).filter((o) => !claimed.has(`${o.kind}\0${o.id}`));
    if (free.length > 1) {
      diagnostics.push(
        warning("plan/duplicate-live", `${free.length} live objects are named like ${addr}; adopting ${free[0].id}`, {
          address: addr,
          hint: "remove the duplicates in the platform, or rename them",
          detail: { ids: free.map((o) => o.id) },
        }),
      );
    }
    return free[0];
  };

  const changes: ResourceChange[] = [];
  for (const r of wanted) {
    const addr = address(r.kind, r.name);
    const cap = caps[r.kind];
    const s = state.resources[addr];
    const base = { address: addr, kind: r.kind, name: r.name, after: r.spec } as const;
    if (!cap) {
      diagnostics.push(
        warning("plan/unsupported-kind", `provider ${provider.name} cannot manage ${r.kind} resources`, { address: addr }),
      );
      changes.push({ ...base, action: "manual", reasons: [`${provider.name} has no ${r.kind} support`], manual: `create ${addr} by hand in ${provider.name}` });
      continue;
    }
    const l = s ? liveOf(s) : undefined;
    if (s && l) {
      changes.push(compare(base, l, s, cap));
      continue;
    }
    const named = refreshed.has(r.kind) ? liveNamed(addr) : undefined;
    if (named) {
      const attributes = diffSpecs(named.spec, r.spec);
      const reasons = [s ? "deleted outside Mops; a live object with the same name exists: adopting it" : "a live object with this name exists: adopting it"];
      if (attributes.length) reasons.push("then updating it to match the stack");
      const blocked = attributes.length > 0 && cap.update !== "api";
      changes.push({
        ...base, id: named.id, version: named.version, before: named.spec,
        action: blocked ? "manual" : "adopt",
        attributes, reasons: blocked ? [...reasons, "the platform cannot update it through its API"] : reasons,
        ...(blocked ? { manual: cap.note ?? `update ${addr} by hand in ${provider.name}` } : {}),
      });
      continue;
    }
    const reasons = [s ? "deleted outside Mops" : "not in state"];
    if (cap.create === "api") changes.push({ ...base, action: "create", reasons });
    else changes.push({ ...base, action: "manual", reasons, manual: cap.note ?? `create ${addr} by hand in ${provider.name}` });
  }

  const wantedAddrs = new Set(wanted.map((r) => address(r.kind, r.name)));
  for (const s of Object.values(state.resources)) {
    if (wantedAddrs.has(s.address)) continue;
    const cap = caps[s.kind];
    const l = liveOf(s);
    const base = { address: s.address, kind: s.kind, name: s.name, id: s.id, before: l?.spec ?? s.attributes };
    if (!l) {
      // No id: there is nothing left on the platform to delete, only the state entry.
      const { id: _gone, ...rest } = base;
      changes.push({ ...rest, action: "delete", reasons: ["no longer in the stack", "already deleted outside Mops"] });
    } else if (cap?.delete === "api") {
      changes.push({ ...base, version: l.version, action: "delete", reasons: ["no longer in the stack"] });
    } else {
      changes.push({ ...base, action: "manual", reasons: ["no longer in the stack"], manual: cap?.note ?? `delete ${s.address} by hand in ${provider.name}` });
    }
  }

  diagnostics.push(...forceUpdatesOfReplacedDependents(changes, wanted));
  diagnostics.push(...addDependencies(changes, wanted, state));
  changes.sort((a, b) => kindOrder(a.kind) - kindOrder(b.kind) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  const liveObjects = liveFingerprints(live);
  const count = (...as: Action[]) => changes.filter((c) => as.includes(c.action)).length;
  return {
    formatVersion: 1,
    stack: desired.name,
    environment: desired.environment,
    provider: provider.name,
    createdAt: (input.now ?? new Date()).toISOString(),
    changes,
    summary: {
      add: count("create"),
      change: count("update") + changes.filter((c) => c.action === "adopt" && c.attributes?.length).length,
      replace: count("replace"),
      destroy: count("delete"),
      manual: count("manual"),
      adopt: count("adopt"),
      drifted: changes.filter((c) => c.drift?.length).length,
    },
    fingerprints: {
      desired: fingerprint(desired),
      lineage: state.lineage,
      stateSerial: state.serial,
      live: fingerprint(liveObjects),
      liveObjects,
      desiredResources: desiredFingerprints(wanted),
    },
    diagnostics,
    ...(input.rollbackOf !== undefined ? { rollbackOf: input.rollbackOf } : {}),
  };
}

function compare(
  base: { address: string; kind: Kind; name: string; after: Resource["spec"] },
  l: LiveObject,
  s: StateResource,
  cap: KindCapability,
): ResourceChange {
  // Most resources are unchanged: one canonical text each settles that before any per-attribute walk.
  const [cl, cd, cs] = [l.spec, base.after, s.attributes].map(canonicalJson);
  const attributes = cl === cd ? [] : diffSpecs(l.spec, base.after);
  const drift = cs === cl ? [] : diffSpecs(s.attributes, l.spec);
  const change: ResourceChange = { ...base, id: l.id, version: l.version, before: l.spec, action: "noop", reasons: [] };
  if (drift.length) {
    change.drift = drift;
    change.reasons.push("changed outside Mops");
  }
  if (!attributes.length) return change;
  change.attributes = attributes;
  const forcing = [...new Set(attributes.map((a) => topAttribute(a.path)).filter((t) => cap.replaceOn?.includes(t)))];
  if (forcing.length && cap.delete === "api" && cap.create === "api") {
    change.action = "replace";
    change.reasons.push(`the platform cannot update ${forcing.map((f) => `\`${f}\``).join(", ")} in place`);
  } else if (!forcing.length && cap.update === "api") {
    change.action = "update";
    change.reasons.push(drift.length ? "the stack wins over the change made outside Mops" : "the stack differs from the platform");
  } else {
    change.action = "manual";
    change.reasons.push("the platform's API cannot make this change");
    change.manual = cap.note ?? `change ${base.address} by hand in the platform`;
  }
  return change;
}

/**
 * A replaced object gets a new id: whatever refers to it must be rewritten
 * even if its spec is unchanged. And its old self is deleted first (names are
 * unique on a platform), which a platform refuses while something still uses
 * it: such a replace is an error that says how to do it in two applies.
 */
function forceUpdatesOfReplacedDependents(changes: ResourceChange[], wanted: readonly Resource[]): Diagnostic[] {
  const replaced = new Set(changes.filter((c) => c.action === "replace").map((c) => c.address));
  if (!replaced.size) return [];
  const byAddr = new Map(changes.map((c) => [c.address, c]));
  const users = new Map<string, string[]>();
  for (const r of wanted) {
    const addr = address(r.kind, r.name);
    const c = byAddr.get(addr);
    const hit = referencesOf(r).filter((a) => replaced.has(a) && a !== addr);
    if (!c || !hit.length || c.action === "replace" || c.action === "create") continue;
    for (const a of hit) users.set(a, [...(users.get(a) ?? []), addr]);
    if (c.action !== "noop") continue;
    c.action = "update";
    c.attributes = [];
    c.reasons.push(`refers to ${hit.join(", ")}, which is replaced (new platform id)`);
  }
  return [...users].map(([a, by]) => error("plan/replace-in-use", `${a} must be replaced (deleted, then created again), but ${by.join(", ")} still use${by.length === 1 ? "s" : ""} it`, {
    address: a,
    hint: `apply in two steps: first stop using ${a} in ${by.join(", ")} (or remove them), apply; then make the change to ${a} and restore the references`,
  }));
}

/**
 * Forward edges from the desired references (a segment before the workflow
 * that uses it); delete edges from the last-applied references, reversed (a
 * workflow stops using a segment, or goes, before that segment is deleted).
 * A cycle among the operations is an error diagnostic: nothing could go first.
 */
function addDependencies(changes: ResourceChange[], wanted: readonly Resource[], state: State): Diagnostic[] {
  const executed = new Map(changes.filter((c) => EXECUTED.has(c.action)).map((c) => [c.address, c]));
  const deps = new Map<string, Set<string>>([...executed.keys()].map((a) => [a, new Set<string>()]));
  for (const [a, refs] of dependencyGraph(wanted)) {
    if (!executed.has(a)) continue;
    for (const d of refs) if (executed.has(d) && executed.get(d)!.action !== "delete") deps.get(a)!.add(d);
  }
  const applied = Object.values(state.resources).map((s) => ({ kind: s.kind, name: s.name, spec: s.attributes }) as Resource);
  for (const [d, users] of reverse(dependencyGraph(applied))) {
    if (executed.get(d)?.action !== "delete") continue;
    for (const u of users) if (executed.has(u) && executed.get(u)!.action !== "create") deps.get(d)!.add(u);
  }
  for (const [a, ds] of deps) if (ds.size) executed.get(a)!.dependsOn = [...ds].sort();
  return topoOrder([...deps.keys()], deps).diagnostics;
}
