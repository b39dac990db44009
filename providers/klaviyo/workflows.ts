import { error } from "../../src/diagnostics";
import { address, canonicalJson, toResourceName, type Resource, type TemplateSpec, type WorkflowSpec } from "../../src/model";
import { ProviderError, type CallContext, type LiveObject } from "../../src/provider/types";
import type { Resource as KResource } from "./client";
import type { ReadNotes } from "./conditions";
import { located, SourceMap } from "./errors";
import { fromDefinition, gateFilter, gateState, toDefinition, type FlowContext, type FlowRead, type KAction, type KFlowDefinition } from "./flows";
import { orUndefined, refuseOnErrors, sortedTags, type KindOps, type KlaviyoEnv } from "./kind";
import { compact, identityRefs, Issues, type Refs } from "./mapping";
import { syncTags, tagNames } from "./tags";

/**
 * Workflows <-> Klaviyo flows. What Klaviyo's API can change on a flow
 * (revision 2026-07-15): its status (PATCH /api/flows/{id}, `draft | manual |
 * live`, applied to every action) and one action at a time (PATCH
 * /api/flow-actions/{id}, the action's definition). Triggers, the flow
 * filter, re-entry and the shape of the action graph are fixed at creation:
 * changing them means a new flow, which Mops does without dropping the
 * profiles inside the old one (drain-then-swap: see retireFlow).
 */

export const FLOW_PAGE = 50;
const REFERENCED = ["segment", "template", "subscription_type", "metrics", "tags"] as const;
const STATUS: Record<WorkflowSpec["status"], string> = { active: "live", draft: "draft", paused: "manual" };
const STATUS_OF: Record<string, WorkflowSpec["status"]> = { live: "active", draft: "draft", manual: "paused" };

interface FlowAttributes {
  name?: string | null;
  status?: string | null;
  archived?: boolean | null;
  definition?: KFlowDefinition | null;
  trigger_type?: string | null;
}

/** Attributes a flow's definition fixes: changing one needs a new flow. */
export const FLOW_FIXED = ["trigger", "entry_filter", "suppression", "reenrollment"] as const;

/** A flow without a stack: names stand in for ids, sends carry no template fields. */
const bare: FlowContext = { template: () => undefined, smartSending: () => true };

function toSpec(read: FlowRead, status: string | null | undefined, tags: string[] | undefined): WorkflowSpec {
  return compact({ status: STATUS_OF[status ?? "draft"] ?? "draft", ...read.spec, tags }) as WorkflowSpec;
}

export interface FlowDetail {
  flow: KResource<FlowAttributes>;
  included: KResource[];
  read: FlowRead;
  notes: ReadNotes;
}

/** One flow with its definition (the listing holds none: Klaviyo returns definitions one flow at a time). */
export async function getFlow(env: KlaviyoEnv, id: string, ctx: CallContext): Promise<FlowDetail | undefined> {
  const res = await orUndefined(env.client.get<{ data: KResource<FlowAttributes>; included?: KResource[] }>(`/api/flows/${id}`, { "additional-fields[flow]": "definition", include: "tags" }, ctx.signal));
  if (!res?.data.attributes.definition) return res && { flow: res.data, included: res.included ?? [], read: { spec: { trigger: { type: "manual" }, steps: [{ type: "exit" }] }, actionIds: [] }, notes: { unknown: ["no definition"] } };
  const notes: ReadNotes = { unknown: [] };
  return { flow: res.data, included: res.included ?? [], read: fromDefinition(res.data.attributes.definition, env.names.refs(ctx), notes), notes };
}

const live = (env: KlaviyoEnv, d: FlowDetail, name: string): LiveObject<"workflow"> => ({
  kind: "workflow", id: d.flow.id, name, spec: toSpec(d.read, d.flow.attributes.status, tagNames(env, d.flow, d.included)),
});

/* ----------------------------------------------------------- change paths */

