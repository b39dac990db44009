import { error } from "../diagnostics";
import { maskSecrets, redactSecrets, resolveSecretRefs, type Resource } from "../model";
import { ProviderError, type CallContext, type LiveObject, type OwnerMark, type Provider } from "../provider";
import type { MutableRefs, Phase, ResourceChange } from "../plan";
import type { StateResource } from "../state/types";
import type { RunRecorder } from "./recorder";

export interface StepContext {
  provider: Provider;
  recorder: RunRecorder;
  refs: MutableRefs;
  owner: OwnerMark;
  /** Values of `${env:…}` references: read only in the request that needs them. */
  env: NodeJS.ProcessEnv;
  actor: string;
}

/** What a step reports: the platform id it made or acted on. */
export interface StepResult {
  id?: string;
}

/**
 * One step per phase of a change. Each journals its operation before the
 * request (so a crash never forgets it), makes the one provider call, and
 * records the result; the executor only orders and runs them. A step that has
 * started is never aborted: an interruption stops new steps, and this one's
 * result is recorded.
 */
export const STEPS: Record<Phase, (c: ResourceChange, ctx: StepContext) => Promise<StepResult>> = {
  create: createStep,
  update: updateStep,
  delete: deleteStep,
  adopt: adoptStep,
  retire: retireStep,
  confirm: confirmStep,
};

const now = () => new Date().toISOString();

function stateOf(c: ResourceChange, live: LiveObject, origin: StateResource["origin"], ctx: StepContext): StateResource {
  return {
    address: c.address, kind: c.kind, name: c.name, id: live.id, attributes: live.spec, origin,
    ...(live.version !== undefined ? { version: live.version } : {}),
    changedIn: ctx.recorder.run.version, updatedAt: now(),
  };
}

/**
 * The provider call with the change's secrets resolved for it alone: what it
 * answers is masked back to the references, and a refusal that echoes a
 * secret is cleaned of it.
 */
async function withSecrets(c: ResourceChange, ctx: StepContext, call: (r: Resource, cc: CallContext) => Promise<LiveObject>): Promise<LiveObject> {
  const spec = c.after!;
  const resolved = resolveSecretRefs(spec, ctx.env);
  if (resolved.missing.length) {
    throw new ProviderError(error("secret/missing-env", `${c.address} refers to \`${resolved.missing.join("`, `")}\`, which ${resolved.missing.length === 1 ? "is" : "are"} not set`, {
      address: c.address,
      hint: `export ${resolved.missing[0]}=… before running mops`,
    }));
  }
  try {
    const live = await call({ kind: c.kind, name: c.name, spec: resolved.value } as Resource, { refs: ctx.refs, owner: ctx.owner });
    return { ...live, spec: maskSecrets(live.spec, spec, ctx.env) };
  } catch (e) {
    if (!(e instanceof ProviderError) || !resolved.secrets.length) throw e;
    const d = e.diagnostic;
    const clean = (t?: string) => (t === undefined ? undefined : redactSecrets(t, resolved.secrets));
    const detail = d.detail ? (JSON.parse(redactSecrets(JSON.stringify(d.detail), resolved.secrets)) as Record<string, unknown>) : undefined;
    throw new ProviderError({ ...d, message: clean(d.message)!, ...(d.hint ? { hint: clean(d.hint) } : {}), ...(detail ? { detail } : {}) }, e.retryable, e.status, e.stop);
  }
}

/** Journal, call, record; a refusal is journaled as failed and rethrown for the executor. */
async function journaled<T>(ctx: StepContext, op: Parameters<RunRecorder["start"]>[0], call: (op: string) => Promise<T>): Promise<T> {
  const id = await ctx.recorder.start(op);
  try {
    return await call(id);
  } catch (e) {
    await ctx.recorder.failed(id, e instanceof Error ? e.message : String(e));
    throw e;
  }
}

const opOf = (c: ResourceChange, action: Parameters<RunRecorder["start"]>[0]["action"], id?: string) =>
  ({ address: c.address, kind: c.kind, name: c.name, action, ...(id ? { id } : {}), ...(action === "create" || action === "update" ? { after: c.after } : {}) });

/** A create, or the new half of a replace (which keeps the old object owned, as retired, until its delete). */
async function createStep(c: ResourceChange, ctx: StepContext): Promise<StepResult> {
  return journaled(ctx, opOf(c, "create"), async (op) => {
    const live = await withSecrets(c, ctx, (r, cc) => ctx.provider.create(r, cc));
    ctx.refs.set(c.kind, c.name, live.id);
    const prev = ctx.recorder.state.resources[c.address];
    const deltas: Parameters<RunRecorder["finish"]>[0] = [
      { type: "resource", address: c.address, resource: stateOf(c, live, prev?.origin === "imported" && c.action === "replace" ? "imported" : "created", ctx), op },
    ];
    if (c.action === "replace" && c.replaceMode !== "delete-before-create" && c.id) {
      deltas.push({
        type: "retired", key: `${c.address}@${c.id}`,
        object: { address: c.address, kind: c.kind, id: c.id, attributes: c.before!, mode: c.replaceMode === "drain" ? "drain" : "replace", since: now() },
      });
    }
    await ctx.recorder.finish(deltas);
    return { id: live.id };
  });
}

