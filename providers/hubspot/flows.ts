import type { SpecPath } from "../../src/diagnostics";
import { isMembership, isAll, type Condition, type EngagementCondition, type Step, type WorkflowSpec } from "../../src/model";
import { fromEventBranch, fromFilterBranch, relativeWindow, toFilterBranch, under, type HsBranch, type ReadNotes } from "./filters";
import { compact, refId, refName, type Issues, type Refs } from "./mapping";

/**
 * Neutral workflow <-> Automation v4 contact flow (the body only; ids and
 * revision handling live in workflows.ts). Shapes follow HubSpot's Automation
 * v4 OpenAPI spec (ApiContactFlowCreateRequest, ApiSingleConnectionAction,
 * ApiListBranchAction, ApiABTestBranchAction, ApiWebhookAction, the enrollment
 * criteria); the conformance test checks every body against it.
 *
 * Steps after a branch are copied into every path of the branch (HubSpot paths
 * end where they end; rejoining needs go-to edges whose target is ambiguous
 * to read back). Reading follows go-to edges the same way, so flows drawn in
 * HubSpot's editor read as trees too.
 */

export const ACTION_TYPES = {
  delay: "0-1",
  sendEmail: "0-4",
  setProperty: "0-5",
  legacyListMembership: "0-13",
  addToList: "0-63809083",
  removeFromList: "0-63863438",
} as const;

/** Mops' marker for an action it cannot represent; updating such a flow is refused so nothing is lost. */
export const UNSUPPORTED_URL = "hubspot:unsupported/";

export interface HsConnection {
  edgeType: string;
  nextActionId: string;
}
export interface HsAction {
  actionId: string;
  type: string;
  actionTypeId?: string;
  actionTypeVersion?: number;
  fields?: Record<string, unknown>;
  connection?: HsConnection;
  listBranches?: { branchName?: string; filterBranch: HsBranch; connection?: HsConnection }[];
  defaultBranchName?: string;
  defaultBranch?: HsConnection;
  testBranches?: { percentage?: number; connection?: HsConnection }[];
  method?: string;
  webhookUrl?: string;
  [k: string]: unknown;
}
export interface HsEnrollment {
  type: string;
  shouldReEnroll?: boolean;
  unEnrollObjectsNotMeetingCriteria?: boolean;
  reEnrollmentTriggersFilterBranches?: HsBranch[];
  listFilterBranch?: HsBranch;
  eventFilterBranches?: HsBranch[];
  listMembershipFilterBranches?: HsBranch[];
  refinementCriteria?: HsBranch;
}
/** The fields of a flow that Mops owns; everything else on a live flow is carried over on update. */
export interface HsFlowBody {
  type: "CONTACT_FLOW";
  flowType: "WORKFLOW";
  objectTypeId: "0-1";
  isEnabled: boolean;
  description?: string;
  startActionId?: string;
  actions: HsAction[];
  enrollmentCriteria: HsEnrollment;
  suppressionListIds: (number | string)[];
  goalFilterBranch?: HsBranch;
}
export interface HsFlow extends Partial<HsFlowBody> {
  id: string;
  name: string;
  revisionId?: string;
  crmObjectCreationStatus?: string;
  nextAvailableActionId?: string;
  [k: string]: unknown;
}

const MAX_ACTIONS = 500;

/**
 * Engagement branches test an email event on the email an earlier send step
 * sent (HubSpot's EMAIL_EVENT filter). HubSpot has no step ids, so the send
 * steps such a branch names read back with the id `email_<template>`.
 */
const EMAIL_EVENTS: Record<EngagementCondition["engagement"]["action"], string> = {
  delivered: "RECEIVED", opened: "OPENED", clicked: "LINK_CLICKED", replied: "REPLIED", bounced: "BOUNCED", unsubscribed: "UNSUBSCRIBED",
};
const ENGAGEMENT_OF: Record<string, EngagementCondition["engagement"]["action"]> = Object.fromEntries(Object.entries(EMAIL_EVENTS).map(([k, v]) => [v, k as EngagementCondition["engagement"]["action"]]));
const engagementStepId = (template: string) => `email_${template}`;

