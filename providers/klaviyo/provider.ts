import type { Diagnostic } from "../../src/diagnostics";
import { type Kind, type Resource, type TemplateSpec, type WorkflowSpec } from "../../src/model";
import { ProviderError, type CallContext, type LiveObject, type Provider, type Quota } from "../../src/provider/types";
import { capabilities } from "./capabilities";
import { createKlaviyoClient, type KlaviyoClientOptions } from "./client";
import type { FlowContext } from "./flows";
import { orUndefined, unsupported, type KindOps, type KlaviyoEnv } from "./kind";
import { events, frequencyCaps, roles, teams, users } from "./manual";
import { identityRefs, klaviyoId, type Refs } from "./mapping";
import { loadMetrics } from "./metrics";
import { NameCache } from "./names";
import { createProperties, usedProperties } from "./properties";
import { quotas } from "./quotas";
import { segments } from "./segments";
import { consentIssues, subscriptionTypes } from "./subscriptions";
import { loadTags } from "./tags";
import { templates } from "./templates";
import { createWorkflows, flowChangePath, flowDrain, resyncSends, retireFlow, type FlowDrainState } from "./workflows";

export type KlaviyoProviderOptions = KlaviyoClientOptions;

/** The provider contract plus the platform calls the engine's drain and quota steps use (ENGINE-NOTES.md). */
export interface KlaviyoProvider extends Provider {
  /** Stop a flow admitting new profiles while those inside finish. */
  retire(kind: Kind, id: string, ctx: CallContext): Promise<void>;
  /** Profiles inside a flow: Klaviyo cannot count them; 0 once `drain` says the flow has drained, else unknown. */
  inFlight(kind: Kind, id: string, ctx: CallContext): Promise<number | undefined>;
  /** Whether a retired flow has drained (closed longer than its slowest path). */
  drain(id: string, ctx: CallContext): Promise<FlowDrainState>;
  quotas(ctx: CallContext): Promise<Quota[]>;
}

/** What check() learned of the stack that writes need: templates' message fields and the frequency caps. */
interface Declared {
  templates: Map<string, TemplateSpec>;
  caps: Resource<"frequency_cap">[];
}