async function updateStep(c: ResourceChange, ctx: StepContext): Promise<StepResult> {
  return journaled(ctx, opOf(c, "update", c.id), async (op) => {
    const current: LiveObject = { kind: c.kind, id: c.id!, name: c.name, spec: c.before!, ...(c.version !== undefined ? { version: c.version } : {}) };
    const live = await withSecrets(c, ctx, (r, cc) => ctx.provider.update(r, current, cc));
    const prev = ctx.recorder.state.resources[c.address];
    await ctx.recorder.finish([{ type: "resource", address: c.address, resource: stateOf(c, live, prev?.origin ?? "created", ctx), op }]);
    return { id: live.id };
  });
}

/** A delete; the old half of a replace; the delete of a retired object; or, with no id, forgetting what is already gone. */
async function deleteStep(c: ResourceChange, ctx: StepContext): Promise<StepResult> {
  return journaled(ctx, opOf(c, "delete", c.id), async (op) => {
    if (c.id) await ctx.provider.delete(c.kind, c.id, { refs: ctx.refs });
    const oldHalf = c.retired || (c.action === "replace" && c.replaceMode !== "delete-before-create");
    if (oldHalf) await ctx.recorder.finish([{ type: "retired", key: `${c.address}@${c.id}`, object: null, op }]);
    else {
      if (ctx.refs.idOf(c.kind, c.name) === c.id) ctx.refs.forget(c.kind, c.name);
      await ctx.recorder.finish([{ type: "resource", address: c.address, resource: null, op }]);
    }
    return c.id ? { id: c.id } : {};
  });
}

/** Take an existing object into state as it is; then, when the plan says so, make it match the stack. */
async function adoptStep(c: ResourceChange, ctx: StepContext): Promise<StepResult> {
  const found: LiveObject = { kind: c.kind, id: c.id!, name: c.name, spec: c.before!, ...(c.version !== undefined ? { version: c.version } : {}) };
  await journaled(ctx, opOf(c, "adopt", c.id), async (op) => {
    ctx.refs.set(c.kind, c.name, found.id);
    await ctx.recorder.finish([{ type: "resource", address: c.address, resource: stateOf(c, found, "imported", ctx), op }]);
  });
  if (c.reasons.some((r) => r.code === "update-after-adopt")) {
    await journaled(ctx, opOf(c, "update", c.id), async (op) => {
      const live = await withSecrets(c, ctx, (r, cc) => ctx.provider.update(r, found, cc));
      await ctx.recorder.finish([{ type: "resource", address: c.address, resource: stateOf(c, live, "imported", ctx), op }]);
    });
  }
  return { id: found.id };
}

/** The old half of a drained replace stops admitting new contacts; it is deleted once empty. */
async function retireStep(c: ResourceChange, ctx: StepContext): Promise<StepResult> {
  const key = `${c.address}@${c.id}`;
  return journaled(ctx, opOf(c, "retire", c.id), async (op) => {
    if (!ctx.provider.retire) {
      throw new ProviderError(error("apply/cannot-retire", `provider ${ctx.provider.name} cannot stop ${c.kind} ${c.id} admitting contacts`, { address: c.address }));
    }
    await ctx.provider.retire(c.kind, c.id!, { refs: ctx.refs });
    const retired = ctx.recorder.state.retired?.[key] ?? { address: c.address, kind: c.kind, id: c.id!, attributes: c.before!, mode: "drain" as const, since: now() };
    await ctx.recorder.finish([{ type: "retired", key, object: { ...retired, stopped: true }, op }]);
    return { id: c.id };
  });
}

/** A manual change a person said is done: state records the confirmed spec (or forgets a removed one). */
async function confirmStep(c: ResourceChange, ctx: StepContext): Promise<StepResult> {
  return journaled(ctx, opOf(c, "confirm", c.id), async (op) => {
    const resource: StateResource | null =
      c.after === undefined
        ? null
        : {
            address: c.address, kind: c.kind, name: c.name, attributes: c.after,
            // An object the API can see keeps its provenance; one it cannot see exists for Mops only by this confirmation.
            origin: c.id ? (ctx.recorder.state.resources[c.address]?.origin ?? "created") : "confirmed",
            ...(c.id ? { id: c.id } : {}), confirmedBy: ctx.actor, changedIn: ctx.recorder.run.version, updatedAt: now(),
          };
    await ctx.recorder.finish([{ type: "resource", address: c.address, resource, op }]);
    return c.id ? { id: c.id } : {};
  });
}