/** Where each step sits in the workflow's spec (steps after a branch are shared by its paths, so one entry each). */
function stepPaths(steps: readonly Step[], base: SpecPath = ["steps"], out = new Map<Step, SpecPath>()): Map<Step, SpecPath> {
  steps.forEach((s, i) => {
    const at = [...base, i];
    out.set(s, at);
    if (s.type === "branch") {
      stepPaths(s.then, [...at, "then"], out);
      stepPaths(s.else ?? [], [...at, "else"], out);
    }
    if (s.type === "split") s.paths.forEach((p, j) => stepPaths(p.steps, [...at, "paths", j, "steps"], out));
  });
  return out;
}

/** Step id -> template, for every send step in a workflow (any depth). */
function sendStepTemplates(steps: readonly Step[], out = new Map<string, string>()): Map<string, string> {
  for (const s of steps) {
    if (s.type === "send" && s.id) out.set(s.id, s.template);
    if (s.type === "branch") {
      sendStepTemplates(s.then, out);
      sendStepTemplates(s.else ?? [], out);
    }
    if (s.type === "split") for (const p of s.paths) sendStepTemplates(p.steps, out);
  }
  return out;
}
const UNIT = { m: "MINUTES", h: "HOURS", d: "DAYS" } as const;
const UNIT_OF: Record<string, string> = { MINUTES: "m", HOURS: "h", DAYS: "d", WEEKS: "w" };

/** HubSpot numbers list ids; names stand in for them in `normalize`. */
const listIdValue = (id: string): number | string => (/^[0-9]+$/.test(id) ? Number(id) : id);

/* ------------------------------------------------------------------ writing */

class ActionWriter {
  readonly actions: HsAction[] = [];
  private nextId = 1;
  constructor(
    private readonly refs: Refs,
    private readonly issues: Issues,
    private readonly sends: ReadonlyMap<string, string>,
    private readonly paths: ReadonlyMap<Step, SpecPath>,
  ) {}

  private at(s: Step, ...more: (string | number)[]): SpecPath | undefined {
    const p = this.paths.get(s);
    return p && [...p, ...more];
  }

  /** The steps as a chain; returns the edge into its first action (undefined for an empty chain). */
  chain(steps: readonly Step[], tail: readonly Step[] = []): HsConnection | undefined {
    const exit = steps.findIndex((s) => s.type === "exit");
    if (exit >= 0 && exit < steps.length - 1) {
      this.issues.warn("unreachable-steps", `steps after an \`exit\` never run and are not written to HubSpot`);
    }
    const own = exit >= 0 ? steps.slice(0, exit) : steps;
    const rest = exit >= 0 ? [] : tail;
    const [first, ...more] = own;
    if (!first) return rest.length ? this.chain(rest) : undefined;
    if (first.type === "branch") return this.edge(this.branch(first, [...more, ...rest]));
    if (first.type === "split") return this.edge(this.split(first, [...more, ...rest]));
    // Ids follow reading order: this step's id is taken before the rest of the chain is written.
    const id = this.reserve();
    const action = this.action(first);
    this.fill(id, action, this.chain(more, rest));
    return this.edge(id);
  }

  private edge(id: string): HsConnection {
    return { edgeType: "STANDARD", nextActionId: id };
  }

  private reserved = new Map<string, number>();
  private reserve(): string {
    const actionId = String(this.nextId++);
    this.reserved.set(actionId, this.actions.length);
    this.actions.push({ actionId, type: "PENDING" });
    return actionId;
  }

  private fill(id: string, action: Omit<HsAction, "actionId">, next: HsConnection | undefined): void {
    const at = this.reserved.get(id)!;
    this.actions[at] = compact({ actionId: id, ...action, connection: next }) as HsAction;
    if (this.actions.length > MAX_ACTIONS) this.issues.error("too-many-actions", `the workflow compiles to more than ${MAX_ACTIONS} HubSpot actions`, "steps after a branch are copied into each path: move shared steps before the branch");
  }

