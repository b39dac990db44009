import { randomUUID } from "node:crypto";
import { hasErrors, type Diagnostic } from "../diagnostics";
import type { Stack } from "../model";
import type { Provider } from "../provider";
import {
  checkSavedPlan, hasChanges, nullSink, refreshAndPlan,
  type EventSink, type Plan, type PlanRequest, type PlannedWorld, type ResourceChange,
} from "../plan";
import type { HistoryVersion, State, StateBackend } from "../state/types";
import { executePlan, type Executed } from "./execute";
import { FallbackJournal } from "./fallback";
import { RunRecorder } from "./recorder";
import { summarize, versionOf, type RunMeta } from "./version";

export interface SessionOptions {
  provider: Provider;
  backend: StateBackend;
  /** Recorded in history as the desired state of this version. */
  desired: Stack;
  meta: RunMeta;
  events?: EventSink;
  concurrency?: number;
  /** Stops starting new operations; running ones finish and are journaled. */
  signal?: AbortSignal;
  /** Values of `${env:…}` references (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Wait this long for another run's lock (Terraform's -lock-timeout); 0: fail at once. */
  lockTimeoutMs?: number;
  /** Apply exactly this reviewed plan, if a fresh plan made now is the same. */
  savedPlan?: Plan;
  request?: PlanRequest;
  /** Narrows the plan before it is shown (`mops import` applies only adoptions). */
  select?: (plan: Plan) => Plan;
  /** Findings to carry in a fresh plan (analysis, policy); an error among them blocks the apply. */
  findings?: Diagnostic[];
  /** Checks of the plan about to be applied (owners' approvals); an error blocks the apply. */
  gate?: (plan: Plan) => Diagnostic[];
  /** Shown the plan before anything changes; false cancels. Absent: approved. */
  confirm?: (plan: Plan) => Promise<boolean>;
  /** Which manual changes a person has made: addresses given up front, or asked once the plan is approved. */
  confirmManual?: readonly string[] | ((pending: ResourceChange[]) => Promise<readonly string[]>);
}

export interface SessionResult {
  plan?: Plan;
  /** Why nothing was applied: the saved plan is stale, the plan has errors, approvals are missing. */
  diagnostics: Diagnostic[];
  blocked?: "stale" | "errors" | "approval";
  cancelled?: boolean;
  /** The version that recorded a killed run's work, found and recovered before planning. */
  recovered?: HistoryVersion;
  applied?: { outcome: Executed["outcome"]; version?: HistoryVersion; executed: Executed; versionError?: unknown };
}

/**
 * The one path every change takes (apply, apply of a saved plan, rollback,
 * import): lock; record what a killed run left; refresh and plan; check the
 * saved plan, the findings and the approvals; confirm; carry out the steps;
 * record the version; unlock. The lock is held from the read of state until
 * the version is recorded.
 */
