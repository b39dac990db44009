import {
  isEventCondition, isMembership, isNot, type Condition, type EventCondition, type PropertyCondition, type Scalar, type Step, type TemplateSpec, type WorkflowSpec,
} from "../../src/model";
import type { RefPath } from "../../src/model/refs";
import { fromFilter, fromGroups, propertyFilter, toGroups, type KCondition, type KGroups, type ReadNotes } from "./conditions";
import { SourceMap } from "./errors";
import { compact, klaviyoId, metricId, refId, refName, type Issues, type Refs } from "./mapping";

/**
 * Neutral workflow <-> Klaviyo flow definition (the body only; ids, status
 * and quotas live in workflows.ts).
 *
 * Every flow Mops writes starts with an admission gate: a conditional split
 * on the profile property `mops_gate` being unset (true for everyone), whose
 * "no" path ends the flow. Klaviyo's API cannot change a flow's trigger or
 * filters after creation, but it can PATCH one action: closing the gate (the
 * same split on `mops_gate` being set: true for no one) stops new profiles
 * entering while those already past it finish. See workflows.ts, retireFlow.
 *
 * Steps after a branch are copied into each path (a path ends where it
 * ends); reading follows shared actions the same way, so flows drawn in
 * Klaviyo's editor read as trees too.
 */

export interface KAction {
  id?: string;
  temporary_id?: string;
  type: string;
  links?: { next?: string | null; next_if_true?: string | null; next_if_false?: string | null };
  data?: Record<string, unknown>;
}
export interface KTrigger {
  type: string;
  id?: string | null;
  [k: string]: unknown;
}
export interface KFlowDefinition {
  triggers: KTrigger[];
  profile_filter?: KGroups | null;
  actions: KAction[];
  entry_action_id: string | null;
  reentry_criteria?: { duration: number; unit: string };
}

export const GATE_PROPERTY = "mops_gate";
export const gateFilter = (open: boolean): KGroups => ({
  condition_groups: [{ conditions: [{ type: "profile-property", property: GATE_PROPERTY, filter: { type: "existence", operator: open ? "not-set" : "is-set" } }] }],
});
/** The gate's state, or undefined when the action is no gate. */
export function gateState(a: KAction | undefined): "open" | "closed" | undefined {
  if (a?.type !== "conditional-split" || a.links?.next_if_false) return undefined;
  const groups = (a.data?.profile_filter as KGroups | undefined)?.condition_groups ?? [];
  const c = groups.length === 1 && groups[0]!.conditions.length === 1 ? groups[0]!.conditions[0]! : undefined;
  const f = c?.filter as { type?: string; operator?: string } | undefined;
  if (c?.type !== "profile-property" || c.property !== GATE_PROPERTY || f?.type !== "existence") return undefined;
  return f.operator === "not-set" ? "open" : f.operator === "is-set" ? "closed" : undefined;
}

/** What a flow write needs from the rest of the stack. */
export interface FlowContext {
  /** The declared template a send names (subject, preheader, sender, SMS text live on the flow message). */
  template(name: string): TemplateSpec | undefined;
  /** Klaviyo's per-message Smart Sending flag for a send: on when one of the stack's frequency caps covers it. */
  smartSending(channel: string, transactional: boolean): boolean;
}

const WEEKDAY: Record<string, string> = { mon: "monday", tue: "tuesday", wed: "wednesday", thu: "thursday", fri: "friday", sat: "saturday", sun: "sunday" };
const WEEKDAY_OF: Record<string, string> = Object.fromEntries(Object.entries(WEEKDAY).map(([k, v]) => [v, k]));
const DELAY_UNIT: Record<string, string> = { m: "minutes", h: "hours", d: "days" };
const DELAY_UNIT_OF: Record<string, string> = { minutes: "m", hours: "h", days: "d" };
/** Marker for an action Mops cannot represent; a flow holding one is never rewritten. */
export const UNSUPPORTED_URL = "klaviyo:unsupported/";

/* ------------------------------------------------------------------ writing */