export type FlowChangePath = "none" | "status" | "in-place" | "replace";
export interface FlowChange {
  path: FlowChangePath;
  /** Why, in the words a plan shows. */
  reasons: string[];
  /** Indexes (in written order) of the actions a single-action PATCH changes. */
  actions: number[];
}

/** Action type and link shape (targets as indexes), which a PATCH cannot change. */
function shape(def: KFlowDefinition): string[] {
  const index = new Map(def.actions.map((a, i) => [String(a.id ?? a.temporary_id), i]));
  const at = (id: string | null | undefined) => (id ? index.get(id) ?? -1 : null);
  return def.actions.map((a) => `${a.type}:${at(a.links?.next)}:${at(a.links?.next_if_true)}:${at(a.links?.next_if_false)}`);
}

/**
 * Which of the three paths a change of workflow takes on Klaviyo, from the
 * normalised specs: status only (PATCH the flow), single actions (PATCH each
 * changed action: same action types and links, other data), or a new flow
 * (anything the definition fixes: trigger, filters, re-entry, the steps'
 * shape). Tags change in place on every path.
 */
export function flowChangePath(before: WorkflowSpec, after: WorkflowSpec): FlowChange {
  const issues = new Issues("workflow");
  const [a, b] = [before, after].map((s) => toDefinition(s, identityRefs, issues, bare));
  const fixed = FLOW_FIXED.filter((k) => canonicalJson(before[k] ?? null) !== canonicalJson(after[k] ?? null));
  const reasons: string[] = fixed.map((k) => `\`${k}\` is fixed when a Klaviyo flow is created`);
  const [sa, sb] = [shape(a!), shape(b!)];
  if (canonicalJson(sa) !== canonicalJson(sb)) reasons.push("the steps' shape changed (steps added, removed, moved or of another type): Klaviyo cannot add, remove or relink a flow's actions");
  if (reasons.length) return { path: "replace", reasons, actions: [] };
  // Index 0 is the gate, which a spec change never touches.
  const actions = a!.actions.map((x, i) => i).filter((i) => i > 0 && canonicalJson(a!.actions[i]!.data) !== canonicalJson(b!.actions[i]!.data)).map((i) => i - 1);
  if (actions.length) return { path: "in-place", reasons: [`${actions.length} step${actions.length > 1 ? "s" : ""} changed in place (one PATCH per Klaviyo action)`], actions };
  if (before.status !== after.status) return { path: "status", reasons: [`status ${before.status} -> ${after.status}`], actions: [] };
  return { path: "none", reasons: [], actions: [] };
}

/* ------------------------------------------------------------------- drain */

/**
 * Stops a flow admitting new profiles while those inside finish: closes its
 * admission gate (one PATCH of the gate action). Klaviyo's API offers nothing
 * else that does this: the flow's trigger and filters cannot be changed after
 * creation, and its status (`draft` or `manual`, set on every action at once)
 * keeps admitting profiles while it stops sending to everyone, those inside
 * included (`manual` queues each message for review). A flow made outside
 * Mops has no gate: retiring it is a manual step.
 */
export async function retireFlow(env: KlaviyoEnv, id: string, ctx: CallContext): Promise<void> {
  const def = await definitionOf(env, id, ctx);
  const gate = def.actions.find((a) => String(a.id) === String(def.entry_action_id));
  const state = gateState(gate);
  if (state === "closed") return;
  if (!state) {
    throw new ProviderError(error("klaviyo/no-admission-gate", `flow ${id} was not made by Mops and has no admission gate; Klaviyo's API cannot stop it admitting profiles without stopping it for those inside`, {
      hint: "in Klaviyo > Flows > this flow, add a conditional split at the top whose \"no\" path ends the flow and that no one passes (or, for a metric trigger, a trigger filter no event matches); then delete the flow once it has drained",
      detail: { flowId: id },
    }));
  }
  const definition = { id: gate!.id, type: "conditional-split", links: { next_if_true: gate!.links?.next_if_true ?? null, next_if_false: null }, data: { profile_filter: gateFilter(false) } };
  await env.client.patch(`/api/flow-actions/${gate!.id}`, { data: { type: "flow-action", id: String(gate!.id), attributes: { definition } } }, ctx.signal);
}

