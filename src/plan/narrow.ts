import { planSummary } from "./compare";
import { changeKey, type Plan, type ResourceChange } from "./types";

/**
 * The plan with only some changes (each possibly rewritten), its steps and
 * summary following: `mops import` carries out the adoptions of a plan and
 * nothing else.
 */
export function narrowPlan(plan: Plan, keep: (c: ResourceChange) => ResourceChange | undefined): Plan {
  const changes = plan.changes.map((c) => (c.action === "noop" ? c : keep(c))).filter((c): c is ResourceChange => !!c);
  const kept = new Set(changes.filter((c) => c.action !== "noop").map(changeKey));
  const steps = plan.steps.filter((s) => kept.has(s.change));
  const ids = new Set(steps.map((s) => s.id));
  return {
    ...plan,
    changes,
    steps: steps.map((s) => ({ ...s, after: s.after.filter((a) => ids.has(a)) })),
    summary: planSummary(changes),
  };
}
