import { hasErrors, type Diagnostic } from "../diagnostics";
import { checkSavedPlan, hasChanges, refreshAndPlan, type Plan } from "../plan";
import { apply, type ApplyOptions, type ApplyResult } from "./apply";
import { nullSink } from "../plan/events";

/** What `apply` takes, less what the run reads for itself (state and live objects). */
export interface RunOptions extends Omit<ApplyOptions, "state" | "live"> {
  /** Apply exactly this reviewed plan, if the world has not moved since it was made. */
  savedPlan?: Plan;
  /** Findings to carry in a fresh plan (analysis, policy); an error among them blocks the apply. */
  findings?: Diagnostic[];
  /** Checks of the plan about to be applied (owners' approvals); an error blocks the apply. */
  gate?: (plan: Plan) => Diagnostic[];
  /** Shown the plan before anything changes; false cancels. Absent: approved. */
  confirm?: (plan: Plan) => Promise<boolean>;
}

export interface RunResult {
  plan?: Plan;
  /** Why nothing was applied: the saved plan is stale, or the plan has errors (provider checks, analysis). */
  diagnostics: Diagnostic[];
  blocked?: "stale" | "errors" | "approval";
  cancelled?: boolean;
  applied?: ApplyResult;
}

/**
 * The one path every change takes (apply, apply of a saved plan, rollback):
 * lock, refresh, plan (or check the saved plan), confirm, apply, record, unlock.
 * The lock is held from the read of state until the version is recorded.
 */
export async function runApply(opts: RunOptions): Promise<RunResult> {
  const { backend, provider, desired } = opts;
  const events = opts.events ?? nullSink;
  const lock = await backend.lock(opts.meta.command, opts.meta.actor);
  try {
    const state = await backend.read();
    // The signal is a soft stop for the walk; reads before it are short and finish.
    const world = await refreshAndPlan(provider, desired, state, { events, rollbackOf: opts.meta.rollbackOf });
    let plan = world.plan;
    plan.diagnostics.push(...(opts.findings ?? []));
    if (opts.savedPlan) {
      const stale = checkSavedPlan(opts.savedPlan, { desired, state, live: world.live, provider });
      if (stale.length) return { plan: opts.savedPlan, diagnostics: stale, blocked: "stale" };
      plan = opts.savedPlan;
    }
    if (hasErrors(plan.diagnostics)) return { plan, diagnostics: plan.diagnostics, blocked: "errors" };
    const gated = hasChanges(plan) ? (opts.gate?.(plan) ?? []) : [];
    if (hasErrors(gated)) return { plan, diagnostics: gated, blocked: "approval" };
    const needsSync = plan.changes.some((c) => c.action === "noop" && c.drift?.length);
    if (!hasChanges(plan) && !needsSync && opts.meta.command === "apply") return { plan, diagnostics: [] };
    if (hasChanges(plan) && opts.confirm && !(await opts.confirm(plan))) return { plan, diagnostics: [], cancelled: true };
    if (opts.signal?.aborted) return { plan, diagnostics: [], cancelled: true };
    const applied = await apply(plan, {
      provider, backend, desired, meta: opts.meta, events, concurrency: opts.concurrency, signal: opts.signal,
      state, live: world.live,
    });
    return { plan, diagnostics: [], applied };
  } finally {
    await backend.unlock(lock.id);
  }
}