/**
 * Profiles still inside a flow. Klaviyo's API cannot say: no endpoint of
 * revision 2026-07-15 counts a flow's queued or waiting profiles (the
 * reporting endpoints count messages sent). `flowDrain` gives the proxy.
 */
export async function flowProfilesInFlight(_env: KlaviyoEnv, _id: string, _ctx: CallContext): Promise<number | undefined> {
  return undefined;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The longest time a profile can spend in a flow: its delays along the slowest path (a weekday or time-of-day wait counts its longest). */
export function longestPathMs(def: KFlowDefinition): number {
  const byId = new Map(def.actions.map((a) => [String(a.id ?? a.temporary_id), a]));
  const memo = new Map<string, number>();
  const delay = (a: KAction): number => {
    if (a.type !== "time-delay") return 0;
    const d = a.data ?? {};
    const unit = { minutes: 60_000, hours: HOUR, days: DAY }[String(d.unit ?? "days")] ?? DAY;
    const extra = (d.delay_until_weekdays as unknown[] | undefined)?.length ? 7 * DAY : d.delay_until_time ? DAY : 0;
    return Number(d.value ?? 0) * unit + extra;
  };
  const walk = (id: string | null | undefined, seen: Set<string>): number => {
    if (!id || seen.has(id)) return 0;
    const a = byId.get(id);
    if (!a) return 0;
    if (memo.has(id)) return memo.get(id)!;
    const next = new Set(seen).add(id);
    const rest = Math.max(walk(a.links?.next, next), walk(a.links?.next_if_true, next), walk(a.links?.next_if_false, next));
    memo.set(id, delay(a) + rest);
    return delay(a) + rest;
  };
  return walk(def.entry_action_id, new Set());
}

export interface FlowDrainState {
  /** The gate is closed: no new profile enters. */
  closed: boolean;
  /** When it was closed (the gate action's `updated`). */
  closedAt?: string;
  /** The longest a profile can stay (the proxy for "empty"). */
  longestPathMs: number;
  /** When the last profile that entered before closing has certainly left. */
  drainedAt?: string;
  drained: boolean;
  /** Always undefined: Klaviyo cannot count the profiles inside. */
  profiles?: number;
}

/** Whether a retired flow may be deleted: closed for longer than its slowest path. */
export async function flowDrain(env: KlaviyoEnv, id: string, ctx: CallContext, now = Date.now()): Promise<FlowDrainState> {
  const def = await definitionOf(env, id, ctx);
  const gate = def.actions.find((a) => String(a.id) === String(def.entry_action_id));
  const longest = longestPathMs(def);
  if (gateState(gate) !== "closed") return { closed: false, longestPathMs: longest, drained: false };
  const res = await env.client.get<{ data: KResource<{ updated?: string | null }> }>(`/api/flow-actions/${gate!.id}`, undefined, ctx.signal);
  const closedAt = res.data.attributes.updated ?? undefined;
  const drainedAt = closedAt ? new Date(Date.parse(closedAt) + longest).toISOString() : undefined;
  return compact({ closed: true, closedAt, longestPathMs: longest, drainedAt, drained: drainedAt !== undefined && Date.parse(drainedAt) <= now });
}

async function definitionOf(env: KlaviyoEnv, id: string, ctx: CallContext): Promise<KFlowDefinition> {
  const res = await env.client.get<{ data: KResource<FlowAttributes> }>(`/api/flows/${id}`, { "additional-fields[flow]": "definition" }, ctx.signal);
  return res.data.attributes.definition ?? { triggers: [], actions: [], entry_action_id: null };
}

/* ------------------------------------------------------- template changes */

/** The fields a flow message copies from its template: what a template change must write into the flows that send it. */
function messageFields(t: TemplateSpec): Record<string, unknown> {
  return t.channel === "sms" ? { body: t.body } : { subject_line: t.subject ?? null, preview_text: t.preheader ?? null, from_label: t.from_name ?? null };
}

/**
 * Klaviyo copies a template into each flow message when the flow is written,
 * so a changed subject, preheader or sender (or SMS text) is written again
 * into every send action of a managed flow that sends the template: one
 * action PATCH each.
 * Returns how many actions changed. (An email body change reaches new flows
 * only: Klaviyo keeps each message's own copy of the HTML.)
 */
export async function resyncSends(env: KlaviyoEnv, templateId: string, before: TemplateSpec, after: TemplateSpec, ctx: CallContext): Promise<number> {
  const fields = messageFields(after);
  if (canonicalJson(messageFields(before)) === canonicalJson(fields)) return 0;
  const { data } = await env.client.getAll<FlowAttributes>("/api/flows", {}, FLOW_PAGE, ctx.signal);
  let changed = 0;
  // Only flows Mops manages (the engine's state names them): nothing else is touched.
  for (const f of data.filter((x) => !x.attributes.archived && ctx.refs.nameOf("workflow", x.id) !== undefined)) {
    const def = await definitionOf(env, f.id, ctx);
    for (const a of def.actions) {
      const message = (a.data?.message ?? {}) as Record<string, unknown>;
      if (!a.type.startsWith("send-") || String(message.template_id) !== templateId) continue;
      const definition = { id: a.id, type: a.type, links: a.links, data: { ...a.data, message: compact({ ...message, ...fields }) } };
      await env.client.patch(`/api/flow-actions/${a.id}`, { data: { type: "flow-action", id: String(a.id), attributes: { definition } } }, ctx.signal);
      changed++;
    }
  }
  return changed;
}

/* -------------------------------------------------------------------- ops */

export async function setFlowStatus(env: KlaviyoEnv, id: string, status: WorkflowSpec["status"], ctx: CallContext): Promise<void> {
  await env.client.patch(`/api/flows/${id}`, { data: { type: "flow", id, attributes: { status: STATUS[status] } } }, ctx.signal);
}

export function createWorkflows(flowContext: (workflow: string) => FlowContext): KindOps<"workflow"> {
  const write = (r: Resource<"workflow">, refs: Refs, map: SourceMap) => {
    const issues = new Issues(address("workflow", r.name));
    const definition = toDefinition(r.spec, refs, issues, flowContext(r.name), map);
    return { issues, definition };
  };

  const ops: KindOps<"workflow"> = {
    async list(env, ctx) {
      const { data } = await env.client.getAll<FlowAttributes>("/api/flows", {}, FLOW_PAGE, ctx.signal);
      const flows = data.filter((f) => !f.attributes.archived).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      await env.names.ensure(REFERENCED, ctx);
      const names = env.names.name("workflow", flows.map((f) => ({ id: f.id, display: f.attributes.name ?? f.id })), ctx);
      const out: LiveObject<"workflow">[] = [];
      for (let i = 0; i < flows.length; i++) {
        const d = await getFlow(env, flows[i]!.id, ctx);
        if (d) out.push(live(env, d, names[i]!));
      }
      return out;
    },

    async read(env, id, ctx) {
      await env.names.ensure(REFERENCED, ctx);
      const d = await getFlow(env, id, ctx);
      return d && live(env, d, env.names.refs(ctx).name("workflow", id) ?? toResourceName(d.flow.attributes.name ?? id));
    },

    /** Created as a draft (Klaviyo's default for a new flow), then set to its status: the second half of drain-then-swap. */
    async create(env, r, ctx) {
      await env.names.ensure(REFERENCED, ctx);
      const map = new SourceMap(address("workflow", r.name));
      const { issues, definition } = write(r, env.names.refs(ctx), map);
      refuseOnErrors(issues);
      const res = await located(map, env.client.post<{ data: KResource }>("/api/flows", { data: { type: "flow", attributes: { name: r.name, definition } } }, ctx.signal));
      const id = res.data.id;
      env.names.add("workflow", id, r.name);
      if (r.spec.status !== "draft") await setFlowStatus(env, id, r.spec.status, ctx);
      await syncTags(env, "flows", id, sortedTags(r.spec.tags) ?? [], [], ctx);
      return (await ops.read(env, id, ctx)) ?? { kind: "workflow", id, name: r.name, spec: ops.normalize(r).spec };
    },

    async update(env, r, prior, ctx) {
      await env.names.ensure(REFERENCED, ctx);
      const desired = ops.normalize(r).spec;
      const change = flowChangePath(prior.spec, desired);
      if (prior.name !== r.name || change.path === "replace") {
        const why = prior.name !== r.name ? ["Klaviyo cannot rename a flow through its API"] : change.reasons;
        throw new ProviderError(error("klaviyo/flow-replace-required", `workflow.${r.name}: ${why.join("; ")}; this change needs a new flow`, {
          hint: "the plan replaces this flow by drain-then-swap: the new flow goes live, the old one stops admitting and is deleted once the profiles inside have finished",
          address: address("workflow", r.name),
          detail: { path: "replace", reasons: why },
        }));
      }
      if (change.path === "in-place") {
        const current = await getFlow(env, prior.id, ctx);
        if (!current) throw new ProviderError(error("klaviyo/flow-gone", `workflow.${r.name}: flow ${prior.id} no longer exists in Klaviyo`, { hint: "run `mops plan` again" }), false, 404);
        if (current.notes.unknown.length) {
          throw new ProviderError(error("klaviyo/unrepresentable-flow", `workflow.${r.name}: the Klaviyo flow holds what Mops cannot write back (${current.notes.unknown.join(", ")})`, {
            hint: "edit this flow in Klaviyo, or remove those parts there first",
            address: address("workflow", r.name),
          }));
        }
        const map = new SourceMap(address("workflow", r.name));
        const { issues, definition } = write(r, env.names.refs(ctx), map);
        refuseOnErrors(issues);
        const byId = new Map((current.flow.attributes.definition?.actions ?? []).map((a) => [String(a.id), a]));
        for (const i of change.actions) {
          const liveId = current.read.actionIds[i];
          const was = liveId === undefined ? undefined : byId.get(liveId);
          if (!was) throw new ProviderError(error("klaviyo/flow-changed", `workflow.${r.name}: the Klaviyo flow no longer has the shape the plan saw`, { hint: "run `mops plan` again" }));
          // The live action keeps its id, links and status; only its data changes.
          const data = { ...definition.actions[i + 1]!.data, ...(was.data?.status ? { status: was.data.status } : {}) };
          const body = { data: { type: "flow-action", id: liveId, attributes: { definition: { id: liveId, type: was.type, links: was.links, data } } } };
          await located(map, env.client.patch(`/api/flow-actions/${liveId}`, body, ctx.signal));
        }
      }
      if (prior.spec.status !== desired.status) await setFlowStatus(env, prior.id, desired.status, ctx);
      await syncTags(env, "flows", prior.id, desired.tags ?? [], prior.spec.tags ?? [], ctx);
      return (await ops.read(env, prior.id, ctx)) ?? { ...prior, spec: desired };
    },

    async delete(env, id, ctx) {
      await orUndefined(env.client.delete(`/api/flows/${id}`, ctx.signal));
      env.names.remove("workflow", id);
    },

    normalize(r) {
      const issues = new Issues(address("workflow", r.name));
      const read = fromDefinition(toDefinition(r.spec, identityRefs, issues, bare), identityRefs, { unknown: [] });
      return { ...r, spec: toSpec(read, STATUS[r.spec.status], sortedTags(r.spec.tags)) };
    },

    check(r, refs = identityRefs) {
      return write(r, refs, new SourceMap(address("workflow", r.name))).issues.list;
    },
  };
  return ops;
}
