import {
  OPAQUE_AUDIENCE, toResourceName, type Condition, type Resource, type Step, type TemplateSpec, type WorkflowSpec,
} from "../../src/model";
import type { CallContext, LiveObject } from "../../src/provider/types";
import { canvasEditSteps } from "./canvas-editor";
import type { CampaignDetails, CanvasDetails, CanvasStep, ConversionBehavior } from "./exports";
import { compact, manualOnly, type BrazeEnv, type KindOps } from "./kind";
import { channelOf, implicitSubscription, messageId, messageStep, messageTemplate, orderedMessages } from "./messages";

/**
 * Workflows <- Canvases and campaigns, read-only: Braze exports them
 * (list + details) and offers no call that writes their steps, audience or
 * schedule. What the export holds maps onto the neutral journey as far as it
 * goes: step order and names, message channels and content, splits and
 * their path names, delays (without their length), status, tags, teams.
 * What it does not hold (the entry audience, the trigger event, delay
 * lengths, split rules and shares) is not guessed: the audience is marked
 * opaque, delays read as `0m` (the fastest case the frequency checks assume
 * anyway) and paths share evenly.
 *
 * A campaign is a workflow too, tagged `braze:campaign`: campaigns and
 * Canvases message the same people, so the overlap, cap and consent checks
 * must see both; as one send step (or a split of A/B variations) it fits
 * the journey model without a second view.
 */

export const CAMPAIGN_TAG = "braze:campaign";
const ENTRY_PREFIX = "entry:";

export interface MessageTemplate {
  id: string;
  display: string;
  spec: TemplateSpec;
  /** Where it lives: the Canvas or campaign (its Braze name) and the step. */
  place: string;
  parent: string;
  step: string;
}

/** Every Canvas and campaign message as a template of its own (templates.ts lists them). */
export async function messageTemplates(env: BrazeEnv, signal?: AbortSignal): Promise<MessageTemplate[]> {
  const [canvases, campaigns] = await Promise.all([env.exports.canvases.all(signal), env.exports.campaigns.all(signal)]);
  const out: MessageTemplate[] = [];
  for (const { listing, details } of canvases) {
    for (const step of details.steps ?? []) {
      const messages = orderedMessages(step.messages);
      for (const [vid, m] of messages) {
        const channel = channelOf(m);
        if (channel === undefined || channel === "webhook") continue;
        const display = `${details.name} ${step.name}${messages.length > 1 ? ` ${channel}` : ""}`;
        out.push({ id: messageId("canvas", listing.id, vid), display, spec: messageTemplate(m, channel), place: "Messaging > Canvas", parent: details.name, step: step.name });
      }
    }
  }
  for (const { listing, details } of campaigns) {
    for (const [vid, m] of orderedMessages(details.messages)) {
      const channel = channelOf(m);
      if (channel === undefined || channel === "webhook") continue;
      out.push({ id: messageId("campaign", listing.id, vid), display: `${details.name} ${m.name ?? channel}`, spec: messageTemplate(m, channel), place: "Messaging > Campaigns", parent: details.name, step: m.name ?? channel });
    }
  }
  return out;
}

/** Equal shares that add up to exactly 100 (the last path takes the rest). */
export function shares(n: number): number[] {
  const each = Math.floor(100 / n);
  return Array.from({ length: n }, (_, i) => (i === n - 1 ? 100 - each * (n - 1) : each));
}

/** Step ids from Braze step names, unique within the workflow. */
class StepIds {
  private readonly taken = new Set<string>();
  of(display: string): string {
    const base = toResourceName(display);
    let id = base;
    for (let k = 2; this.taken.has(id); k++) id = `${base.slice(0, 95)}_${k}`;
    this.taken.add(id);
    return id;
  }
}

const DELAY = /delay/i;

interface Mapping {
  template(parentId: string, variationId: string): string | undefined;
  subscription(groupId: string): string;
  team(name: string): string;
}

function statusOf(d: { draft?: boolean; enabled?: boolean }): WorkflowSpec["status"] {
  return d.draft ? "draft" : d.enabled ? "active" : "paused";
}

