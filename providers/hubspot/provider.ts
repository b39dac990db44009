import { error, type Diagnostic } from "../../src/diagnostics";
import { address, type Kind, type Resource, type WorkflowSpec } from "../../src/model";
import { references } from "../../src/model/refs";
import { ProviderError, type CallContext, type Provider } from "../../src/provider/types";
import { capabilities } from "./capabilities";
import { createHubSpotClient, type HubSpotClientOptions } from "./client";
import { eventUses, unknownEvents } from "./event-conditions";
import { listEventDefinitions } from "./event-definitions";
import { events } from "./events";
import { frequencyCaps } from "./frequency-caps";
import { unsupported, type HubSpotEnv, type KindOps } from "./kind";
import { refName } from "./mapping";
import { NameCache } from "./names";
import { properties } from "./properties";
import { listSize, segments } from "./segments";
import { subscriptionTypes } from "./subscriptions";
import { declaredSubscriptions, subscriptionMismatches } from "./send-subscriptions";
import { createTemplates } from "./templates";
import { loadRoles, loadTeams, roles, teams, users } from "./users";
import { createWorkflows } from "./workflows";

export interface HubSpotProviderOptions extends HubSpotClientOptions {
  creationPollMs?: number;
  creationPollAttempts?: number;
}

const READ_ONLY_KINDS = ["role", "team", "subscription_type"] as const;

function sentTemplates(workflow: WorkflowSpec): string[] {
  return [...references("workflow", workflow)].filter((r) => r.kind === "template").map((r) => r.name);
}

export function createHubSpotProvider(opts: HubSpotProviderOptions): Provider {
  const client = createHubSpotClient(opts);
  /** Templates sent by workflows a frequency cap exempts: their emails stay outside HubSpot's cap. */
  let capExempt = new Set<string>();
  /** Template -> the subscription type the stack's sends of it name: a new email is created under it. */
  let sendSubscriptions = new Map<string, string>();
  const ops: { [K in Kind]: KindOps<K> } = {
    property: properties,
    event: events,
    subscription_type: subscriptionTypes,
    team: teams,
    role: roles,
    user: users,
    template: createTemplates((name) => capExempt.has(name), (name) => sendSubscriptions.get(name)),
    segment: segments,
    frequency_cap: frequencyCaps,
    workflow: createWorkflows({ creationPollMs: opts.creationPollMs ?? 2_000, creationPollAttempts: opts.creationPollAttempts ?? 15 }),
  };
  const names: NameCache = new NameCache({
    property: (ctx) => ops.property.list(env, ctx),
    segment: (ctx) => ops.segment.list(env, ctx),
    template: (ctx) => ops.template.list(env, ctx),
    subscription_type: (ctx) => ops.subscription_type.list(env, ctx),
    role: (ctx) => loadRoles(env, ctx),
    team: (ctx) => loadTeams(env, ctx),
  }, (ctx) => listEventDefinitions(client, ctx.signal));
  const env: HubSpotEnv = { client, names };
  const kindOps = <K extends Kind>(k: K) => ops[k] as unknown as KindOps<Kind>;

  /** Declared roles, teams and subscription types must already exist: HubSpot's API cannot make them. */
  async function missingReadOnly(resources: Resource[], ctx: CallContext): Promise<Diagnostic[]> {
    const kinds: Kind[] = READ_ONLY_KINDS.filter((k) => resources.some((r) => r.kind === k));
    // The refresh listed these kinds already; only a check without a refresh asks HubSpot.
    await names.ensure(kinds, ctx);
    const refs = names.refs(ctx);
    return resources
      .filter((r) => kinds.includes(r.kind) && refs.id(r.kind, r.name) === undefined)
      .map((r) => error("hubspot/manual-step", `${address(r.kind, r.name)} does not exist in HubSpot, and HubSpot's API cannot create it`, {
        address: address(r.kind, r.name),
        hint: capabilities[r.kind]?.note,
      }));
  }

  /** Sends whose subscription type disagrees with the email's in HubSpot (read by the refresh, or listed once here). */
  async function sendSubscriptionIssues(resources: Resource[], ctx: CallContext): Promise<Diagnostic[]> {
    if (!sendSubscriptions.size) return [];
    await names.ensure(["template", "subscription_type"], ctx);
    const refs = names.refs(ctx);
    return subscriptionMismatches(resources, (template) => {
      const emailId = refs.id("template", template);
      const sub = emailId === undefined ? undefined : refs.subscriptionOf?.(emailId);
      return sub === undefined ? undefined : refName(refs, "subscription_type", sub);
    });
  }

  /** Events the stack names must exist in the account (custom event definitions, read once). */
  async function eventIssues(resources: Resource[], ctx: CallContext): Promise<Diagnostic[]> {
    if (!resources.some((r) => eventUses(r).length)) return [];
    return unknownEvents(resources, await names.ensureEvents(ctx));
  }

  return {
    name: "hubspot",
    capabilities,
    list: async (kind, ctx) => kindOps(kind).list(env, ctx),
    read: async (kind, id, ctx) => kindOps(kind).read(env, id, ctx),
    create: async (r, ctx) => {
      const o = kindOps(r.kind);
      return o.create ? o.create(env, r, ctx) : unsupported(r.kind, "create", capabilities[r.kind]?.note ?? "");
    },
    update: async (r, live, ctx) => {
      const o = kindOps(r.kind);
      return o.update ? o.update(env, r, live, ctx) : unsupported(r.kind, "change", capabilities[r.kind]?.note ?? "");
    },
    delete: async (kind, id, ctx) => {
      const o = kindOps(kind);
      return o.delete ? o.delete(env, id, ctx) : unsupported(kind, "delete", capabilities[kind]?.note ?? "");
    },
    normalize: (r) => kindOps(r.kind).normalize(r),
    segmentSize: (id, ctx) => listSize(env, id, ctx),
    async check(resources, ctx) {
      const byName = new Map(resources.map((r) => [address(r.kind, r.name), r]));
      capExempt = new Set(
        resources
          .flatMap((r) => (r.kind === "frequency_cap" ? r.spec.exempt?.workflows ?? [] : []))
          .flatMap((w) => {
            const wf = byName.get(address("workflow", w));
            return wf?.kind === "workflow" ? sentTemplates(wf.spec) : [];
          }),
      );
      sendSubscriptions = declaredSubscriptions(resources);
      const offline = resources.flatMap((r) => kindOps(r.kind).check?.(r) ?? []);
      try {
        return [...offline, ...(await missingReadOnly(resources, ctx)), ...(await sendSubscriptionIssues(resources, ctx)), ...(await eventIssues(resources, ctx))];
      } catch (e) {
        if (e instanceof ProviderError) return [...offline, e.diagnostic];
        throw e;
      }
    },
    get requestCount() {
      return client.requestCount;
    },
    close: () => client.close(),
  };
}