  private action(s: Step): Omit<HsAction, "actionId"> {
    const single = (actionTypeId: string, fields: Record<string, unknown>) => ({ type: "SINGLE_CONNECTION", actionTypeId, actionTypeVersion: 0, fields });
    switch (s.type) {
      case "wait": {
        const m = /^([0-9]+)(m|h|d|w)$/.exec(s.duration ?? "0d")!;
        const n = Number(m[1]) * (m[2] === "w" ? 7 : 1);
        const unit = m[2] === "w" ? "DAYS" : UNIT[m[2] as keyof typeof UNIT];
        if (s.until?.weekday) this.issues.error("unsupported-step", "HubSpot delays cannot wait for a weekday", "use a duration and a time of day", this.at(s, "until", "weekday"));
        if (s.until?.timezone) this.issues.warn("unsupported-step", "HubSpot delays use the account's time zone; `timezone` is ignored");
        if (s.max) this.issues.warn("unsupported-step", "HubSpot delays have no upper bound; `max` is ignored");
        const [hour, minute] = (s.until?.time ?? "").split(":").map(Number);
        return single(ACTION_TYPES.delay, compact({ delta: String(n), time_unit: unit, time_of_day: s.until?.time ? { hour, minute } : undefined }));
      }
      case "send":
        if (s.channel !== "email") {
          this.issues.error("unsupported-channel", `HubSpot contact workflows cannot send on the ${s.channel} channel`, "HubSpot workflows send marketing email; use another platform for this channel", this.at(s, "channel"));
        }
        if (s.transactional) this.issues.warn("unsupported-step", "HubSpot workflows send marketing email; `transactional` is not written");
        return single(ACTION_TYPES.sendEmail, { content_id: refId(this.refs, this.issues, "template", s.template) });
      case "update_property":
        return single(ACTION_TYPES.setProperty, {
          property_name: s.property,
          value: { type: "STATIC_VALUE", staticValue: s.value === null ? "" : String(s.value) },
        });
      case "add_to_segment":
        return single(ACTION_TYPES.addToList, { listId: refId(this.refs, this.issues, "segment", s.segment) });
      case "remove_from_segment":
        return single(ACTION_TYPES.removeFromList, { listId: refId(this.refs, this.issues, "segment", s.segment) });
      case "webhook":
        if (s.url.startsWith(UNSUPPORTED_URL)) {
          // A warning: the imported workflow plans fine while unchanged; writing it is refused (workflows.ts).
          this.issues.warn("unsupported-action", `the step stands for a HubSpot action Mops cannot write (${s.url.slice(UNSUPPORTED_URL.length)}); Mops will not change this workflow`, "edit this workflow in HubSpot, or replace the step");
        }
        return { type: "WEBHOOK", method: s.method ?? "POST", webhookUrl: s.url, queryParams: [] };
      default:
        throw new Error(`unexpected step ${s.type}`);
    }
  }

  private engagementBranch({ engagement: e }: EngagementCondition, at: SpecPath | undefined): HsBranch {
    const template = this.sends.get(e.step);
    if (!template) this.issues.error("unknown-step", `the branch tests engagement with step \`${e.step}\`, which is no send step of this workflow`, "give the send step an `id` and name it here", at && [...at, "engagement", "step"]);
    // PublicEmailEventFilter: appId and emailId are strings.
    const filter = compact({
      filterType: "EMAIL_EVENT",
      level: "EMAIL",
      appId: "0",
      emailId: refId(this.refs, this.issues, "template", template ?? e.step),
      operator: EMAIL_EVENTS[e.action],
      pruningRefineBy: e.within ? relativeWindow(e.within, this.issues, [...(at ?? []), "engagement", "within"]) : undefined,
    });
    return { filterBranchType: "OR", filterBranchOperator: "OR", filters: [], filterBranches: [{ filterBranchType: "AND", filterBranchOperator: "AND", filters: [filter], filterBranches: [] }] };
  }

