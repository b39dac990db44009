import type { Diagnostic } from "../diagnostics";
import { error } from "../diagnostics";
import type { Resource, Stack } from "../model";
import { ProviderError, type LiveObject, type Provider } from "../provider";
import type { HistoryVersion, Outcome, State, StateBackend, StateResource } from "../state/types";
import { walk } from "../graph";
import { EXECUTED, MutableRefs, type Plan, type ResourceChange } from "../plan";
import { nullSink, type EventSink } from "../plan/events";

export interface ApplyMeta {
  actor: string;
  gitCommit?: string;
  command: HistoryVersion["command"];
  rollbackOf?: number;
  approvers?: string[];
}

export interface ApplyOptions {
  provider: Provider;
  backend: StateBackend;
  /** Recorded in history as the desired state of this version. */
  desired: Stack;
  meta: ApplyMeta;
  events?: EventSink;
  concurrency?: number;
  /** Stops starting new operations; running ones finish and are journaled. */
  signal?: AbortSignal;
  /** State as read for the plan (refs for the provider); read from the backend when absent. */
  state?: State;
  /** Live objects refresh read (more refs: adopted objects' neighbours). */
  live?: readonly LiveObject[];
}

export interface ApplyResult {
  outcome: Outcome;
  version?: HistoryVersion;
  errors: { address: string; message: string }[];
  state: State;
  done: number;
  failed: number;
  skipped: number;
}

const toDiagnostic = (address: string, e: unknown): Diagnostic =>
  e instanceof ProviderError ? { ...e.diagnostic, address: e.diagnostic.address ?? address } : error("apply/internal", String((e as Error)?.message ?? e), { address });

/**
 * Carries out a plan: dependency order, bounded concurrency, every finished
 * operation journaled before its dependents start; a failure skips only its
 * dependents. Records one history version whatever the outcome.
 */
export async function apply(plan: Plan, opts: ApplyOptions): Promise<ApplyResult> {
  const events = opts.events ?? nullSink;
  const { provider, backend } = opts;
  const t0 = Date.now();
  let state = opts.state ?? (await backend.read());
  const refs = MutableRefs.from(state, opts.live ?? []);
  const ctx = { refs };

  // Journal writes one at a time: the backend bumps the serial per write.
  let journal: Promise<unknown> = Promise.resolve();
  const record = (address: string, r: StateResource | null): Promise<void> => {
    const p = journal.then(async () => {
      state = await backend.record(address, r);
    });
    journal = p.catch(() => {});
    return p;
  };
  const stateOf = (c: ResourceChange, live: LiveObject, origin: StateResource["origin"]): StateResource => ({
    address: c.address, kind: c.kind, name: c.name, id: live.id, attributes: live.spec,
    ...(live.version !== undefined ? { version: live.version } : {}),
    origin, updatedAt: new Date().toISOString(),
  });

  // Live already matches the stack but state is behind (an apply killed between write and journal).
  for (const c of plan.changes) {
    if (c.action === "noop" && c.drift?.length && c.id && c.before) {
      const prev = state.resources[c.address];
      await record(c.address, stateOf(c, { kind: c.kind, id: c.id, name: c.name, spec: c.before, version: c.version }, prev?.origin ?? "created"));
    }
  }

  const ops = plan.changes.filter((c) => EXECUTED.has(c.action));
  const byAddr = new Map(ops.map((c) => [c.address, c]));
  const deps = new Map(ops.map((c) => [c.address, new Set(c.dependsOn ?? [])]));
  const errors: { address: string; message: string }[] = [];
  events({ type: "apply-start", total: ops.length });

  const resourceOf = (c: ResourceChange): Resource => ({ kind: c.kind, name: c.name, spec: c.after }) as Resource;
  const liveOf = (c: ResourceChange, id: string): LiveObject => ({
    kind: c.kind, id, name: c.name, spec: c.before!, ...(c.version !== undefined ? { version: c.version } : {}),
  });

  /** Create on the platform, make the new id known to later references, journal it. */
  const createRecorded = async (c: ResourceChange): Promise<string> => {
    const live = await provider.create(resourceOf(c), ctx);
    refs.set(c.kind, c.name, live.id);
    await record(c.address, stateOf(c, live, "created"));
    return live.id;
  };

  const run = async (address: string): Promise<void> => {
    const c = byAddr.get(address)!;
    const started = Date.now();
    events({ type: "op-start", address, action: c.action });
    let id: string | undefined = c.id;
    try {
      switch (c.action) {
        case "create":
          id = await createRecorded(c);
          break;
        case "update": {
          const prev = state.resources[address];
          const live = await provider.update(resourceOf(c), liveOf(c, c.id!), ctx);
          await record(address, stateOf(c, live, prev?.origin ?? "created"));
          break;
        }
        case "adopt": {
          const found = liveOf(c, c.id!);
          refs.set(c.kind, c.name, found.id);
          await record(address, stateOf(c, found, "imported"));
          if (c.attributes?.length) await record(address, stateOf(c, await provider.update(resourceOf(c), found, ctx), "imported"));
          break;
        }
        case "replace": {
          await provider.delete(c.kind, c.id!, ctx);
          refs.forget(c.kind, c.name);
          await record(address, null);
          id = await createRecorded(c);
          break;
        }
        case "delete": {
          // Without an id the object is already gone from the platform: only state forgets it.
          if (c.id) await provider.delete(c.kind, c.id, ctx);
          refs.forget(c.kind, c.name);
          await record(address, null);
          break;
        }
        default:
          break;
      }
    } catch (e) {
      const diagnostic = toDiagnostic(address, e);
      errors.push({ address, message: diagnostic.message });
      events({ type: "op-failed", address, action: c.action, diagnostic });
      throw e;
    }
    events({ type: "op-done", address, action: c.action, ...(id ? { id } : {}), ms: Date.now() - started });
  };

  const results = await walk([...byAddr.keys()], deps, {
    concurrency: opts.concurrency ?? 8,
    run,
    signal: opts.signal,
    onSkip: (address, because) =>
      events({
        type: "op-skipped", address, action: byAddr.get(address)!.action,
        because: because === "interrupted" ? "interrupted" : because === "dependency cycle" ? because : `${because} failed`,
      }),
  });
  await journal;

  const statuses = [...results.values()].map((r) => r.status);
  const done = statuses.filter((s) => s === "done").length;
  const failed = statuses.filter((s) => s === "failed").length;
  const skipped = statuses.filter((s) => s === "skipped").length;
  const outcome: Outcome = failed + skipped === 0 ? "complete" : done === 0 && failed > 0 ? "failed" : "partial";
  events({ type: "apply-done", outcome, done, failed, skipped, ms: Date.now() - t0 });

  let version: HistoryVersion | undefined;
  if (ops.length || opts.meta.command !== "apply") {
    version = await backend.appendVersion({
      time: new Date().toISOString(),
      actor: opts.meta.actor,
      ...(opts.meta.gitCommit ? { gitCommit: opts.meta.gitCommit } : {}),
      command: opts.meta.command,
      ...(opts.meta.rollbackOf !== undefined ? { rollbackOf: opts.meta.rollbackOf } : {}),
      desired: opts.desired,
      plan,
      outcome,
      ...(errors.length ? { errors } : {}),
      ...(opts.meta.approvers?.length ? { approvers: opts.meta.approvers } : {}),
      stateSerial: state.serial,
    });
  }
  return { outcome, version, errors, state, done, failed, skipped };
}