/** Body pointer of the writer's action `i`: the gate comes first in the written definition. */
const actionPointer = (i: number) => `/data/attributes/definition/actions/${i + 1}`;

class ActionWriter {
  readonly actions: KAction[] = [];
  constructor(
    private readonly spec: WorkflowSpec,
    private readonly refs: Refs,
    private readonly issues: Issues,
    private readonly map: SourceMap,
    private readonly ctx: FlowContext,
  ) {}

  /** Writes the steps as a chain; returns the temporary id of its first action (null for an empty chain). */
  chain(steps: readonly Step[], base: RefPath, tail: readonly { step: Step; path: RefPath }[] = []): string | null {
    const own = steps.map((step, i) => ({ step, path: [...base, i] as RefPath }));
    const exit = own.findIndex((s) => s.step.type === "exit");
    if (exit >= 0 && exit < own.length - 1) this.issues.warn("unreachable-steps", own[exit + 1]!.path, "steps after an `exit` never run and are not written to Klaviyo");
    return this.items(exit >= 0 ? own.slice(0, exit) : [...own, ...tail]);
  }

  private items(items: readonly { step: Step; path: RefPath }[]): string | null {
    const [first, ...rest] = items;
    if (!first) return null;
    const id = `a${this.actions.length + 1}`;
    const at = this.actions.length;
    this.actions.push({ temporary_id: id, type: "pending" });
    this.map.note(actionPointer(at), first.path);
    const { step: s, path } = first;
    if (s.type === "branch" || s.type === "split") {
      const [yes, no, data] = s.type === "branch" ? this.branch(s, path, rest) : this.split(s, path, rest);
      this.actions[at] = { temporary_id: id, type: data.trigger_id ? "trigger-split" : "conditional-split", links: { next_if_true: yes, next_if_false: no }, data };
      return id;
    }
    const action = this.action(s, path, at);
    this.actions[at] = { temporary_id: id, ...action, links: { next: this.items(rest) } };
    return id;
  }

  private branch(b: Extract<Step, { type: "branch" }>, path: RefPath, rest: readonly { step: Step; path: RefPath }[]): [string | null, string | null, Record<string, unknown>] {
    const cpath: RefPath = [...path, "condition"];
    let data: Record<string, unknown>;
    if ("engagement" in b.condition) {
      this.issues.error("unsupported-step", cpath, "Klaviyo's conditional splits cannot test engagement with one earlier message", "branch on an event instead, e.g. `{ event: \"Opened Email\", at_least: 1, within: 3d }`");
      data = { profile_filter: { condition_groups: [] } };
    } else if (this.isTriggerSplit(b.condition as Condition)) {
      const e = b.condition as EventCondition;
      const t = this.spec.trigger as Extract<WorkflowSpec["trigger"], { type: "event" }>;
      data = { trigger_filter: this.metricFilter(e.where ?? [], t.event, [...cpath, "where"], this.map), trigger_id: metricId(this.refs, this.issues, t.event, ["trigger", "event"]), trigger_type: "metric" };
    } else {
      const inner = new SourceMap(this.issues.address);
      data = { profile_filter: toGroups(b.condition as Condition, cpath, this.refs, this.issues, inner) };
      this.map.nest(`${actionPointer(this.actions.length - 1)}/data/profile_filter`, inner);
    }
    const yes = this.chain(b.then, [...path, "then"], rest);
    const no = this.chain(b.else ?? [], [...path, "else"], rest);
    return [yes, no, data];
  }

  /** A branch on the triggering event's own properties: `{ event: <the trigger's event>, where: [...] }` with no counts. */
  private isTriggerSplit(c: Condition): boolean {
    const t = this.spec.trigger;
    return t.type === "event" && isEventCondition(c) && c.event === t.event && !!c.where?.length
      && c.at_least === undefined && c.at_most === undefined && c.within === undefined;
  }

