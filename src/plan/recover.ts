import { address, canonicalJson, type ChangeRecord, type Kind } from "../model";
import type { KindCapability, LiveObject, OwnerMark } from "../provider";
import { applyDelta } from "../state/delta";
import type { JournaledOperation, RunJournal, State, StateDelta } from "../state/types";
import { isOwnMark } from "./decide";
import type { RecoveredRun } from "./types";

export interface Recovery {
  /** What to record so the state says what the killed run really did. */
  deltas: StateDelta[];
  /** The state with those deltas applied (what to plan from). */
  state: State;
  /** The operations that happened, for the version that records the run. */
  changes: ChangeRecord[];
  errors: { address: string; message: string }[];
  run: RunJournal;
  summary: RecoveredRun;
}

const ACTION: Record<JournaledOperation["action"], ChangeRecord["action"] | undefined> = {
  create: "create", update: "update", delete: "delete", adopt: "adopt", confirm: "manual", retire: "update",
};

/**
 * The journal of a run that was killed (or lost its state store) says what it
 * started; the live platform says what happened. Finished operations are
 * taken as journaled; an operation in flight is looked for on the platform:
 * a create by the object it made (this stack's owner mark, or its name where
 * the platform keeps no mark), an update by the spec it sent, a delete by the
 * object's absence. Nothing this stack's own runs did is left to look like drift.
 */
export function recoverRun(
  state: State,
  live: readonly LiveObject[],
  ctx: { own: OwnerMark; refreshed: ReadonlySet<Kind>; capabilityOf: (kind: Kind, spec: unknown) => KindCapability | undefined },
): Recovery | undefined {
  const run = state.run;
  if (!run) return undefined;
  const byId = new Map(live.map((o) => [`${o.kind}\0${o.id}`, o]));
  const claimed = new Set([
    ...Object.values(state.resources).flatMap((s) => (s.id ? [`${s.kind}\0${s.id}`] : [])),
    ...Object.values(state.retired ?? {}).map((r) => `${r.kind}\0${r.id}`),
  ]);
  const deltas: StateDelta[] = [];
  const changes: ChangeRecord[] = [];
  const errors: { address: string; message: string }[] = [];
  let abandoned = 0;
  const now = new Date().toISOString();
  const finished = (o: JournaledOperation, id?: string) => {
    const action = ACTION[o.action];
    if (action) changes.push({ address: o.address, kind: o.kind, name: o.name, action, reasons: [], ...(id ?? o.id ? { id: id ?? o.id } : {}) });
  };
  const notDone = (o: JournaledOperation, why: string) => {
    abandoned++;
    deltas.push({ type: "op-end", op: o.op, result: "failed", message: why });
  };

  for (const o of run.operations) {
    if (o.result === "done") {
      finished(o);
      continue;
    }
    if (o.result === "failed") {
      if (o.message) errors.push({ address: o.address, message: o.message });
      continue;
    }
    if (!ctx.refreshed.has(o.kind)) {
      notDone(o, "interrupted; the platform cannot be read to tell whether it happened");
      continue;
    }
    const prev = state.resources[o.address];
    switch (o.action) {
      case "create": {
        const candidates = live.filter((x) => x.kind === o.kind && address(x.kind, x.name) === o.address && !claimed.has(`${x.kind}\0${x.id}`));
        const marked = candidates.find((x) => isOwnMark(x.owner, ctx.own));
        // Without a place for a mark on such an object, the one unowned object of the name this run asked for is the one it made.
        const byName = !ctx.capabilityOf(o.kind, o.after)?.ownerMark && candidates.length === 1 && !candidates[0]!.owner ? candidates[0] : undefined;
        const made = marked ?? byName;
        if (!made) {
          notDone(o, "interrupted before the platform made it");
          break;
        }
        claimed.add(`${made.kind}\0${made.id}`);
        deltas.push({
          type: "resource", address: o.address, op: o.op,
          resource: {
            address: o.address, kind: o.kind, name: o.name, id: made.id, attributes: made.spec, origin: "created",
            ...(made.version !== undefined ? { version: made.version } : {}), changedIn: run.version, updatedAt: now,
          },
        });
        finished(o, made.id);
        break;
      }
      case "update": {
        const l = o.id ? byId.get(`${o.kind}\0${o.id}`) : undefined;
        if (!l || canonicalJson(l.spec) !== canonicalJson(o.after)) {
          notDone(o, "interrupted; the platform does not show the change");
          break;
        }
        deltas.push({
          type: "resource", address: o.address, op: o.op,
          resource: {
            address: o.address, kind: o.kind, name: o.name, id: l.id, attributes: l.spec, origin: prev?.origin ?? "created",
            ...(l.version !== undefined ? { version: l.version } : {}), changedIn: run.version, updatedAt: now,
          },
        });
        finished(o);
        break;
      }
      case "delete": {
        if (o.id && byId.has(`${o.kind}\0${o.id}`)) {
          notDone(o, "interrupted before the platform deleted it");
          break;
        }
        const retiredKey = `${o.address}@${o.id}`;
        if (state.retired?.[retiredKey]) deltas.push({ type: "retired", key: retiredKey, object: null, op: o.op });
        else if (prev && prev.id === o.id) deltas.push({ type: "resource", address: o.address, resource: null, op: o.op });
        else deltas.push({ type: "op-end", op: o.op, result: "done" });
        finished(o);
        break;
      }
      default:
        // adopt and confirm record in one journaled write, retire is repeated by the next plan: in flight means not done.
        notDone(o, "interrupted");
    }
  }
  let recovered = state;
  for (const d of deltas) recovered = applyDelta(recovered, d);
  return {
    deltas,
    state: recovered,
    changes,
    errors,
    run,
    summary: { run: run.id, actor: run.actor, startedAt: run.startedAt, finished: changes.length, abandoned },
  };
}
