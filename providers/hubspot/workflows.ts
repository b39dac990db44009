import { setTimeout as sleep } from "node:timers/promises";
import { error } from "../../src/diagnostics";
import { address, toResourceName, type Resource, type WorkflowSpec } from "../../src/model";
import { sends } from "../../src/analysis/steps";
import { ProviderError, type CallContext, type LiveObject } from "../../src/provider/types";
import { eventUses } from "./event-conditions";
import { mentionsEvents, type ReadNotes } from "./filters";
import { fromFlow, toFlowBody, type HsFlow } from "./flows";
import { orUndefined, refuseOnErrors, type HubSpotEnv, type KindOps } from "./kind";
import { identityRefs, Issues, type Refs } from "./mapping";

/** Workflows <-> Automation v4 contact flows (beta API). */

const BASE = "/automation/v4/flows";
/** Flows per `POST /automation/v4/flows/batch/read`. */
export const FLOW_BATCH = 100;
/**
 * The fields a flow update takes (the Automation v4 spec's ApiContactFlowPutRequest):
 * the live flow's values of these are carried over, the rest of what a read
 * returns (ids, timestamps, flowType, objectTypeId, dataSources,
 * nextAvailableActionId) is HubSpot's and not sent back.
 */
const PUT_FIELDS = [
  "actions", "blockedDates", "canEnrollFromSalesforce", "customProperties", "description", "enrollmentCriteria", "enrollmentSchedule",
  "eventAnchor", "goalFilterBranch", "isEnabled", "name", "revisionId", "startActionId", "suppressionListIds", "timeWindows", "type",
  "unEnrollmentSetting", "uuid",
] as const;
/** Kinds a flow refers to, loaded before it is read or written (property types pick filter operations). */
const REFERENCED = ["property", "segment", "template", "subscription_type"] as const;

export interface WorkflowOptions {
  /** Bound on waiting for a new flow's `crmObjectCreationStatus` to become COMPLETE. */
  creationPollMs: number;
  creationPollAttempts: number;
}

const isContactWorkflow = (f: Partial<HsFlow>) => (f.flowType ?? "WORKFLOW") === "WORKFLOW" && (f.objectTypeId ?? "0-1") === "0-1";

function live(env: HubSpotEnv, f: HsFlow, name: string, ctx: CallContext, notes: ReadNotes = { unknown: [] }): LiveObject<"workflow"> {
  return { kind: "workflow", id: String(f.id), name, spec: fromFlow(f, env.names.refs(ctx), notes), version: f.revisionId?.toString() };
}

/** Every contact flow with its actions: the listing holds none, so flows are read back in batches. */
export async function listAllFlows(env: HubSpotEnv, ctx: CallContext): Promise<HsFlow[]> {
  const listing = (await env.client.getAll<HsFlow>(BASE, {}, ctx.signal)).filter(isContactWorkflow);
  const out: HsFlow[] = [];
  for (let i = 0; i < listing.length; i += FLOW_BATCH) {
    const inputs = listing.slice(i, i + FLOW_BATCH).map((f) => ({ flowId: String(f.id), type: "FLOW_ID" }));
    const res = await env.client.post<{ results: HsFlow[] }>(`${BASE}/batch/read`, { inputs }, ctx.signal);
    out.push(...res.results);
  }
  return out.filter(isContactWorkflow).sort((a, b) => Number(a.id) - Number(b.id) || String(a.id).localeCompare(String(b.id)));
}

/** Never write a stand-in for an action Mops could not read: HubSpot would get a webhook instead. */
function refuseStandIns(issues: Issues): void {
  const standIn = issues.list.find((d) => d.code === "hubspot/unsupported-action");
  if (standIn) throw new ProviderError({ ...standIn, severity: "error" });
}

function conflict(name: string, why: string): ProviderError {
  return new ProviderError(
    error("hubspot/revision-conflict", `workflow.${name}: ${why}`, {
      hint: "someone changed this workflow in HubSpot after the plan was made: run `mops plan` again, review the drift, then apply",
      address: address("workflow", name),
    }),
    false,
    409,
  );
}

/**
 * What `normalize` has instead of the account: each sent email is under the
 * subscription type its sends name, which is what a read gives once the email
 * is (templates.ts writes it on create; the provider's check reports a mismatch).
 */
function declaredRefs(spec: WorkflowSpec): Refs {
  const of = new Map<string, string>();
  for (const { step } of sends(spec)) if (step.subscription_type && !of.has(step.template)) of.set(step.template, step.subscription_type);
  return { ...identityRefs, subscriptionOf: (template) => of.get(template) };
}

/** Names, event ids and property types a flow body needs, each read once per run. */
async function ensureRefs(env: HubSpotEnv, ctx: CallContext, needsEvents: boolean): Promise<void> {
  await Promise.all([env.names.ensure(REFERENCED, ctx), needsEvents ? env.names.ensureEvents(ctx) : undefined]);
}