  private split(s: Extract<Step, { type: "split" }>, path: RefPath, rest: readonly { step: Step; path: RefPath }[]): [string | null, string | null, Record<string, unknown>] {
    if (s.paths.length !== 2) this.issues.error("unsupported-step", [...path, "paths"], "Klaviyo's random-sample split has two paths", "nest two-way splits");
    if (s.paths.some((p) => p.name !== undefined)) this.issues.warn("split-names", [...path, "paths"], "Klaviyo's split paths have no names; they are not written");
    const [a, b] = s.paths;
    const data = { profile_filter: { condition_groups: [{ conditions: [{ type: "profile-sample", percentage: Math.round(a?.percent ?? 50) }] }] } };
    const yes = this.chain(a?.steps ?? [], [...path, "paths", 0, "steps"], rest);
    const no = this.chain(b?.steps ?? [], [...path, "paths", 1, "steps"], rest);
    return [yes, no, data];
  }

  metricFilter(where: readonly PropertyCondition[], event: string, path: RefPath, map: SourceMap): KGroups {
    const id = metricId(this.refs, this.issues, event, path);
    return {
      condition_groups: where.map((w, i) => {
        map.note(`/condition_groups/${i}`, [...path, i]);
        return { conditions: [{ type: "metric-property", metric_id: id, field: w.property, filter: propertyFilter(w, false, this.issues, [...path, i]) }] };
      }),
    };
  }

  private action(s: Step, path: RefPath, at: number): Omit<KAction, "temporary_id" | "links"> {
    switch (s.type) {
      case "wait": {
        const m = /^([0-9]+)(m|h|d|w)$/.exec(s.duration ?? "0d")!;
        const weeks = m[2] === "w";
        if (s.max) this.issues.warn("unsupported-setting", [...path, "max"], "Klaviyo time delays have no upper bound; `max` is not written");
        return {
          type: "time-delay",
          data: compact({
            unit: weeks ? "days" : DELAY_UNIT[m[2]!],
            value: Number(m[1]) * (weeks ? 7 : 1),
            delay_until_time: s.until?.time,
            delay_until_weekdays: s.until?.weekday?.map((d) => WEEKDAY[d]!),
            timezone: s.until?.timezone,
          }),
        };
      }
      case "send":
        return this.send(s, path, at);
      case "update_property": {
        const v = s.value;
        const op = v === null
          ? { operator: "delete", property_key: s.property }
          : { operator: "update", property_type: typeof v === "number" ? "numeric" : typeof v === "boolean" ? "boolean" : "string", property_key: s.property, property_value: v };
        return { type: "update-profile", data: { profile_operations: [op], status: "draft" } };
      }
      case "add_to_segment":
      case "remove_from_segment": {
        const id = refId(this.refs, this.issues, "segment", s.segment, [...path, "segment"]);
        if (id.startsWith("segment:")) this.issues.error("not-a-list", [...path, "segment"], `segment.${s.segment} is a dynamic Klaviyo segment; flows add profiles to lists only`, "make it `type: static` (a Klaviyo list)");
        return { type: "list-update", data: { name: `${s.type === "add_to_segment" ? "Add to" : "Remove from"} ${s.segment}`, list_id: klaviyoId(id), on_execution: s.type === "add_to_segment", status: "draft" } };
      }
      case "webhook":
        if (s.url.startsWith(UNSUPPORTED_URL)) {
          this.issues.warn("unsupported-action", [...path, "url"], `the step stands for a Klaviyo action Mops cannot write (${s.url.slice(UNSUPPORTED_URL.length)}); Mops will not change this flow`, "edit this flow in Klaviyo, or replace the step");
        }
        if (s.method && s.method !== "POST") this.issues.warn("webhook-method", [...path, "method"], "Klaviyo webhooks always POST; `method` is not written");
        return { type: "send-webhook", data: { message: { url: s.url }, status: "draft" } };
      default:
        throw new Error(`unexpected step ${s.type}`);
    }
  }

