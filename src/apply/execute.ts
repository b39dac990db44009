import { error, type Diagnostic } from "../diagnostics";
import { ProviderError } from "../provider";
import { changeKey, nullSink, type EventSink, type Plan, type PlanStep, type ResourceChange } from "../plan";
import type { HeldLock, Outcome } from "../state/types";
import { StateError } from "../state/types";
import { walk } from "../graph";
import { STEPS, type StepContext } from "./steps";

export interface ExecuteOptions {
  step: StepContext;
  lock: HeldLock;
  events?: EventSink;
  concurrency: number;
  /** Stops starting new steps; running ones finish and are journaled. */
  signal?: AbortSignal;
  /** Manual changes a person confirmed (by address); the others wait for a later apply. */
  confirmed: ReadonlySet<string>;
}

export interface Executed {
  outcome: Outcome;
  /** Changes whose every step finished. */
  done: ResourceChange[];
  errors: { address: string; message: string }[];
  /** Manual changes nobody confirmed yet. */
  awaiting: ResourceChange[];
  counts: { done: number; failed: number; skipped: number };
  /** Why the run stopped early, when something other than the person stopped it. */
  stopped?: Diagnostic;
  /** Platform ids the steps made or acted on, by change key. */
  ids: Map<string, string>;
}

const toDiagnostic = (address: string, e: unknown): Diagnostic =>
  e instanceof ProviderError
    ? { ...e.diagnostic, address: e.diagnostic.address ?? address }
    : e instanceof StateError
      ? error("state/unavailable", e.message, { address, ...(e.hint ? { hint: e.hint } : {}) })
      : error("apply/internal", String((e as Error)?.message ?? e), { address });

/**
 * Runs a plan's steps in the order its `after` edges give, at most
 * `concurrency` at a time. A failed step skips only what depends on it. The
 * run stops starting steps when the person interrupts, when the lock or the
 * state store is lost, or when the platform's daily quota is spent.
 */
export async function executePlan(plan: Plan, opts: ExecuteOptions): Promise<Executed> {
  const events = opts.events ?? nullSink;
  const t0 = Date.now();
  const changes = new Map(plan.changes.map((c) => [changeKey(c), c]));
  const runnable = plan.steps.filter((s) => s.phase !== "confirm" || opts.confirmed.has(changes.get(s.change)!.address));
  const byId = new Map<string, PlanStep>(runnable.map((s) => [s.id, s]));
  const stop = new AbortController();
  let stopped: Diagnostic | undefined;
  const halt = (d: Diagnostic) => {
    stopped ??= d;
    stop.abort();
  };
  const onUser = () => stop.abort();
  opts.signal?.addEventListener("abort", onUser, { once: true });
  if (opts.signal?.aborted) stop.abort();
  const onLost = () => halt(error("state/lock-lost", "the state lock was lost: no new operations start", { hint: "run `mops plan` to see what is left, then apply again" }));
  opts.lock.lost.addEventListener("abort", onLost, { once: true });

  const errors: { address: string; message: string }[] = [];
  const ids = new Map<string, string>();
  events({ type: "apply-start", total: runnable.length });
  const results = await walk([...byId.keys()], new Map(runnable.map((s) => [s.id, new Set(s.after)])), {
    concurrency: opts.concurrency,
    signal: stop.signal,
    run: async (id) => {
      const s = byId.get(id)!;
      const c = changes.get(s.change)!;
      const started = Date.now();
      try {
        await opts.lock.assertHeld();
        if (!opts.step.recorder.healthy) throw opts.step.recorder.error;
      } catch (e) {
        halt(toDiagnostic(c.address, e));
        throw e;
      }
      events({ type: "op-start", address: c.address, action: c.action, phase: s.phase });
      try {
        const r = await STEPS[s.phase](c, opts.step);
        if (r.id) ids.set(s.change, r.id);
      } catch (e) {
        const diagnostic = toDiagnostic(c.address, e);
        errors.push({ address: c.address, message: diagnostic.message });
        events({ type: "op-failed", address: c.address, action: c.action, phase: s.phase, diagnostic });
        if (e instanceof ProviderError && e.stop === "quota") halt(diagnostic);
        if (e instanceof StateError || !opts.step.recorder.healthy) halt(toDiagnostic(c.address, opts.step.recorder.error ?? e));
        throw e;
      }
      // The result could not be journaled to the store (it went to this machine's fallback journal): stop here.
      if (!opts.step.recorder.healthy) halt(toDiagnostic(c.address, opts.step.recorder.error));
      events({ type: "op-done", address: c.address, action: c.action, phase: s.phase, ...(ids.get(s.change) ? { id: ids.get(s.change) } : {}), ms: Date.now() - started });
    },
    onSkip: (id, because) => {
      const s = byId.get(id)!;
      const c = changes.get(s.change)!;
      const cause = because === "interrupted" ? (stopped ? "stopped" : "interrupted") : because === "dependency cycle" ? because : `${because} failed`;
      events({ type: "op-skipped", address: c.address, action: c.action, phase: s.phase, because: cause });
    },
  });
  opts.signal?.removeEventListener("abort", onUser);
  opts.lock.lost.removeEventListener("abort", onLost);

  const statuses = [...results.values()].map((r) => r.status);
  const counts = {
    done: statuses.filter((s) => s === "done").length,
    failed: statuses.filter((s) => s === "failed").length,
    skipped: statuses.filter((s) => s === "skipped").length,
  };
  const stepsOf = new Map<string, string[]>();
  for (const s of runnable) stepsOf.set(s.change, [...(stepsOf.get(s.change) ?? []), s.id]);
  const done = [...stepsOf].filter(([, ss]) => ss.every((id) => results.get(id)?.status === "done")).map(([k]) => changes.get(k)!);
  const awaiting = plan.changes.filter((c) => c.action === "manual" && !opts.confirmed.has(c.address));
  const outcome: Outcome =
    counts.failed + counts.skipped === 0
      ? "complete"
      : counts.done === 0 && counts.failed === 0
        ? "cancelled"
        : counts.done === 0
          ? "failed"
          : "partial";
  events({ type: "apply-done", outcome, ...counts, ms: Date.now() - t0 });
  return { outcome, done, errors, awaiting, counts, ids, ...(stopped ? { stopped } : {}) };
}