export async function runSession(opts: SessionOptions): Promise<SessionResult> {
  const { backend, provider, desired } = opts;
  const events = opts.events ?? nullSink;
  const lock = await backend.locker.lock(opts.meta.command, opts.meta.actor, { timeoutMs: opts.lockTimeoutMs ?? 0, signal: opts.signal });
  try {
    const fallback = new FallbackJournal(backend.localDir);
    await fallback.drainInto(backend.state);
    const stored = await backend.state.read();
    let latest = await backend.history.latest();
    const journal = stored.run ? (latest?.run === stored.run.id ? "recorded" : "recover") : undefined;
    const world = await refreshAndPlan(provider, desired, stored, {
      events, rollbackOf: opts.meta.rollbackOf, request: opts.savedPlan?.request ?? opts.request, env: opts.env, ...(journal ? { journal } : {}),
    });
    const recovered = stored.run ? await recordRecovery(backend, world, stored, opts.meta.actor) : undefined;
    if (recovered) {
      latest = recovered;
      events({ type: "recovered", run: world.recovery!.summary, version: recovered.version });
    }
    let plan = opts.select ? opts.select(world.plan) : world.plan;
    plan.diagnostics.push(...(opts.findings ?? []));
    const base = { plan, diagnostics: [] as Diagnostic[], ...(recovered ? { recovered } : {}) };
    if (opts.savedPlan) {
      const stale = checkSavedPlan(opts.savedPlan, plan);
      if (stale.length) return { ...base, plan: opts.savedPlan, diagnostics: stale, blocked: "stale" };
    }
    if (hasErrors(plan.diagnostics)) return { ...base, diagnostics: plan.diagnostics, blocked: "errors" };
    const gated = hasChanges(plan) ? (opts.gate?.(plan) ?? []) : [];
    if (hasErrors(gated)) return { ...base, diagnostics: gated, blocked: "approval" };
    // Live already matches the stack but state is behind (edited back by hand, or written by a run too old to journal).
    const behind = plan.changes.filter((c) => c.action === "noop" && c.drift?.length && c.id && c.before);
    if (!hasChanges(plan) && opts.meta.command === "apply") {
      await syncState(backend, world.state, behind);
      return base;
    }
    if (hasChanges(plan) && opts.confirm && !(await opts.confirm(plan))) return { ...base, cancelled: true };
    if (opts.signal?.aborted) return { ...base, cancelled: true };
    const pending = plan.changes.filter((c) => c.action === "manual");
    const confirmed = new Set(
      typeof opts.confirmManual === "function" ? (pending.length ? await opts.confirmManual(pending) : []) : (opts.confirmManual ?? []),
    );

    const run = {
      id: randomUUID(), actor: opts.meta.actor, command: opts.meta.command, startedAt: new Date().toISOString(),
      version: (latest?.version ?? 0) + 1, desired,
      ...(opts.meta.gitCommit ? { gitCommit: opts.meta.gitCommit } : {}),
      ...(opts.meta.rollbackOf !== undefined ? { rollbackOf: opts.meta.rollbackOf } : {}),
      ...(opts.meta.approvers?.length ? { approvers: opts.meta.approvers } : {}),
    };
    await syncState(backend, world.state, behind);
    const recorder = await RunRecorder.begin(backend.state, fallback, run);
    const executed = await executePlan(plan, {
      step: {
        provider, recorder, refs: world.refs, env: opts.env ?? process.env, actor: opts.meta.actor,
        owner: { stack: desired.name, environment: desired.environment, lineage: world.state.lineage },
      },
      lock, events, concurrency: opts.concurrency ?? 8, signal: opts.signal, confirmed,
    });
    let version: HistoryVersion | undefined;
    let versionError: unknown;
    const worthRecording = executed.counts.done + executed.counts.failed + executed.counts.skipped > 0 || opts.meta.command !== "apply";
    if (worthRecording) {
      try {
        version = await backend.history.append(
          versionOf({ ...opts.meta, run: run.id, desired, stateSerial: recorder.state.serial }, executed.done, executed.outcome, executed.errors, executed.ids),
        );
      } catch (e) {
        // The journal still holds the run: the next run records it (as recovered).
        versionError = e;
      }
    }
    if (!versionError) await recorder.end();
    return { ...base, applied: { outcome: executed.outcome, executed, ...(version ? { version } : {}), ...(versionError ? { versionError } : {}) } };
  } finally {
    await lock.release();
  }
}

/** A killed run's work goes into history as its own version before anything else is planned, and its journal is closed. */
async function recordRecovery(backend: StateBackend, world: PlannedWorld, stored: State, actor: string): Promise<HistoryVersion | undefined> {
  const run = stored.run!;
  const r = world.recovery;
  let version: HistoryVersion | undefined;
  if (r) {
    let state = stored;
    for (const d of r.deltas) state = await backend.state.apply(d);
    if (r.changes.length || r.errors.length) {
      version = await backend.history.append({
        time: new Date().toISOString(),
        actor: run.actor,
        ...(run.gitCommit ? { gitCommit: run.gitCommit } : {}),
        command: run.command,
        ...(run.rollbackOf !== undefined ? { rollbackOf: run.rollbackOf } : {}),
        run: run.id,
        desired: run.desired,
        changes: r.changes,
        summary: summarize(r.changes),
        outcome: "recovered",
        ...(r.errors.length ? { errors: r.errors } : {}),
        ...(run.approvers?.length ? { approvers: run.approvers } : {}),
        recoveredBy: { actor, time: new Date().toISOString() },
        stateSerial: state.serial,
      });
    }
  }
  await backend.state.apply({ type: "run-end", run: run.id });
  return version;
}

async function syncState(backend: StateBackend, state: State, behind: readonly ResourceChange[]): Promise<void> {
  for (const c of behind) {
    const prev = state.resources[c.address];
    if (!prev) continue;
    await backend.state.apply({
      type: "resource", address: c.address,
      resource: { ...prev, attributes: c.before!, ...(c.version !== undefined ? { version: c.version } : {}), updatedAt: new Date().toISOString() },
    });
  }
}