function tagsOf(tags: readonly string[] | undefined, extra: (string | undefined)[]): string[] {
  return [...new Set([...(tags ?? []), ...extra.filter((t): t is string => !!t)])].sort();
}

/** The Canvas's steps as neutral steps; `names` gets each step id's Braze step name (for the editor instructions). */
export function canvasSteps(canvasId: string, d: CanvasDetails, map: Mapping, names = new Map<string, string>()): Step[] {
  const byId = new Map((d.steps ?? []).map((s) => [s.id, s]));
  const ids = new StepIds();
  const convert = (s: CanvasStep): Step[] => {
    const messages = orderedMessages(s.messages);
    if (messages.length) {
      return messages.flatMap(([vid, m], i) => {
        const step = messageStep(m, (v) => map.template(canvasId, v), vid, map.subscription);
        if (!step) return [];
        const id = ids.of(i === 0 ? s.name : `${s.name} ${channelOf(m)}`);
        names.set(id, s.name);
        return [{ id, ...step } as Step];
      });
    }
    if (DELAY.test(s.type)) {
      const id = ids.of(s.name);
      names.set(id, s.name);
      return [{ id, type: "wait", duration: "0m" }];
    }
    return [];
  };
  const nextOf = (s: CanvasStep): { name?: string; id: string }[] =>
    s.next_paths?.length ? s.next_paths.map((p) => ({ name: p.name ?? undefined, id: p.next_step_id })) : (s.next_step_ids ?? []).map((id) => ({ id }));
  const follow = (start: string, seen: ReadonlySet<string>): Step[] => {
    const out: Step[] = [];
    let visited = new Set(seen);
    for (let cur: string | undefined = start; cur !== undefined;) {
      const s = byId.get(cur);
      // A step missing from the export, or a path that leads back: the journey ends here as far as the export says.
      if (!s || visited.has(cur)) break;
      visited = new Set([...visited, cur]);
      out.push(...convert(s));
      const next = nextOf(s);
      if (next.length === 1) {
        cur = next[0]!.id;
        continue;
      }
      if (next.length > 1) out.push(split(next.map((p) => ({ name: p.name, steps: follow(p.id, visited) }))));
      break;
    }
    return out;
  };
  const variants = d.variants ?? [];
  const starts = (v: (typeof variants)[number]) => v.first_step_ids ?? (v.first_step_id ? [v.first_step_id] : []);
  const fromStarts = (first: string[]): Step[] =>
    first.length <= 1 ? (first[0] ? follow(first[0], new Set()) : []) : [split(first.map((f) => ({ steps: follow(f, new Set()) })))];
  const steps = variants.length > 1
    ? [split(variants.map((v) => ({ name: v.name, steps: fromStarts(starts(v)) })))]
    : fromStarts(variants[0] ? starts(variants[0]) : []);
  return steps.length ? steps : [{ type: "exit" }];
}

function split(paths: { name?: string; steps: Step[] }[]): Step {
  const pct = shares(paths.length);
  return { type: "split", paths: paths.map((p, i) => compact({ name: p.name, percent: pct[i]!, steps: p.steps })) };
}

export function canvasSpec(id: string, d: CanvasDetails, map: Mapping, names?: Map<string, string>): WorkflowSpec {
  return compact({
    status: statusOf(d),
    description: d.description || undefined,
    owner: d.teams?.[0] === undefined ? undefined : map.team(d.teams[0]),
    tags: tagsOf(d.tags, [OPAQUE_AUDIENCE, d.schedule_type ? `${ENTRY_PREFIX}${d.schedule_type}` : undefined]),
    trigger: { type: "manual" as const },
    steps: canvasSteps(id, d, map, names),
  });
}

/** A campaign's conversion events as a goal (braze-docs get_campaign_details.md, "Conversion behaviors"). */
function goalOf(behaviors: readonly ConversionBehavior[] | undefined): Condition | undefined {
  const events = (behaviors ?? []).flatMap((b): Condition[] => {
    if (b.type === "Performs Custom Event" && b.custom_event_name) return [{ event: b.custom_event_name, at_least: 1 }];
    if (b.type === "Makes Any Purchase" || b.type === "Makes Specific Purchase") return [{ event: "purchase", at_least: 1 }];
    return [];
  });
  return events.length === 0 ? undefined : events.length === 1 ? events[0] : { any: events };
}