  private send(s: Extract<Step, { type: "send" }>, path: RefPath, at: number): Omit<KAction, "temporary_id" | "links"> {
    const template = this.ctx.template(s.template);
    const id = refId(this.refs, this.issues, "template", s.template, [...path, "template"]);
    const transactional = s.transactional ?? false;
    const smart = this.ctx.smartSending(s.channel, transactional);
    this.map.note(`${actionPointer(at)}/data/message/template_id`, [...path, "template"]);
    if (s.channel === "email") {
      return {
        type: "send-email",
        data: {
          message: compact({
            template_id: id,
            subject_line: template?.subject,
            preview_text: template?.preheader,
            from_label: template?.from_name,
            smart_sending_enabled: smart,
            transactional,
            name: s.id,
          }),
          status: "draft",
        },
      };
    }
    if (s.channel === "sms") {
      return {
        type: "send-sms",
        data: { message: compact({ body: template?.body ?? "", template_id: id, smart_sending_enabled: smart, transactional, name: s.id }), status: "draft" },
      };
    }
    this.issues.error("unsupported-channel", [...path, "channel"], `Mops sends on email and SMS in Klaviyo flows, not ${s.channel}`);
    return { type: "send-email", data: { message: { template_id: id }, status: "draft" } };
  }
}

function trigger(spec: WorkflowSpec, refs: Refs, issues: Issues, writer: ActionWriter, map: SourceMap): KTrigger[] {
  const t = spec.trigger;
  switch (t.type) {
    case "segment_entry": {
      const id = refId(refs, issues, "segment", t.segment, ["trigger", "segment"]);
      return [{ type: id.startsWith("list:") ? "list" : "segment", id: klaviyoId(id) }];
    }
    case "event": {
      const inner = new SourceMap(issues.address);
      const filter = writer.metricFilter(t.where ?? [], t.event, ["trigger", "where"], inner);
      map.nest("/data/attributes/definition/triggers/0/trigger_filter", inner);
      return [compact({ type: "metric", id: metricId(refs, issues, t.event, ["trigger", "event"]), trigger_filter: filter.condition_groups.length ? filter : undefined })];
    }
    case "date": {
      const m = t.offset ? /^(-?)([0-9]+)(m|h|d|w)$/.exec(t.offset) : null;
      if (m && m[1] !== "-" && Number(m[2]) > 0) issues.error("unsupported-trigger", ["trigger", "offset"], "Klaviyo's date triggers fire on or before the date, not after it", "trigger on the date and start the steps with a wait");
      if (m && (m[3] === "m" || m[3] === "h")) issues.error("unsupported-trigger", ["trigger", "offset"], "Klaviyo's date triggers count days or weeks before the date");
      return [{
        type: "date",
        date_field_type: "profile-property",
        date_profile_property: t.property,
        timedelta_value_before_date: m ? Number(m[2]) : 0,
        timedelta_unit_before_date: m?.[3] === "w" ? "weeks" : "days",
        recurrence_frequency: t.anniversary ? "annually" : "never",
        trigger_time: "09:00",
      }];
    }
    case "manual":
      issues.error("unsupported-trigger", ["trigger"], "Klaviyo flows start from a list, segment, metric or date trigger; the API has no manually triggered flow", "trigger on a static segment (a Klaviyo list) and add profiles to it");
      return [];
  }
}

/** entry_filter and suppression both become the flow filter, which Klaviyo checks on entry and before every action. */
function profileFilter(spec: WorkflowSpec, refs: Refs, issues: Issues, map: SourceMap): KGroups | undefined {
  const inner = new SourceMap(issues.address);
  const groups = spec.entry_filter ? toGroups(spec.entry_filter, ["entry_filter"], refs, issues, inner).condition_groups : [];
  (spec.suppression?.segments ?? []).forEach((s, i) => {
    inner.note(`/condition_groups/${groups.length}`, ["suppression", "segments", i]);
    groups.push(...toGroups({ not: { in_segment: s } }, ["suppression", "segments", i], refs, issues).condition_groups);
  });
  (spec.suppression?.events ?? []).forEach((e, i) => {
    inner.note(`/condition_groups/${groups.length}`, ["suppression", "events", i]);
    groups.push(...toGroups({ not: e }, ["suppression", "events", i], refs, issues).condition_groups);
  });
  map.nest("/data/attributes/definition/profile_filter", inner);
  return groups.length ? { condition_groups: groups } : undefined;
}

