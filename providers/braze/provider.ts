import { error, warning, type Diagnostic } from "../../src/diagnostics";
import { address, deepEqual, type Kind, type ProviderConfig, type Resource } from "../../src/model";
import { ProviderError, type CallContext, type Provider } from "../../src/provider/types";
import { messageEditSteps } from "./canvas-editor";
import { dashboardWords } from "./instances";
import { capabilitiesFor } from "./capabilities";
import { createBrazeClient, type BrazeClient, type BrazeClientOptions } from "./client";
import { Exports } from "./exports";
import type { BrazeEnv, KindOps } from "./kind";
import { MESSAGE_TAG } from "./messages";
import { Names } from "./names";
import { properties } from "./properties";
import { segments } from "./segments";
import { parseSettings } from "./settings";
import { subscriptionTypes } from "./subscriptions";
import { createTemplates } from "./templates";
import { roles, teams, users } from "./users";
import { asExported, createWorkflows, placeOf } from "./workflows";

/** The client's knobs, and the settings of the environment's provider. */
export interface BrazeProviderOptions extends Pick<BrazeClientOptions, "env" | "baseDir" | "clock" | "maxWaitMs" | "backoffMs" | "maxRetries" | "random" | "onRetry"> {
  config: ProviderConfig;
}

export interface BrazeProvider extends Provider {
  readonly client: BrazeClient;
  /**
   * The dashboard clicks that make a declared change Braze's API cannot
   * make (a Canvas, a Canvas message), from the last refresh; undefined when
   * the live object is unknown or already matches. The engine's manual
   * step (issue 10) takes its note from here.
   */
  manualSteps(r: Resource, liveId: string): string[] | undefined;
}

const PERIOD_WORDS: Record<string, string> = { m: "minute", h: "hour", d: "day", w: "week" };

/** A frequency cap is a rule of Braze's global frequency capping, set by hand: which one, exactly. */
function capRule(r: Resource<"frequency_cap">, dashboard: string | undefined): Diagnostic[] {
  const at = address("frequency_cap", r.name);
  const [, n, unit] = /^([0-9]+)([mhdw])$/.exec(r.spec.period)!;
  const period = `${n} ${PERIOD_WORDS[unit!]}${n === "1" ? "" : "s"}`;
  const exempt = r.spec.exempt?.workflows?.length ? `; in the settings of ${r.spec.exempt.workflows.join(", ")}, turn frequency capping off` : "";
  return [warning("braze/manual-step", `${at}: Braze's global frequency capping has no API; set it by hand`, {
    address: at,
    hint: `in ${dashboardWords(dashboard)}: Settings > Frequency Capping, add a rule for ${r.spec.channels.join(", ")}: no more than ${r.spec.max} per ${period}${exempt}`,
  })];
}