export function createKlaviyoProvider(opts: KlaviyoProviderOptions): KlaviyoProvider {
  const client = createKlaviyoClient(opts);
  let declared: Declared = { templates: new Map(), caps: [] };

  const flowContext = (workflow: string): FlowContext => ({
    template: (name) => declared.templates.get(name),
    smartSending: (channel, transactional) => declared.caps.some((c) =>
      c.spec.channels.includes(channel as never)
      && !(c.spec.exempt?.workflows ?? []).includes(workflow)
      && !(transactional && c.spec.exempt?.transactional !== false)),
  });
  const workflows = createWorkflows(flowContext);

  /** Template, segment and workflow listings made to find the properties they use, handed once to the next list of that kind. */
  const handOver = new Map<Kind, Promise<LiveObject[]>>();
  const listed = <K extends Kind>(kind: K, ctx: CallContext): Promise<LiveObject<K>[]> => {
    const p = handOver.get(kind);
    handOver.delete(kind);
    return (p ?? (ops[kind] as unknown as KindOps<Kind>).list(env, ctx)) as Promise<LiveObject<K>[]>;
  };

  const ops: { [K in Kind]: KindOps<K> } = {
    property: createProperties(async (ctx) => {
      const tpls = ops.template.list(env, ctx);
      const segs = ops.segment.list(env, ctx);
      const flows = ops.workflow.list(env, ctx);
      handOver.set("template", tpls);
      handOver.set("segment", segs);
      handOver.set("workflow", flows);
      return usedProperties((await segs).map((s) => s.spec), (await flows).map((w) => w.spec), (await tpls).map((t) => t.spec));
    }),
    event: events,
    subscription_type: subscriptionTypes,
    team: teams,
    role: roles,
    user: users,
    template: templates,
    segment: segments,
    frequency_cap: frequencyCaps,
    workflow: workflows,
  };

  const names: NameCache = new NameCache({
    segment: (ctx) => ops.segment.list(env, ctx),
    template: (ctx) => ops.template.list(env, ctx),
    subscription_type: (ctx) => ops.subscription_type.list(env, ctx),
    metrics: (ctx) => loadMetrics(env, ctx),
    tags: (ctx) => loadTags(env, ctx),
  });
  const env: KlaviyoEnv = { client, names };
  const kindOps = (k: Kind) => ops[k] as unknown as KindOps<Kind>;
  /** Writes change what a listing would show: listings made before them are not handed over. */
  const writing = <T>(p: () => Promise<T>) => {
    handOver.clear();
    return p();
  };

  async function check(resources: Resource[], ctx: CallContext): Promise<Diagnostic[]> {
    declared = {
      templates: new Map(resources.flatMap((r) => (r.kind === "template" ? [[r.name, r.spec] as const] : []))),
      caps: resources.filter((r): r is Resource<"frequency_cap"> => r.kind === "frequency_cap"),
    };
    const out: Diagnostic[] = [];
    try {
      await names.ensure(["metrics", "subscription_type"], ctx);
    } catch (e) {
      if (e instanceof ProviderError) return [e.diagnostic];
      throw e;
    }
    const live = names.refs(ctx);
    for (const r of resources) if (r.kind === "subscription_type") out.push(...consentIssues(r, (n) => live.id("subscription_type", n)));
    // Names stand in for ids (the plan creates what is missing first); metrics must exist: Klaviyo makes them, Mops cannot.
    const refs: Refs = { ...identityRefs, metricId: live.metricId, metricName: live.metricName };
    for (const r of resources) out.push(...(kindOps(r.kind).check?.(r, refs) ?? []));
    return out;
  }

  return {
    name: "klaviyo",
    capabilities,
    list: (kind, ctx) => listed(kind, ctx),
    read: async (kind, id, ctx) => kindOps(kind).read(env, id, ctx),
    create: async (r, ctx) => writing(() => {
      const o = kindOps(r.kind);
      return o.create ? o.create(env, r, ctx) : unsupported(r.kind, "create", capabilities[r.kind]?.note ?? "");
    }),
    update: async (r, live, ctx) => writing(async () => {
      const o = kindOps(r.kind);
      if (!o.update) return unsupported(r.kind, "change", capabilities[r.kind]?.note ?? "");
      const out = await o.update(env, r, live, ctx);
      // Flow messages hold copies of their template's subject and sender: a template change is written into them too.
      if (r.kind === "template" && !live.id.startsWith("universal:")) await resyncSends(env, live.id, live.spec as TemplateSpec, out.spec as TemplateSpec, ctx);
      return out;
    }),
    delete: async (kind, id, ctx) => writing(() => {
      const o = kindOps(kind);
      return o.delete ? o.delete(env, id, ctx) : unsupported(kind, "delete", capabilities[kind]?.note ?? "");
    }),
    normalize: (r) => kindOps(r.kind).normalize(r),
    // A workflow's status, steps' data and tags change in place; what its definition fixes only by a new flow.
    changePath: (r, live) => {
      if (r.kind !== "workflow") return undefined;
      const c = flowChangePath(live.spec as WorkflowSpec, r.spec as WorkflowSpec);
      return { action: c.path === "replace" ? "replace" : "update", reasons: c.reasons };
    },
    check,
    async segmentSize(id, ctx) {
      const type = id.startsWith("list:") ? "list" : "segment";
      const res = await orUndefined(client.get<{ data: { attributes: { profile_count?: number } } }>(`/api/${type}s/${klaviyoId(id)}`, { [`additional-fields[${type}]`]: "profile_count" }, ctx.signal));
      const n = res?.data.attributes.profile_count;
      return typeof n === "number" ? n : undefined;
    },
    retire: async (kind, id, ctx) => (kind === "workflow" ? writing(() => retireFlow(env, id, ctx)) : unsupported(kind, "drain", "only workflows drain")),
    inFlight: async (kind, id, ctx) => (kind === "workflow" && (await flowDrain(env, id, ctx, client.serverNow())).drained ? 0 : undefined),
    drain: (id, ctx) => flowDrain(env, id, ctx, client.serverNow()),
    quotas: async () => quotas(client.pacer),
    get requestCount() {
      return client.requestCount;
    },
    close: () => client.close(),
  };
}