  private branch(b: Extract<Step, { type: "branch" }>, tail: readonly Step[]): string {
    const id = this.reserve();
    const at = this.at(b, "condition");
    const filterBranch = "engagement" in b.condition
      ? this.engagementBranch(b.condition as EngagementCondition, at)
      : toFilterBranch(b.condition as Condition, this.refs, this.issues, under(at ?? []));
    const yes = this.chain(b.then, tail);
    const no = this.chain(b.else ?? [], tail);
    this.actions[this.reserved.get(id)!] = compact({
      actionId: id,
      type: "LIST_BRANCH",
      listBranches: [compact({ branchName: "Yes", filterBranch, connection: yes })],
      defaultBranchName: "No",
      defaultBranch: no,
    }) as HsAction;
    return id;
  }

  /**
   * A percentage split is HubSpot's A/B test branch: `AB_TEST_BRANCH` with
   * `testBranches: [{ percentage, connection }]` (Automation v4 spec,
   * ApiABTestBranchAction / ApiABTestBranch, percentage int32, connection
   * required; in the spec since 2026-02-10, before which testBranches were bare
   * connections). Path names have no place there and are not kept.
   */
  private split(s: Extract<Step, { type: "split" }>, tail: readonly Step[]): string {
    const id = this.reserve();
    const testBranches = s.paths.map((p, j) => {
      const connection = this.chain(p.steps, tail);
      if (!Number.isInteger(p.percent)) {
        this.issues.error("unsupported-step", `HubSpot's A/B test branch takes whole percentages, not ${p.percent}`, "round the percentages so they still add up to 100", this.at(s, "paths", j, "percent"));
      }
      if (!connection) {
        this.issues.error("unsupported-step", "every path of a HubSpot A/B test branch must lead to an action (HubSpot requires a connection per path)", "give the path a step, or put a step after the split", this.at(s, "paths", j, "steps"));
      }
      return compact({ percentage: p.percent, connection });
    });
    this.actions[this.reserved.get(id)!] = { actionId: id, type: "AB_TEST_BRANCH", testBranches };
    return id;
  }
}

/** The entry filter sits under `entry_filter`; the segment it is ANDed with is the trigger's. */
const segmentEntryAt = (p: SpecPath): SpecPath => (p[1] === 0 ? ["trigger", "segment"] : ["entry_filter", ...p.slice(2)]);

function enrollment(spec: WorkflowSpec, refs: Refs, issues: Issues): HsEnrollment {
  const shouldReEnroll = spec.reenrollment?.allowed ?? false;
  if (spec.reenrollment?.after) issues.warn("unsupported-setting", "HubSpot re-enrolls as soon as the trigger fires again; `reenrollment.after` is not written", undefined, ["reenrollment", "after"]);
  const t = spec.trigger;
  switch (t.type) {
    case "segment_entry": {
      const c: Condition = spec.entry_filter ? { all: [{ in_segment: t.segment }, spec.entry_filter] } : { in_segment: t.segment };
      return {
        type: "LIST_BASED",
        shouldReEnroll,
        unEnrollObjectsNotMeetingCriteria: false,
        reEnrollmentTriggersFilterBranches: [],
        listFilterBranch: toFilterBranch(c, refs, issues, spec.entry_filter ? segmentEntryAt : () => ["trigger", "segment"]),
      };
    }
    case "event": {
      // The trigger's event, as the UNIFIED_EVENTS branch HubSpot's EVENT_BASED criteria hold.
      const [event] = toFilterBranch({ event: t.event, where: t.where }, refs, issues, under(["trigger"])).filterBranches[0].filterBranches;
      return compact({
        type: "EVENT_BASED",
        shouldReEnroll,
        eventFilterBranches: [event],
        listMembershipFilterBranches: [],
        refinementCriteria: spec.entry_filter ? toFilterBranch(spec.entry_filter, refs, issues, under(["entry_filter"])) : undefined,
      });
    }
    case "date":
      issues.error("unsupported-trigger", "date-based triggers are not mapped to HubSpot contact workflows", "trigger on a segment whose condition is on the date property (e.g. `within`), then wait", ["trigger"]);
      return { type: "MANUAL", shouldReEnroll };
    case "manual":
      if (spec.entry_filter) issues.warn("unsupported-setting", "manually enrolled HubSpot workflows have no entry filter; it is not written", undefined, ["entry_filter"]);
      return { type: "MANUAL", shouldReEnroll };
  }
}

