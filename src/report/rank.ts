import type { WorkflowSpec } from "../model";
import type { ResourceChange } from "../plan/types";
import { walkSteps } from "./words";

/**
 * The order a reviewer reads a plan in: what cannot be undone first. Decided
 * on the change's action, reasons and spec, never on words.
 *
 * 0. destroys and replaces (the deletes of retired objects too),
 * 1. updates of active workflows that send,
 * 2. every other update (adoptions, manual steps on existing objects, drift),
 * 3. creates.
 */
export type RiskGroup = 0 | 1 | 2 | 3;

export const RISK_GROUPS: Record<RiskGroup, string> = {
  0: "destroy or replace",
  1: "update of an active sending journey",
  2: "update",
  3: "create",
};

export function riskGroup(c: ResourceChange): RiskGroup {
  if (c.action === "delete" || c.action === "replace" || c.retired) return 0;
  if (c.action === "create") return 3;
  if (c.action === "manual") {
    const op = c.reasons.find((r) => r.code === "api-cannot")?.operation;
    if (op === "delete" || c.reasons.some((r) => r.code === "removed-from-stack")) return 0;
    if (op === "create" || c.reasons.some((r) => r.code === "new")) return 3;
  }
  return c.kind === "workflow" && sendsWhileActive(c) ? 1 : 2;
}

/** Active before or after the change, with a send step: contacts get its messages as it changes. */
function sendsWhileActive(c: ResourceChange): boolean {
  return [c.before, c.after].some((spec) => {
    const wf = spec as WorkflowSpec | undefined;
    return wf?.status === "active" && [...walkSteps(wf.steps ?? [])].some(({ step }) => step.type === "send");
  });
}

const collator = new Intl.Collator("en", { numeric: true });

/** `prop_2` before `prop_10`; ties (the same address retired twice) by id. */
export function naturalCompare(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** Changes by risk group, then naturally by address. */
export function rankChanges<T extends ResourceChange>(changes: readonly T[]): T[] {
  return changes
    .map((c) => ({ c, g: riskGroup(c) }))
    .sort((x, y) => x.g - y.g || naturalCompare(x.c.address, y.c.address) || naturalCompare(x.c.id ?? "", y.c.id ?? ""))
    .map((x) => x.c);
}