function reentry(spec: WorkflowSpec, issues: Issues): KFlowDefinition["reentry_criteria"] {
  const r = spec.reenrollment;
  if (!r) return undefined;
  if (!r.allowed) return { duration: 1, unit: "alltime" };
  if (!r.after) return undefined;
  const m = /^([0-9]+)(m|h|d|w)$/.exec(r.after)!;
  if (m[2] === "m") issues.error("unsupported-setting", ["reenrollment", "after"], "Klaviyo counts re-entry in hours, days or weeks");
  return { duration: Number(m[1]), unit: { m: "hour", h: "hour", d: "day", w: "week" }[m[2] as "m"] };
}

/** The neutral workflow as a Klaviyo flow definition (gate first), plus what Klaviyo cannot express. */
export function toDefinition(spec: WorkflowSpec, refs: Refs, issues: Issues, ctx: FlowContext, map = new SourceMap(issues.address)): KFlowDefinition {
  if (spec.goal) issues.error("unsupported-setting", ["goal"], "Klaviyo flows have no goal that makes profiles leave", "end the journey with a conditional split on the goal's event");
  if (spec.rollout_percent !== undefined && spec.rollout_percent < 100) issues.error("unsupported-setting", ["rollout_percent"], "Mops does not write percentage rollouts to Klaviyo flows", "use a `split` step at the start");
  if (spec.holdout_percent) issues.error("unsupported-setting", ["holdout_percent"], "Klaviyo flows have no holdout group", "use a `split` step whose second path is empty");
  const writer = new ActionWriter(spec, refs, issues, map, ctx);
  const first = writer.chain(spec.steps, ["steps"]);
  const gate: KAction = { temporary_id: "gate", type: "conditional-split", links: { next_if_true: first, next_if_false: null }, data: { profile_filter: gateFilter(true) } };
  return compact({
    triggers: trigger(spec, refs, issues, writer, map),
    profile_filter: profileFilter(spec, refs, issues, map),
    actions: [gate, ...writer.actions],
    entry_action_id: "gate",
    reentry_criteria: reentry(spec, issues),
  });
}

/* ------------------------------------------------------------------ reading */

/** What a read gives besides the spec: the live action ids in reading order, for single-action patches. */
export interface FlowRead {
  spec: Omit<WorkflowSpec, "status">;
  /** Klaviyo id of the action behind each written action, in the order `toDefinition` writes them (gate excluded). */
  actionIds: string[];
  gate?: { id: string; state: "open" | "closed" };
}

class ActionReader {
  private readonly byId: Map<string, KAction>;
  readonly order: string[] = [];
  constructor(actions: readonly KAction[], private readonly refs: Refs, private readonly notes: ReadNotes, private readonly triggerEvent: string | undefined) {
    this.byId = new Map(actions.map((a) => [String(a.id ?? a.temporary_id), a]));
  }

  action(id: string | null | undefined): KAction | undefined {
    return id ? this.byId.get(String(id)) : undefined;
  }

  chain(start: string | null | undefined, seen: ReadonlySet<string> = new Set()): Step[] {
    const steps: Step[] = [];
    const path = new Set(seen);
    let id = start ?? null;
    while (id) {
      if (path.has(id)) {
        this.notes.unknown.push(`a loop back to action ${id}`);
        break;
      }
      path.add(id);
      const a = this.byId.get(id);
      if (!a) {
        this.notes.unknown.push(`a link to missing action ${id}`);
        break;
      }
      this.order.push(id);
      if (a.type === "conditional-split" || a.type === "trigger-split") {
        steps.push(this.split(a, path));
        break;
      }
      steps.push(this.step(a));
      id = a.links?.next ?? null;
    }
    return steps;
  }