export function campaignSpec(id: string, d: CampaignDetails, map: Mapping): WorkflowSpec {
  const ids = new StepIds();
  const byChannel = new Map<string, [string, NonNullable<CampaignDetails["messages"]>[string]][]>();
  for (const [vid, m] of orderedMessages(d.messages)) byChannel.set(m.channel, [...(byChannel.get(m.channel) ?? []), [vid, m]]);
  const steps: Step[] = [];
  for (const variations of byChannel.values()) {
    const one = ([vid, m]: (typeof variations)[number]): Step[] => {
      const step = messageStep(m, (v) => map.template(id, v), vid, map.subscription);
      return step ? [{ id: ids.of(m.name ?? m.channel), ...step } as Step] : [];
    };
    if (variations.length === 1) steps.push(...one(variations[0]!));
    // Several variations on one channel are an A/B test (a control sends nothing).
    else steps.push(split(variations.map((v) => ({ name: v[1].name ?? (v[1].type === "control" ? "Control" : undefined), steps: one(v) }))));
  }
  return compact({
    status: statusOf(d),
    description: d.description || undefined,
    owner: d.teams?.[0] === undefined ? undefined : map.team(d.teams[0]),
    tags: tagsOf(d.tags, [OPAQUE_AUDIENCE, CAMPAIGN_TAG, d.schedule_type ? `${ENTRY_PREFIX}${d.schedule_type}` : undefined]),
    trigger: { type: "manual" as const },
    steps: steps.length ? steps : [{ type: "exit" }],
    goal: goalOf(d.conversion_behaviors),
  });
}

/**
 * A declared workflow as Braze's export would show it: only what the export
 * holds is compared (the audience, delay lengths, split rules and shares are
 * not, so declaring them is never a difference Braze could show or fix).
 */
export function asExported(spec: WorkflowSpec): WorkflowSpec {
  const campaign = spec.tags?.includes(CAMPAIGN_TAG) ?? false;
  const steps = exportedSteps(spec.steps);
  return compact({
    status: spec.status,
    description: spec.description,
    owner: spec.owner,
    tags: tagsOf(spec.tags, [OPAQUE_AUDIENCE]),
    trigger: { type: "manual" as const },
    steps: steps.length ? steps : [{ type: "exit" }],
    goal: campaign ? spec.goal : undefined,
  });
}

function exportedSteps(steps: readonly Step[]): Step[] {
  return steps.flatMap((s): Step[] => {
    switch (s.type) {
      case "wait":
        return [compact({ id: s.id, type: "wait" as const, duration: "0m" })];
      case "send":
        return [compact({ id: s.id, type: "send" as const, channel: s.channel, template: s.template, subscription_type: s.subscription_type ?? implicitSubscription(s.channel) })];
      case "webhook":
        return [compact({ id: s.id, type: "webhook" as const, url: s.url, method: s.method ?? "POST" })];
      case "branch":
        return [split([{ name: "Yes", steps: exportedSteps(s.then) }, { name: "No", steps: exportedSteps(s.else ?? []) }])];
      case "split":
        return [split(s.paths.map((p) => ({ name: p.name, steps: exportedSteps(p.steps) })))];
      default:
        // Property updates, segment changes and exits are not in Braze's export.
        return [];
    }
  });
}

/** Where a workflow lives in the dashboard. */
export const placeOf = (spec: WorkflowSpec): string => (spec.tags?.includes(CAMPAIGN_TAG) ? "Messaging > Campaigns" : "Messaging > Canvas");