/** The neutral workflow as the flow fields Mops owns, plus the problems HubSpot cannot express. */
export function toFlowBody(spec: WorkflowSpec, refs: Refs, issues: Issues): HsFlowBody {
  if (spec.rollout_percent !== undefined && spec.rollout_percent < 100) {
    issues.error("unsupported-setting", "HubSpot workflows cannot enroll a percentage of contacts (`rollout_percent`)", "gate entry with a segment instead", ["rollout_percent"]);
  }
  if (spec.holdout_percent) issues.error("unsupported-setting", "HubSpot workflows have no holdout group (`holdout_percent`)", "hold contacts out with a static segment in `suppression`", ["holdout_percent"]);
  if (spec.suppression?.events?.length) {
    issues.error("unsupported-setting", "HubSpot contact workflows suppress by list only, not by event", "create a segment of contacts who did the event and list it under `suppression.segments`", ["suppression", "events"]);
  }
  const writer = new ActionWriter(refs, issues, sendStepTemplates(spec.steps), stepPaths(spec.steps));
  const start = writer.chain(spec.steps);
  return compact({
    type: "CONTACT_FLOW",
    flowType: "WORKFLOW",
    objectTypeId: "0-1",
    isEnabled: spec.status === "active",
    description: spec.description,
    startActionId: start?.nextActionId,
    actions: writer.actions,
    enrollmentCriteria: enrollment(spec, refs, issues),
    suppressionListIds: (spec.suppression?.segments ?? []).map((s) => listIdValue(refId(refs, issues, "segment", s))),
    goalFilterBranch: spec.goal ? toFilterBranch(spec.goal, refs, issues, under(["goal"])) : undefined,
  }) as HsFlowBody;
}

/* ------------------------------------------------------------------ reading */

class ActionReader {
  private readonly byId: Map<string, HsAction>;
  /** Ids engagement branches gave to send steps; `fromFlow` puts them on those steps. */
  readonly engagedSteps = new Set<string>();
  constructor(actions: readonly HsAction[], private readonly refs: Refs, private readonly notes: ReadNotes) {
    this.byId = new Map(actions.map((a) => [String(a.actionId), a]));
  }

  chain(edge: HsConnection | undefined, seen: ReadonlySet<string> = new Set()): Step[] {
    const steps: Step[] = [];
    const path = new Set(seen);
    let e = edge;
    while (e) {
      const id = String(e.nextActionId);
      if (path.has(id)) {
        this.notes.unknown.push(`a loop back to action ${id}`);
        break;
      }
      path.add(id);
      const a = this.byId.get(id);
      if (!a) {
        this.notes.unknown.push(`a connection to missing action ${id}`);
        break;
      }
      if (a.type === "LIST_BRANCH") {
        steps.push(this.listBranch(a.listBranches ?? [], a.defaultBranch, path));
        break;
      }
      if (a.type === "AB_TEST_BRANCH") {
        steps.push(this.abTest(a, path));
        break;
      }
      steps.push(this.step(a));
      e = a.connection;
    }
    return steps;
  }

  /** Several list branches read as nested yes/no branches, the shape Mops writes. */
  private listBranch(branches: NonNullable<HsAction["listBranches"]>, dflt: HsConnection | undefined, seen: ReadonlySet<string>): Step {
    const [first, ...others] = branches;
    const otherwise = others.length ? [this.listBranch(others, dflt, seen)] : this.chain(dflt, seen);
    if (!first) return otherwise[0] ?? { type: "exit" };
    const condition = this.engagement(first.filterBranch) ?? fromFilterBranch(first.filterBranch, this.refs, this.notes) ?? { all: [] };
    return compact({ type: "branch" as const, condition, then: this.chain(first.connection, seen), else: otherwise.length ? otherwise : undefined });
  }