export function createWorkflows(opts: WorkflowOptions): KindOps<"workflow"> {
  async function current(env: HubSpotEnv, id: string, ctx: CallContext): Promise<HsFlow> {
    for (let attempt = 0; ; attempt++) {
      const f = await env.client.get<HsFlow>(`${BASE}/${id}`, undefined, ctx.signal);
      if (f.crmObjectCreationStatus === undefined || f.crmObjectCreationStatus === "COMPLETE") return f;
      if (attempt + 1 >= opts.creationPollAttempts) {
        throw new ProviderError(error("hubspot/flow-pending", `HubSpot is still creating flow ${id} (crmObjectCreationStatus ${f.crmObjectCreationStatus}); it cannot be updated yet`, {
          hint: "HubSpot accepts updates once the flow's CRM objects exist: apply again in a minute",
        }), true);
      }
      await sleep(opts.creationPollMs, undefined, { signal: ctx.signal });
    }
  }

  const ops: KindOps<"workflow"> = {
    async list(env, ctx) {
      const flows = await listAllFlows(env, ctx);
      await ensureRefs(env, ctx, mentionsEvents(flows));
      const names = env.names.name("workflow", flows.map((f) => ({ id: String(f.id), display: f.name })), ctx);
      return flows.map((f, i) => live(env, f, names[i], ctx));
    },

    async read(env, id, ctx) {
      const f = await orUndefined(env.client.get<HsFlow>(`${BASE}/${id}`, undefined, ctx.signal));
      if (!f) return undefined;
      await ensureRefs(env, ctx, mentionsEvents(f));
      return live(env, f, env.names.refs(ctx).name("workflow", id) ?? toResourceName(f.name), ctx);
    },

    async create(env, r, ctx) {
      const issues = new Issues(address("workflow", r.name));
      await ensureRefs(env, ctx, eventUses(r).length > 0);
      const body = toFlowBody(r.spec, env.names.refs(ctx), issues);
      refuseOnErrors(issues);
      refuseStandIns(issues);
      // Required on create by HubSpot's spec (ApiContactFlowCreateRequest; dataSources since 2026-05): their empty defaults.
      const created = await env.client.post<HsFlow>(BASE, { name: r.name, timeWindows: [], blockedDates: [], customProperties: {}, canEnrollFromSalesforce: false, dataSources: [], ...body }, ctx.signal);
      env.names.add("workflow", String(created.id), r.name);
      return live(env, created, r.name, ctx);
    },

    /** A full replace: the live flow's other settings are carried over, never sent partially. */
    async update(env, r, prior, ctx) {
      const issues = new Issues(address("workflow", r.name));
      await ensureRefs(env, ctx, eventUses(r).length > 0);
      const body = toFlowBody(r.spec, env.names.refs(ctx), issues);
      refuseOnErrors(issues);
      refuseStandIns(issues);
      const now = await current(env, prior.id, ctx);
      if (prior.version !== undefined && now.revisionId !== undefined && String(now.revisionId) !== prior.version) {
        throw conflict(r.name, `it is at revision ${now.revisionId} in HubSpot, the plan was made against revision ${prior.version}`);
      }
      const notes: ReadNotes = { unknown: [] };
      if (mentionsEvents(now)) await env.names.ensureEvents(ctx);
      fromFlow(now, env.names.refs(ctx), notes);
      if (notes.unknown.length) {
        throw new ProviderError(error("hubspot/unrepresentable-flow", `workflow.${r.name}: the HubSpot flow holds what Mops cannot write back (${notes.unknown.join(", ")}); replacing it would lose that`, {
          hint: "edit this workflow in HubSpot, or remove those parts there first",
          address: address("workflow", r.name),
        }));
      }
      const { flowType: _flowType, objectTypeId: _objectTypeId, ...owned } = body;
      const carried = Object.fromEntries(Object.entries(now).filter(([k]) => (PUT_FIELDS as readonly string[]).includes(k)));
      const put = { ...carried, ...owned, name: prior.name === r.name ? now.name : r.name, revisionId: now.revisionId };
      let updated: HsFlow;
      try {
        updated = await env.client.put<HsFlow>(`${BASE}/${prior.id}`, put, ctx.signal);
      } catch (e) {
        if (e instanceof ProviderError && e.status === 409) throw conflict(r.name, `HubSpot refused revision ${now.revisionId}: ${e.diagnostic.message}`);
        throw e;
      }
      env.names.add("workflow", prior.id, r.name);
      return live(env, updated, r.name, ctx);
    },

    async delete(env, id, ctx) {
      await orUndefined(env.client.delete(`${BASE}/${id}`, ctx.signal));
      env.names.remove("workflow", id);
    },

    normalize(r: Resource<"workflow">) {
      const issues = new Issues(address("workflow", r.name));
      const refs = declaredRefs(r.spec);
      return { ...r, spec: fromFlow(toFlowBody(r.spec, refs, issues), refs, { unknown: [] }) };
    },

    check(r) {
      const issues = new Issues(address("workflow", r.name));
      toFlowBody(r.spec, identityRefs, issues);
      return issues.list;
    },
  };
  return ops;
}