export function createBrazeProvider(opts: BrazeProviderOptions): BrazeProvider {
  const parsed = parseSettings(opts.config);
  if (!parsed.value) throw new ProviderError(parsed.diagnostics[0]!.severity === "error" ? parsed.diagnostics[0]! : error("braze/bad-settings", "invalid Braze provider settings"));
  const settings = parsed.value;
  const client = createBrazeClient({
    endpoint: settings.endpoint, key: settings.key, scim: settings.scim, env: opts.env, baseDir: opts.baseDir,
    clock: opts.clock, maxWaitMs: opts.maxWaitMs, concurrency: opts.config.concurrency, maxRetries: opts.maxRetries,
    backoffMs: opts.backoffMs, random: opts.random, onRetry: opts.onRetry,
  });
  const templates = createTemplates();
  const workflows = createWorkflows();
  // Not readable: the capabilities say so and the engine does not list these.
  const unread = <K extends Kind>(): KindOps<K> => ({ list: async () => [], read: async () => undefined, normalize: (r) => r });
  const ops: { [K in Kind]: KindOps<K> } = {
    property: properties,
    subscription_type: subscriptionTypes,
    team: teams,
    role: roles,
    user: users,
    template: templates,
    segment: segments,
    event: unread(),
    frequency_cap: unread(),
    workflow: workflows,
  };
  const kindOps = (k: Kind) => ops[k] as unknown as KindOps<Kind>;
  const env: BrazeEnv = {
    client,
    settings,
    exports: new Exports(client),
    names: new Names((kind, ctx) => kindOps(kind).list(env, ctx)),
  };
  const capabilities = capabilitiesFor({ dashboard: settings.endpoint.dashboard, scim: settings.scim !== undefined });
  const refuse = (kind: Kind, what: string): never => {
    throw new ProviderError(error("braze/manual", `Braze's API cannot ${what} a ${kind}`, { hint: capabilities[kind]?.note }));
  };

  function manualSteps(r: Resource, liveId: string): string[] | undefined {
    if (r.kind === "workflow") {
      const live = workflows.lastListed.get(liveId);
      if (!live || deepEqual(asExported(r.spec), live.spec)) return undefined;
      return workflows.editSteps(env, r, live);
    }
    if (r.kind === "template" && r.spec.tags?.includes(MESSAGE_TAG)) {
      const m = templates.messages.get(liveId);
      if (!m || deepEqual(templates.normalize(r, settings).spec, m.spec)) return undefined;
      return messageEditSteps({ place: m.place, parent: m.parent, step: m.step, dashboard: settings.endpoint.dashboard, live: m.spec, desired: r.spec });
    }
    return undefined;
  }

  /** Declared changes Braze's API cannot make, with the clicks that make them. */
  function byHand(resources: Resource[], ctx: CallContext): Diagnostic[] {
    return resources.flatMap((r) => {
      const id = ctx.refs.idOf(r.kind, r.name);
      if (r.kind === "template" && r.spec.tags?.includes(MESSAGE_TAG) && (id === undefined || !templates.messages.has(id))) {
        const at = address(r.kind, r.name);
        // The plan would create it as an email template: a message exists only inside its Canvas or campaign.
        return [error("braze/manual-step", `${at} is a Canvas or campaign message that Braze no longer has (its step was removed or its Canvas archived)`, {
          address: at, hint: "add the message in the Canvas editor and import it again, or remove this template and the steps that send it from the stack",
        })];
      }
      const steps = id === undefined ? undefined : manualSteps(r, id);
      if (!steps) return [];
      const at = address(r.kind, r.name);
      const where = r.kind === "workflow" ? placeOf(workflows.lastListed.get(id!)!.spec) : templates.messages.get(id!)!.place;
      // A Canvas is manual by capability; a message template is written like other templates, so its change must stop the plan.
      const make = r.kind === "workflow" ? warning : error;
      return [make("braze/manual-step", `${at} differs from Braze (${where}), and Braze's API cannot change it: make the change in the dashboard`, {
        address: at, hint: steps.join(" "), detail: { steps },
      })];
    });
  }

  return {
    name: "braze",
    capabilities,
    client,
    manualSteps,
    list: (kind, ctx) => kindOps(kind).list(env, ctx),
    read: (kind, id, ctx) => kindOps(kind).read(env, id, ctx),
    create: async (r, ctx) => {
      const o = kindOps(r.kind);
      return o.create ? o.create(env, r, ctx) : refuse(r.kind, "create");
    },
    update: async (r, live, ctx) => {
      const o = kindOps(r.kind);
      return o.update ? o.update(env, r, live, ctx) : refuse(r.kind, "change");
    },
    delete: async (kind, id, ctx) => {
      const o = kindOps(kind);
      return o.delete ? o.delete(env, id, ctx) : refuse(kind, "delete");
    },
    normalize: (r) => kindOps(r.kind).normalize(r, settings),
    async check(resources, ctx) {
      const offline = resources.flatMap((r) => (r.kind === "frequency_cap" ? capRule(r, settings.endpoint.dashboard) : kindOps(r.kind).check?.(r) ?? []));
      return [...offline, ...byHand(resources, ctx)];
    },
    get requestCount() {
      return client.requestCount;
    },
    close: () => client.close(),
  };
}