  /** An A/B test branch reads as a split; one without percentages (the spec's shape before 2026) cannot be. */
  private abTest(a: HsAction, seen: ReadonlySet<string>): Step {
    const branches = a.testBranches ?? [];
    if (branches.some((b) => typeof b.percentage !== "number")) {
      this.notes.unknown.push(`action ${a.actionId} (an A/B test branch without percentages)`);
      return this.standIn(a);
    }
    return { type: "split", paths: branches.map((b) => ({ percent: b.percentage!, steps: this.chain(b.connection, seen) })) };
  }

  /** A branch whose only filter is an email event reads as an engagement condition. */
  private engagement(b: HsBranch | undefined): EngagementCondition | undefined {
    const f = b?.filterBranches.length === 1 && b.filters.length === 0 ? b.filterBranches[0] : undefined;
    const only = f && f.filterBranches.length === 0 && f.filters.length === 1 ? f.filters[0] : undefined;
    if (!only || only.filterType !== "EMAIL_EVENT" || !ENGAGEMENT_OF[String(only.operator)]) return undefined;
    const step = engagementStepId(refName(this.refs, "template", String(only.emailId)));
    this.engagedSteps.add(step);
    const t = (only.pruningRefineBy as HsBranch["pruningRefineBy"])?.timeOffset;
    const unit = t ? UNIT_OF[t.timeUnit] ?? "d" : undefined;
    return { engagement: compact({ step, action: ENGAGEMENT_OF[String(only.operator)], within: t ? `${t.amount}${unit}` : undefined }) };
  }

  private step(a: HsAction): Step {
    const f = a.fields ?? {};
    if (a.type === "WEBHOOK") return { type: "webhook", url: String(a.webhookUrl), method: (a.method ?? "POST") as "POST" };
    switch (a.type === "SINGLE_CONNECTION" ? a.actionTypeId : undefined) {
      case ACTION_TYPES.delay: {
        const unit = UNIT_OF[String(f.time_unit ?? "DAYS")] ?? "d";
        const tod = f.time_of_day as { hour: number; minute: number } | undefined;
        const pad = (n: number) => String(n).padStart(2, "0");
        return compact({ type: "wait" as const, duration: `${Number(f.delta ?? 0)}${unit}`, until: tod ? { time: `${pad(tod.hour)}:${pad(tod.minute)}` } : undefined });
      }
      case ACTION_TYPES.sendEmail: {
        const subscription = this.refs.subscriptionOf?.(String(f.content_id));
        return compact({
          type: "send" as const,
          channel: "email" as const,
          template: refName(this.refs, "template", String(f.content_id)),
          subscription_type: subscription === undefined ? undefined : refName(this.refs, "subscription_type", subscription),
        });
      }
      case ACTION_TYPES.setProperty: {
        const v = (f.value ?? {}) as { type?: string; staticValue?: string };
        if (v.type === "STATIC_VALUE") return { type: "update_property", property: String(f.property_name), value: v.staticValue === "" ? null : String(v.staticValue) };
        break;
      }
      case ACTION_TYPES.addToList:
        return { type: "add_to_segment", segment: refName(this.refs, "segment", String(f.listId)) };
      case ACTION_TYPES.removeFromList:
        return { type: "remove_from_segment", segment: refName(this.refs, "segment", String(f.listId)) };
      case ACTION_TYPES.legacyListMembership: {
        const segment = refName(this.refs, "segment", String(f.list_id));
        return f.operation === "REMOVE" ? { type: "remove_from_segment", segment } : { type: "add_to_segment", segment };
      }
    }
    this.notes.unknown.push(`action ${a.actionId} (${a.type}${a.actionTypeId ? ` ${a.actionTypeId}` : ""})`);
    return this.standIn(a);
  }

  private standIn(a: HsAction): Step {
    const what = `${a.type}${a.actionTypeId ? ` ${a.actionTypeId}` : ""}`;
    return { type: "webhook", url: `${UNSUPPORTED_URL}${what.replace(/\s+/g, "-")}`, method: "POST" };
  }
}

