import { error, type Diagnostic } from "../diagnostics";
import type { Resource } from "../model";
import { dependencyGraph, referencesOf, topoOrder } from "../graph";
import { changeKey, type Phase, type PlanStep, type ResourceChange } from "./types";

/**
 * The order of a plan's steps comes from this one table, never from special
 * cases. A change becomes one step per phase (two for a replace); edges
 * between the steps of different changes follow from two relations:
 *
 *   X uses Y  (X's spec in the stack refers to Y):
 *     X's steps that establish the reference wait for Y's steps that bring Y
 *     (its new id) into being.
 *   X used Y  (X's spec as last applied referred to Y):
 *     Y's steps that remove the object X pointed at wait for X's steps that
 *     let go of it.
 */
export const PHASES: Record<ResourceChange["action"], Phase[]> = {
  create: ["create"],
  update: ["update"],
  delete: ["delete"],
  adopt: ["adopt"],
  manual: ["confirm"],
  noop: [],
  replace: [], // by mode: see phasesOf
};

/** A change's own steps, in the order its halves need. */
export function phasesOf(c: ResourceChange): Phase[] {
  // The old half of a drained replace is updated in one way only: it stops admitting new contacts.
  if (c.retired && c.action === "update") return ["retire"];
  if (c.action !== "replace") return PHASES[c.action];
  switch (c.replaceMode) {
    case "delete-before-create":
      return ["delete", "create"];
    case "drain":
      return ["create", "retire"];
    default:
      return ["create", "delete"];
  }
}

/** X uses Y: X's step of this phase runs after Y's steps of these phases. */
export const USES: Record<Phase, readonly Phase[]> = {
  create: ["create", "adopt", "update"],
  update: ["create", "adopt", "update"],
  adopt: ["create", "adopt", "update"],
  delete: [],
  retire: [],
  confirm: [],
};

/** X used Y: Y's step of this phase runs after X's steps of these phases. */
export const USED: Record<Phase, readonly Phase[]> = {
  delete: ["update", "delete"],
  create: [],
  update: [],
  adopt: [],
  retire: [],
  confirm: [],
};

export const stepId = (phase: Phase, key: string): string => `${phase}:${key}`;

export interface OrderInput {
  changes: readonly ResourceChange[];
  /** The stack's resources (normalised): who uses whom now. */
  desired: readonly Resource[];
  /** What was last applied, and retired objects keyed like their changes: who used whom. */
  applied: readonly { key: string; resource: Resource }[];
}

/**
 * The steps of a plan with their `after` edges, in an order that respects
 * them. A cycle means no step could go first: an error naming it (a
 * delete-before-create replace of something still in use is the usual one).
 */
export function orderSteps(input: OrderInput): { steps: PlanStep[]; diagnostics: Diagnostic[] } {
  const byKey = new Map(input.changes.map((c) => [changeKey(c), c]));
  const steps = new Map<string, PlanStep>();
  for (const c of input.changes) {
    const key = changeKey(c);
    const phases = phasesOf(c);
    phases.forEach((phase, i) => {
      const id = stepId(phase, key);
      // A change's own halves run in their order.
      steps.set(id, { id, change: key, phase, after: i > 0 ? [stepId(phases[i - 1]!, key)] : [] });
    });
  }
  const link = (from: ResourceChange, fromPhases: readonly Phase[], to: ResourceChange, needPhases: (p: Phase) => readonly Phase[]) => {
    for (const p of phasesOf(from)) {
      if (!fromPhases.includes(p)) continue;
      const step = steps.get(stepId(p, changeKey(from)))!;
      for (const q of phasesOf(to)) {
        if (needPhases(p).includes(q)) step.after.push(stepId(q, changeKey(to)));
      }
    }
  };
  // X uses Y.
  for (const [x, ys] of dependencyGraph(input.desired)) {
    const cx = byKey.get(x);
    if (!cx) continue;
    for (const y of ys) {
      const cy = byKey.get(y);
      if (cy && cy !== cx) link(cx, Object.keys(USES) as Phase[], cy, (p) => USES[p]);
    }
  }
  // X used Y: Y's removing steps wait for X's releasing ones.
  for (const { key: xKey, resource } of input.applied) {
    const cx = byKey.get(xKey);
    if (!cx) continue;
    for (const y of referencesOf(resource)) {
      const cy = byKey.get(y);
      if (cy && cy !== cx) link(cy, Object.keys(USED) as Phase[], cx, (p) => USED[p]);
    }
  }
  for (const s of steps.values()) s.after = [...new Set(s.after)].sort();

  const deps = new Map([...steps.values()].map((s) => [s.id, new Set(s.after)]));
  const ordered = topoOrder([...steps.keys()], deps);
  if (!ordered.value) return { steps: [...steps.values()], diagnostics: ordered.diagnostics.map((d) => explainCycle(d, byKey)) };
  return { steps: ordered.value.map((id) => steps.get(id)!), diagnostics: [] };
}

/** A cycle through a delete-before-create replace: say what to do, not just which steps loop. */
function explainCycle(d: Diagnostic, byKey: ReadonlyMap<string, ResourceChange>): Diagnostic {
  const cycle = (d.detail?.cycle as string[] | undefined) ?? [];
  const keys = [...new Set(cycle.map((id) => id.slice(id.indexOf(":") + 1)))];
  const replaced = keys.map((k) => byKey.get(k)).find((c) => c?.action === "replace" && c.replaceMode === "delete-before-create");
  if (!replaced) return { ...d, code: "plan/cycle" };
  const users = keys.filter((k) => k !== changeKey(replaced));
  return error("plan/replace-in-use", `${replaced.address} must be replaced (deleted, then created again: the platform refuses two of one name), but ${users.join(", ")} still use${users.length === 1 ? "s" : ""} it`, {
    address: replaced.address,
    hint: `apply in two steps: first stop using ${replaced.address} in ${users.join(", ")} (or remove them), apply; then make the change to ${replaced.address} and restore the references`,
    detail: { cycle },
  });
}