  private split(a: KAction, seen: ReadonlySet<string>): Step {
    const yesId = a.links?.next_if_true ?? null;
    const noId = a.links?.next_if_false ?? null;
    const groups = (a.data?.profile_filter ?? a.data?.trigger_filter) as KGroups | undefined;
    const only = groups?.condition_groups.length === 1 && groups.condition_groups[0]!.conditions.length === 1 ? groups.condition_groups[0]!.conditions[0] : undefined;
    if (a.type === "conditional-split" && only?.type === "profile-sample") {
      const p = Number(only.percentage);
      const yes = this.chain(yesId, seen);
      const no = this.chain(noId, seen);
      return { type: "split", paths: [{ percent: p, steps: yes }, { percent: 100 - p, steps: no }] };
    }
    let condition: Condition;
    if (a.type === "trigger-split") {
      const where = (groups?.condition_groups ?? []).flatMap((g) => g.conditions.map((c: KCondition) => fromFilter(String(c.field), c.filter as Record<string, unknown>)));
      if (where.some((w) => !w || isNot(w)) || a.data?.trigger_type !== "metric") this.notes.unknown.push(`trigger split ${a.id}`);
      condition = { event: this.triggerEvent ?? refName(this.refs, "segment", String(a.data?.trigger_id)), where: where.filter((w): w is PropertyCondition => !!w && !isNot(w)) };
    } else {
      condition = fromGroups(groups, this.refs, this.notes) ?? { all: [] as Condition[] } as Condition;
    }
    const then = this.chain(yesId, seen);
    const otherwise = this.chain(noId, seen);
    return compact({ type: "branch" as const, condition, then, else: otherwise.length ? otherwise : undefined });
  }

  private step(a: KAction): Step {
    const d = a.data ?? {};
    const message = (d.message ?? {}) as Record<string, unknown>;
    const stepId = typeof message.name === "string" && /^[a-z][a-z0-9_]*$/.test(message.name) ? message.name : undefined;
    switch (a.type) {
      case "time-delay": {
        const unit = DELAY_UNIT_OF[String(d.unit ?? "days")] ?? "d";
        const value = Number(d.value ?? 0);
        const weekdays = (d.delay_until_weekdays as string[] | undefined)?.map((w) => WEEKDAY_OF[w] ?? w);
        const until = compact({
          weekday: weekdays?.length ? weekdays : undefined,
          time: typeof d.delay_until_time === "string" ? d.delay_until_time : undefined,
          timezone: typeof d.timezone === "string" && d.timezone !== "profile" ? d.timezone : undefined,
        });
        const hasUntil = Object.keys(until).length > 0;
        return compact({ type: "wait" as const, duration: value === 0 && hasUntil ? undefined : `${value}${unit}`, until: hasUntil ? until : undefined });
      }
      case "send-email":
      case "send-sms":
        return compact({
          id: stepId,
          type: "send" as const,
          channel: a.type === "send-email" ? ("email" as const) : ("sms" as const),
          template: refName(this.refs, "template", String(message.template_id)),
          // Klaviyo sends marketing under the channel's consent; a transactional message under none.
          subscription_type: message.transactional === true ? undefined : refName(this.refs, "subscription_type", a.type === "send-email" ? "email" : "sms"),
          transactional: message.transactional === true ? true : undefined,
        });
      case "update-profile": {
        const ops = (d.profile_operations ?? []) as { operator: string; property_key: string; property_value?: Scalar }[];
        if (ops.length === 1) {
          const op = ops[0]!;
          return { type: "update_property", property: op.property_key, value: op.operator === "delete" ? null : op.property_value ?? null };
        }
        break;
      }
      case "list-update":
        return { type: d.on_execution === false ? "remove_from_segment" : "add_to_segment", segment: refName(this.refs, "segment", `list:${String(d.list_id)}`) };
      case "send-webhook":
        return { type: "webhook", url: String(message.url) };
    }
    this.notes.unknown.push(`action ${a.id} (${a.type})`);
    return { type: "webhook", url: `${UNSUPPORTED_URL}${a.type}` };
  }
}