export function createWorkflows(): KindOps<"workflow"> & {
  /** Braze step names of each live workflow, by step id, from the last listing. */
  stepNames: Map<string, Map<string, string>>;
  /** Live workflows of the last listing, by id. */
  lastListed: Map<string, LiveObject<"workflow">>;
  /** Braze's name of each live workflow, by id. */
  titles: Map<string, string>;
  editSteps(env: BrazeEnv, r: Resource<"workflow">, live: LiveObject<"workflow">): string[];
} {
  const stepNames = new Map<string, Map<string, string>>();
  const lastListed = new Map<string, LiveObject<"workflow">>();
  const titles = new Map<string, string>();

  const mapping = (env: BrazeEnv, ctx: CallContext): Mapping => ({
    template: (parentId, vid) => env.names.nameOf("template", `${parentId}:${vid}`, ctx),
    subscription: (groupId) => env.names.nameOf("subscription_type", `group:${groupId}`, ctx) ?? `subscription_group_${toResourceName(groupId)}`,
    team: (name) => toResourceName(name),
  });

  const fromCanvas = (env: BrazeEnv, ctx: CallContext, id: string, d: CanvasDetails) => {
    const names = new Map<string, string>();
    const spec = canvasSpec(`canvas:${id}`, d, mapping(env, ctx), names);
    stepNames.set(`canvas:${id}`, names);
    return spec;
  };

  const ops = {
    stepNames,
    lastListed,
    titles,

    async list(env: BrazeEnv, ctx: CallContext) {
      await env.names.ensure(["template", "subscription_type"], ctx);
      const [canvases, campaigns] = await Promise.all([env.exports.canvases.all(ctx.signal), env.exports.campaigns.all(ctx.signal)]);
      const items = [
        ...canvases.map((c) => ({ id: `canvas:${c.listing.id}`, display: c.details.name, version: c.listing.last_edited, spec: fromCanvas(env, ctx, c.listing.id, c.details) })),
        ...campaigns.map((c) => ({ id: `campaign:${c.listing.id}`, display: c.details.name, version: c.listing.last_edited, spec: campaignSpec(`campaign:${c.listing.id}`, c.details, mapping(env, ctx)) })),
      ].sort((a, b) => a.id.localeCompare(b.id, "en", { numeric: true }));
      const names = env.names.assign("workflow", items, ctx);
      lastListed.clear();
      return items.map((it, i): LiveObject<"workflow"> => {
        const o: LiveObject<"workflow"> = { kind: "workflow", id: it.id, name: names[i]!, spec: it.spec, version: it.version };
        lastListed.set(o.id, o);
        titles.set(o.id, it.display);
        return o;
      });
    },

    async read(env: BrazeEnv, id: string, ctx: CallContext) {
      await env.names.ensure(["template", "subscription_type"], ctx);
      const raw = id.slice(id.indexOf(":") + 1);
      const name = (display: string) => env.names.nameOf("workflow", id, ctx) ?? toResourceName(display);
      if (id.startsWith("canvas:")) {
        const d = await env.exports.canvases.find(raw, ctx.signal);
        return d && !d.archived ? { kind: "workflow" as const, id, name: name(d.name), spec: fromCanvas(env, ctx, raw, d), version: d.updated_at } : undefined;
      }
      if (id.startsWith("campaign:")) {
        const d = await env.exports.campaigns.find(raw, ctx.signal);
        return d && !d.archived ? { kind: "workflow" as const, id, name: name(d.name), spec: campaignSpec(id, d, mapping(env, ctx)), version: d.updated_at } : undefined;
      }
      return undefined;
    },

    create: (env: BrazeEnv, r: Resource<"workflow">) =>
      manualOnly("workflow", "create", `build "${r.name}" in ${env.settings.endpoint.dashboard ?? "the Braze dashboard"}: ${placeOf(r.spec)} > Create`),
    update: (env: BrazeEnv, r: Resource<"workflow">, live: LiveObject<"workflow">) =>
      manualOnly("workflow", "change", ops.editSteps(env, r, live).join(" ")),
    delete: (env: BrazeEnv) => manualOnly("workflow", "delete", `archive it in ${env.settings.endpoint.dashboard ?? "the Braze dashboard"}: Messaging > Canvas (or Campaigns) > Archive`),

    normalize: (r: Resource<"workflow">) => ({ ...r, spec: asExported(r.spec) }),

    editSteps(env: BrazeEnv, r: Resource<"workflow">, live: LiveObject<"workflow">): string[] {
      return canvasEditSteps({
        place: placeOf(live.spec),
        title: titles.get(live.id) ?? live.name,
        dashboard: env.settings.endpoint.dashboard,
        live: live.spec,
        desired: asExported(r.spec),
        stepName: (id) => stepNames.get(live.id)?.get(id),
      });
    },
  };
  return ops;
}
