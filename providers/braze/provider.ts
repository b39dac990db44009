import { error } from "../../src/diagnostics";
import { address, deepEqual, type FrequencyCapSpec, type Kind, type ProviderConfig, type Resource, type TemplateSpec } from "../../src/model";
import { ProviderError, type ManualChange, type Provider } from "../../src/provider/types";
import { messageEditSteps } from "./canvas-editor";
import { dashboardWords } from "./instances";
import { capabilitiesFor, templateCapabilities } from "./capabilities";
import { createBrazeClient, type BrazeClient, type BrazeClientOptions } from "./client";
import { Exports } from "./exports";
import type { BrazeEnv, KindOps } from "./kind";
import { MESSAGE_TAG } from "./messages";
import { Names } from "./names";
import { properties } from "./properties";
import { segments } from "./segments";
import { parseSettings } from "./settings";
import { subscriptionTypes } from "./subscriptions";
import { createTemplates, familyOf } from "./templates";
import { brazeQuotas } from "./quotas";
import { roles, teams, users } from "./users";
import { asExported, createWorkflows } from "./workflows";

/** The client's knobs, and the settings of the environment's provider. */
export interface BrazeProviderOptions extends Pick<BrazeClientOptions, "env" | "baseDir" | "clock" | "maxWaitMs" | "backoffMs" | "maxRetries" | "random" | "onRetry"> {
  config: ProviderConfig;
}

export interface BrazeProvider extends Provider {
  readonly client: BrazeClient;
  /**
   * The dashboard clicks that make a declared change Braze's API cannot
   * make (a Canvas, a Canvas message), from the last refresh; undefined when
   * the live object is unknown or already matches. The plan's manual step
   * shows them (`manualNote`).
   */
  manualSteps(r: Resource, liveId: string): string[] | undefined;
}

const PERIOD_WORDS: Record<string, string> = { m: "minute", h: "hour", d: "day", w: "week" };

/** A frequency cap is a rule of Braze's global frequency capping, set by hand: which one, exactly. */
function capRule(spec: FrequencyCapSpec, dashboard: string | undefined, remove: boolean): string {
  const [, n, unit] = /^([0-9]+)([mhdw])$/.exec(spec.period)!;
  const period = `${n} ${PERIOD_WORDS[unit!]}${n === "1" ? "" : "s"}`;
  const rule = `a rule for ${spec.channels.join(", ")}: no more than ${spec.max} per ${period}`;
  if (remove) return `in ${dashboardWords(dashboard)}: Settings > Frequency Capping, delete ${rule}`;
  const exempt = spec.exempt?.workflows?.length ? `; in the settings of ${spec.exempt.workflows.join(", ")}, turn frequency capping off` : "";
  return `in ${dashboardWords(dashboard)}: Settings > Frequency Capping, add ${rule}${exempt}`;
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
  const perTemplate = templateCapabilities({ dashboard: settings.endpoint.dashboard });
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

  /** The exact words of a change Braze's API cannot make: the rule to set, the clicks in the Canvas editor. */
  function manualNote(c: ManualChange): string | undefined {
    const at = address(c.kind, c.name);
    if (c.kind === "frequency_cap") {
      const spec = (c.operation === "delete" ? c.before : c.after) as FrequencyCapSpec | undefined;
      return spec && capRule(spec, settings.endpoint.dashboard, c.operation === "delete");
    }
    if (c.kind === "template" && c.operation === "create" && c.after && familyOf(c.after as TemplateSpec) === "message") {
      return `${at} is a Canvas or campaign message that Braze does not have (its step was removed or its Canvas archived): add the message in the Canvas editor and run \`mops import\`, or remove this template and the steps that send it from the stack`;
    }
    if (c.operation !== "update" || c.id === undefined || c.after === undefined) return undefined;
    return manualSteps({ kind: c.kind, name: c.name, spec: c.after } as Resource, c.id)?.join("\n");
  }

  return {
    name: "braze",
    capabilities,
    client,
    manualSteps,
    capabilityOf: (kind, spec) => (kind === "template" ? perTemplate[familyOf(spec as TemplateSpec)] : undefined),
    manualNote,
    quotas: async () => brazeQuotas(client),
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
    check: async (resources) => resources.flatMap((r) => kindOps(r.kind).check?.(r) ?? []),
    get requestCount() {
      return client.requestCount;
    },
    close: () => client.close(),
  };
}