function fromTrigger(triggers: readonly KTrigger[], refs: Refs, notes: ReadNotes): WorkflowSpec["trigger"] {
  const [t, ...more] = triggers;
  if (more.length) notes.unknown.push(`${triggers.length} triggers (Mops reads the first)`);
  if (t?.type === "list" || t?.type === "segment") return { type: "segment_entry", segment: refName(refs, "segment", `${t.type}:${String(t.id)}`) };
  if (t?.type === "metric") {
    const groups = ((t.trigger_filter as KGroups | undefined)?.condition_groups ?? []);
    const where = groups.flatMap((g) => g.conditions.map((c) => fromFilter(String(c.field), c.filter as Record<string, unknown>)));
    if (where.some((w) => !w || isNot(w)) || groups.some((g) => g.conditions.length !== 1)) notes.unknown.push("a trigger filter Mops cannot read");
    const ok = where.filter((w): w is PropertyCondition => !!w && !isNot(w));
    return compact({ type: "event" as const, event: refs.metricName(String(t.id)) ?? String(t.id), where: ok.length ? ok : undefined });
  }
  if (t?.type === "date" && t.date_field_type === "profile-property") {
    const n = Number(t.timedelta_value_before_date ?? 0);
    return compact({
      type: "date" as const,
      property: String(t.date_profile_property),
      anniversary: t.recurrence_frequency === "annually" ? true : undefined,
      offset: n ? `-${n}${t.timedelta_unit_before_date === "weeks" ? "w" : "d"}` : undefined,
    });
  }
  notes.unknown.push(t ? `a ${t.type} trigger` : "no trigger");
  return { type: "manual" };
}

/** The flow filter's groups that are one suppression each, and the rest (the entry filter). */
function fromProfileFilter(g: KGroups | null | undefined, refs: Refs, notes: ReadNotes): Pick<WorkflowSpec, "entry_filter" | "suppression"> {
  const segments: string[] = [];
  const events: EventCondition[] = [];
  const rest: KGroups["condition_groups"] = [];
  for (const group of g?.condition_groups ?? []) {
    const only = group.conditions.length === 1 ? group.conditions[0]! : undefined;
    const read = only ? fromGroups({ condition_groups: [group] }, refs, { unknown: [] }) : undefined;
    if (read && isNot(read) && isMembership(read.not)) segments.push(read.not.in_segment);
    else if (read && isEventCondition(read) && read.at_most === 0 && read.at_least === undefined) events.push(compact({ event: read.event, within: read.within, where: read.where }));
    else rest.push(group);
  }
  const suppression = compact({ segments: segments.length ? segments : undefined, events: events.length ? events : undefined });
  return compact({
    entry_filter: fromGroups({ condition_groups: rest }, refs, notes),
    suppression: Object.keys(suppression).length ? suppression : undefined,
  });
}

/** A live flow definition as a neutral workflow (without status); `notes.unknown` lists what could not be represented. */
export function fromDefinition(def: KFlowDefinition, refs: Refs, notes: ReadNotes): FlowRead {
  const t = fromTrigger(def.triggers ?? [], refs, notes);
  const reader = new ActionReader(def.actions ?? [], refs, notes, t.type === "event" ? t.event : undefined);
  const entry = reader.action(def.entry_action_id);
  const state = gateState(entry);
  const start = state ? entry!.links?.next_if_true ?? null : def.entry_action_id;
  const steps = reader.chain(start);
  const r = def.reentry_criteria;
  return {
    spec: compact({
      trigger: t,
      ...fromProfileFilter(def.profile_filter, refs, notes),
      // The schema needs a step; an empty flow reads as one that ends at once.
      steps: steps.length ? steps : [{ type: "exit" as const }],
      reenrollment: r ? (r.unit === "alltime" ? { allowed: false } : { allowed: true, after: `${r.duration}${{ hour: "h", day: "d", week: "w" }[r.unit] ?? "d"}` }) : undefined,
    }),
    actionIds: reader.order,
    gate: state ? { id: String(entry!.id ?? entry!.temporary_id), state } : undefined,
  };
}