function trigger(e: HsEnrollment | undefined, refs: Refs, notes: ReadNotes): Pick<WorkflowSpec, "trigger" | "entry_filter"> {
  if (e?.type === "LIST_BASED") {
    const c = fromFilterBranch(e.listFilterBranch, refs, notes);
    const disjuncts = c && "any" in c ? (c.any as Condition[]) : c ? [c] : [];
    const conjuncts = disjuncts.map((d) => (isAll(d) ? d.all : [d]));
    const seg = conjuncts[0]?.find(isMembership);
    // The trigger segment is the membership every group of the criteria requires.
    if (seg && conjuncts.every((cs) => cs.some((x) => isMembership(x) && x.in_segment === seg.in_segment))) {
      const rests = conjuncts.map((cs) => {
        const i = cs.findIndex((x) => isMembership(x) && x.in_segment === seg.in_segment);
        const rest = cs.filter((_, j) => j !== i);
        return rest.length === 1 ? rest[0] : rest.length ? { all: rest } : undefined;
      });
      const entry = rests.some((r) => r === undefined)
        ? undefined
        : rests.length === 1 ? rests[0] : { any: rests as Condition[] };
      return compact({ trigger: { type: "segment_entry" as const, segment: seg.in_segment }, entry_filter: entry });
    }
    notes.unknown.push("enrollment on filters without a list (Mops triggers on a segment: move the filters into a segment)");
    return compact({ trigger: { type: "manual" as const }, entry_filter: c });
  }
  if (e?.type === "EVENT_BASED") {
    const [first, ...more] = e.eventFilterBranches ?? [];
    if (more.length) notes.unknown.push(`${more.length + 1} enrollment events (Mops reads the first)`);
    const ev = first ? fromEventBranch(first, refs, notes) : undefined;
    if (!first) notes.unknown.push("event enrollment without an event");
    return compact({
      trigger: compact({ type: "event" as const, event: ev?.event ?? "unknown", where: ev?.where }),
      entry_filter: fromFilterBranch(e.refinementCriteria, refs, notes),
    });
  }
  if (e && e.type !== "MANUAL") notes.unknown.push(`${e.type} enrollment`);
  return { trigger: { type: "manual" } };
}

/** Step ids are unique in a workflow: the first send of each engaged email (reading order) carries it. */
function withSendIds(steps: readonly Step[], ids: ReadonlySet<string>, given = new Set<string>()): Step[] {
  return steps.map((s): Step => {
    const id = s.type === "send" ? engagementStepId(s.template) : undefined;
    if (id && ids.has(id) && !given.has(id)) {
      given.add(id);
      return { id, ...s };
    }
    if (s.type === "branch") return compact({ ...s, then: withSendIds(s.then, ids, given), else: s.else && withSendIds(s.else, ids, given) });
    if (s.type === "split") return { ...s, paths: s.paths.map((p) => ({ ...p, steps: withSendIds(p.steps, ids, given) })) };
    return s;
  });
}

/** A live flow as a neutral workflow; `notes.unknown` lists what could not be represented. */
export function fromFlow(flow: Partial<HsFlowBody>, refs: Refs, notes: ReadNotes): WorkflowSpec {
  const reader = new ActionReader(flow.actions ?? [], refs, notes);
  const read = flow.startActionId ? reader.chain({ edgeType: "STANDARD", nextActionId: String(flow.startActionId) }) : [];
  const steps = reader.engagedSteps.size ? withSendIds(read, reader.engagedSteps) : read;
  const suppress = (flow.suppressionListIds ?? []).map((id) => refName(refs, "segment", String(id)));
  return compact({
    status: flow.isEnabled ? ("active" as const) : ("paused" as const),
    description: flow.description || undefined,
    ...trigger(flow.enrollmentCriteria, refs, notes),
    suppression: suppress.length ? { segments: suppress } : undefined,
    // The schema needs a step; an empty HubSpot flow reads as one that ends at once.
    steps: steps.length ? steps : [{ type: "exit" as const }],
    goal: fromFilterBranch(flow.goalFilterBranch, refs, notes),
    reenrollment: flow.enrollmentCriteria?.shouldReEnroll ? { allowed: true } : undefined,
  });
}
