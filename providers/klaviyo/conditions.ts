import {
  isAll, isAny, isConsent, isEventCondition, isMembership, isNot, isPropertyCondition,
  type Condition, type EventCondition, type PropertyCondition, type Scalar,
} from "../../src/model";
import type { RefPath } from "../../src/model/refs";
import { SourceMap } from "./errors";
import { compact, klaviyoId, metricId, refId, refName, type Issues, type Refs } from "./mapping";

/**
 * Neutral conditions <-> Klaviyo condition groups, the grammar segments,
 * flow filters and conditional splits share: the groups are ANDed and the
 * conditions inside a group ORed, so a condition is written in conjunctive
 * normal form, negations pushed down to the leaves (Klaviyo has no NOT).
 * Reading gives the CNF back, which is why `normalize` writes and reads.
 */

export type KCondition = { type: string; [k: string]: unknown };
export interface KGroups {
  condition_groups: { conditions: KCondition[] }[];
}
export interface ReadNotes {
  /** What could not be read into the neutral model. */
  unknown: string[];
}

/** Past this many groups the CNF is unreadable in Klaviyo's editor. */
const MAX_GROUPS = 30;
/**
 * A condition Mops cannot express, kept verbatim (as an event leaf, which
 * names no stack resource) so an imported segment writes back unchanged.
 */
export const VERBATIM = "klaviyo:verbatim ";

type Leaf = Exclude<Condition, { all: unknown } | { any: unknown } | { not: unknown }>;
interface Literal {
  leaf: Leaf;
  negated: boolean;
  path: RefPath;
}

/**
 * Rewrites that leave one Klaviyo condition per leaf: `between` is two
 * bounds; an event with two different bounds (or a negated exact count) is
 * two leaves, an exact count one `equals`.
 */
function expand(leaf: Leaf, negated: boolean): Condition {
  if (isPropertyCondition(leaf) && leaf.op === "between" && Array.isArray(leaf.value) && leaf.value.length === 2) {
    return { all: [{ property: leaf.property, op: "gte", value: leaf.value[0]! }, { property: leaf.property, op: "lte", value: leaf.value[1]! }] };
  }
  if (isEventCondition(leaf) && leaf.at_least !== undefined && leaf.at_most !== undefined && (negated || leaf.at_least !== leaf.at_most)) {
    const { at_most, ...least } = leaf;
    const { at_least, ...most } = leaf;
    return { all: [least, most] };
  }
  return leaf;
}

function cnf(c: Condition, path: RefPath, negated: boolean, issues: Issues): Literal[][] {
  const conj = (parts: Literal[][][]) => parts.flat();
  const disj = (parts: Literal[][][]) => parts.reduce<Literal[][]>((acc, d) => acc.flatMap((g) => d.map((h) => [...g, ...h])), [[]]);
  if (isAll(c)) {
    const parts = c.all.map((x, i) => cnf(x, [...path, "all", i], negated, issues));
    return negated ? disj(parts) : conj(parts);
  }
  if (isAny(c)) {
    const parts = c.any.map((x, i) => cnf(x, [...path, "any", i], negated, issues));
    return negated ? conj(parts) : disj(parts);
  }
  if (isNot(c)) return cnf(c.not, [...path, "not"], !negated, issues);
  const e = expand(c as Leaf, negated);
  if (e !== c) return cnf(e, path, negated, issues);
  return [[{ leaf: c as Leaf, negated, path }]];
}

const DURATION = /^([0-9]+)(m|h|d|w)$/;
const UNIT: Record<string, string> = { h: "hour", d: "day", w: "week" };
const UNIT_OF: Record<string, string> = { hour: "h", day: "d", week: "w" };

/** `30d` -> Klaviyo's `{ unit: day, quantity: 30 }`; minutes have no Klaviyo unit. */
function relative(d: string, issues: Issues, path: RefPath): { unit: string; quantity: number } {
  const m = DURATION.exec(d)!;
  if (m[2] === "m") {
    issues.error("unsupported-condition", path, `Klaviyo counts relative dates in hours, days or weeks, not minutes (${d})`, "use hours (`1h`)");
    return { unit: "hour", quantity: Math.max(1, Math.round(Number(m[1]) / 60)) };
  }
  return { unit: UNIT[m[2]!]!, quantity: Number(m[1]) };
}

const isIsoDate = (v: unknown): v is string => typeof v === "string" && /^\d{4}-\d{2}-\d{2}/.test(v);
const NEGATED: Record<string, string> = {
  eq: "neq", neq: "eq", in: "not_in", not_in: "in", exists: "not_exists", not_exists: "exists",
  gt: "lte", lte: "gt", gte: "lt", lt: "gte", contains: "not_contains", not_contains: "contains",
  starts_with: "not_starts_with", not_starts_with: "starts_with", within: "before", before: "within", after: "before",
};
const NUMERIC: Record<string, string> = { eq: "equals", neq: "not-equals", gt: "greater-than", gte: "greater-than-or-equal", lt: "less-than", lte: "less-than-or-equal" };
const STRING: Record<string, string> = { eq: "equals", neq: "not-equals", contains: "contains", not_contains: "not-contains", starts_with: "starts-with", not_starts_with: "not-starts-with" };

/** A property test as a Klaviyo filter (`filter` of profile-property, metric-property and metric_filters alike). */
export function propertyFilter(p: PropertyCondition, negated: boolean, issues: Issues, path: RefPath): Record<string, unknown> {
  let op: string = negated ? NEGATED[p.op] ?? p.op : p.op;
  const v = p.value;
  // "after 30 days ago" is "within the last 30 days"; so is its negation's counterpart.
  if (op === "after" && !isIsoDate(v)) op = "within";
  if (negated && p.op === "after" && isIsoDate(v)) op = "before";
  if (negated && p.op === "before" && isIsoDate(v)) op = "after";
  const bad = (why: string) => {
    issues.error("unsupported-condition", path, why, "rewrite the condition with an operator Klaviyo has for this value");
    return { type: "existence", operator: "is-set" };
  };
  switch (op) {
    case "exists":
    case "not_exists":
      return { type: "existence", operator: op === "exists" ? "is-set" : "not-set" };
    case "in":
    case "not_in":
      if (!Array.isArray(v) || !v.every((x) => typeof x === "string")) return bad(`Klaviyo's \`${op}\` compares text values only`);
      return { type: "string", operator: op === "in" ? "in" : "not-in", value: v };
    case "within":
      return { type: "date", operator: "in-the-last", ...relative(String(v), issues, path) };
    case "before":
    case "after":
      if (isIsoDate(v)) return { type: "date", operator: op, date: v };
      return { type: "date", operator: "at-least", ...relative(String(v), issues, path) };
    case "eq":
    case "neq":
      if (typeof v === "boolean") return { type: "boolean", operator: "equals", value: op === "eq" ? v : !v };
      if (typeof v === "number") return { type: "numeric", operator: NUMERIC[op], value: v };
      if (typeof v === "string") return { type: "string", operator: STRING[op], value: v };
      return bad(`\`${op}\` needs one value`);
    case "gt":
    case "gte":
    case "lt":
    case "lte":
      if (typeof v !== "number") return bad(`Klaviyo compares \`${op}\` on numbers only; for dates use before/after`);
      return { type: "numeric", operator: NUMERIC[op], value: v };
    case "contains":
    case "not_contains":
    case "starts_with":
    case "not_starts_with":
      if (typeof v !== "string") return bad(`\`${p.op}\` needs a text value`);
      return { type: "string", operator: STRING[op], value: v };
    default:
      return bad(`Klaviyo cannot express \`${p.op}\` here`);
  }
}

const CONSENT_STATUS: Record<string, string> = { email: "any", sms: "subscribed", push: "any" };

function eventCondition(e: EventCondition, negated: boolean, refs: Refs, issues: Issues, path: RefPath): KCondition {
  let least = e.at_least;
  let most = e.at_most;
  if (least === undefined && most === undefined) least = 1;
  if (negated) {
    if (least !== undefined) {
      if (least === 0) issues.error("unsupported-condition", path, "\"not at least 0 times\" can never hold");
      [least, most] = [undefined, Math.max(0, least - 1)];
    } else {
      [least, most] = [most! + 1, undefined];
    }
  }
  const measurement_filter = least !== undefined && least === most
    ? { type: "numeric", operator: "equals", value: least }
    : least !== undefined
    ? { type: "numeric", operator: "greater-than-or-equal", value: least }
    : { type: "numeric", operator: "less-than-or-equal", value: most! };
  const metric_filters = (e.where ?? []).map((w, i) => ({ property: w.property, filter: propertyFilter(w, false, issues, [...path, "where", i]) }));
  return compact({
    type: "profile-metric",
    metric_id: metricId(refs, issues, e.event, [...path, "event"]),
    measurement: "count",
    measurement_filter,
    timeframe_filter: e.within ? { type: "date", operator: "in-the-last", ...relative(e.within, issues, [...path, "within"]) } : { type: "date", operator: "alltime" },
    metric_filters: metric_filters.length ? metric_filters : undefined,
  });
}

function leafCondition({ leaf, negated, path }: Literal, refs: Refs, issues: Issues): KCondition {
  if (isEventCondition(leaf) && leaf.event.startsWith(VERBATIM)) {
    if (negated) issues.error("unsupported-condition", path, "a Klaviyo condition Mops cannot read cannot be negated either");
    return JSON.parse(leaf.event.slice(VERBATIM.length)) as KCondition;
  }
  if (isPropertyCondition(leaf)) {
    return { type: "profile-property", property: leaf.property, filter: propertyFilter(leaf, negated, issues, path) };
  }
  if (isEventCondition(leaf)) return eventCondition(leaf, negated, refs, issues, path);
  if (isMembership(leaf)) {
    const id = klaviyoId(refId(refs, issues, "segment", leaf.in_segment, [...path, "in_segment"]));
    return { type: "profile-group-membership", is_member: !negated, group_ids: [id] };
  }
  if (isConsent(leaf)) {
    const channel = refId(refs, issues, "subscription_type", leaf.consent, [...path, "consent"]);
    return {
      type: "profile-marketing-consent",
      consent: { channel, can_receive_marketing: !negated, consent_status: { subscription: negated ? "any" : CONSENT_STATUS[channel] ?? "any" } },
    };
  }
  issues.error("unsupported-condition", path, "this condition has no Klaviyo form");
  return { type: "profile-property", property: "", filter: {} };
}

/** A neutral condition as Klaviyo condition groups; `map` learns where each condition came from. */
export function toGroups(c: Condition, base: RefPath, refs: Refs, issues: Issues, map = new SourceMap(issues.address)): KGroups {
  const groups = cnf(c, base, false, issues);
  if (groups.length > MAX_GROUPS) {
    issues.error("condition-too-large", base, `the condition needs ${groups.length} Klaviyo condition groups (an AND of ORs); Klaviyo's editor handles at most ${MAX_GROUPS}`, "factor common parts out of `any` branches");
  }
  return {
    condition_groups: groups.map((g, i) => ({
      conditions: g.map((lit, j) => {
        map.note(`/condition_groups/${i}/conditions/${j}`, lit.path);
        return leafCondition(lit, refs, issues);
      }),
    })),
  };
}

/* ------------------------------------------------------------------ reading */

const OPS_OF_NUMERIC: Record<string, string> = Object.fromEntries(Object.entries(NUMERIC).map(([k, v]) => [v, k]));
const OPS_OF_STRING: Record<string, string> = Object.fromEntries(Object.entries(STRING).map(([k, v]) => [v, k]));

/** A Klaviyo filter as a neutral property test; undefined when it has none. */
export function fromFilter(property: string, f: Record<string, unknown> | undefined): Condition | undefined {
  if (!f) return undefined;
  const op = String(f.operator);
  const dur = (unit: unknown, q: unknown) => `${Number(q)}${UNIT_OF[String(unit)] ?? "d"}`;
  const leaf = (o: string, value?: Scalar | Scalar[]): PropertyCondition => compact({ property, op: o as PropertyCondition["op"], value });
  switch (f.type) {
    case "existence":
      return leaf(op === "is-set" ? "exists" : "not_exists");
    case "boolean":
      return leaf("eq", Boolean(f.value));
    case "numeric":
      return OPS_OF_NUMERIC[op] ? leaf(OPS_OF_NUMERIC[op]!, Number(f.value)) : undefined;
    case "string":
      if (op === "in" || op === "not-in") return leaf(op === "in" ? "in" : "not_in", f.value as string[]);
      if (op === "not-contains") return { not: leaf("contains", String(f.value)) };
      if (op === "not-starts-with") return { not: leaf("starts_with", String(f.value)) };
      return OPS_OF_STRING[op] ? leaf(OPS_OF_STRING[op]!, String(f.value)) : undefined;
    case "date":
      if (op === "in-the-last") return leaf("within", dur(f.unit, f.quantity));
      if (op === "at-least") return leaf("before", dur(f.unit, f.quantity));
      if ((op === "before" || op === "after") && typeof f.date === "string") return leaf(op, f.date);
      return undefined;
    default:
      return undefined;
  }
}

function fromMetric(k: KCondition, refs: Refs): Condition | undefined {
  const m = k.measurement_filter as { operator?: string; value?: number } | undefined;
  const t = k.timeframe_filter as { operator?: string; unit?: string; quantity?: number } | undefined;
  if (k.measurement !== "count" || !m || (t && t.operator !== "alltime" && t.operator !== "in-the-last")) return undefined;
  const n = Number(m.value);
  const bounds: Pick<EventCondition, "at_least" | "at_most"> | undefined = {
    "greater-than-or-equal": { at_least: n }, "greater-than": { at_least: n + 1 },
    "less-than-or-equal": { at_most: n }, "less-than": { at_most: Math.max(0, n - 1) }, equals: { at_least: n, at_most: n },
  }[m.operator ?? ""];
  if (!bounds) return undefined;
  const where = ((k.metric_filters ?? []) as { property: string; filter?: Record<string, unknown> }[]).map((w) => fromFilter(w.property, w.filter));
  if (where.some((w) => w === undefined || !isPropertyCondition(w))) return undefined;
  return compact({
    event: refs.metricName(String(k.metric_id)) ?? String(k.metric_id),
    ...bounds,
    within: t?.operator === "in-the-last" ? `${Number(t.quantity)}${UNIT_OF[String(t.unit)] ?? "d"}` : undefined,
    where: where.length ? (where as PropertyCondition[]) : undefined,
  });
}

/** Klaviyo group id -> segment name: the id says nothing of list or segment, so both are asked. */
const groupName = (refs: Refs, gid: string): string =>
  refs.name("segment", `segment:${gid}`) ?? refs.name("segment", `list:${gid}`) ?? refName(refs, "segment", gid);

function fromCondition(k: KCondition, refs: Refs): Condition | undefined {
  switch (k.type) {
    case "profile-property":
      return fromFilter(String(k.property), k.filter as Record<string, unknown>);
    case "profile-metric":
      return fromMetric(k, refs);
    case "profile-group-membership": {
      const ids = (k.group_ids ?? []) as string[];
      if (k.timeframe_filter || !ids.length) return undefined;
      const members = ids.map((g): Condition => ({ in_segment: groupName(refs, g) }));
      const one = members.length === 1 ? members[0]! : { any: members };
      return k.is_member ? one : { not: one };
    }
    case "profile-marketing-consent": {
      const c = (k.consent ?? {}) as { channel?: string; can_receive_marketing?: boolean; consent_status?: { subscription?: string; filters?: unknown } };
      const status = c.consent_status?.subscription;
      const plain = c.can_receive_marketing ? status === (CONSENT_STATUS[String(c.channel)] ?? "any") || !CONSENT_STATUS[String(c.channel)] : status === "any";
      if (!c.channel || !plain || c.consent_status?.filters) return undefined;
      const leaf: Condition = { consent: refs.name("subscription_type", c.channel) ?? `${c.channel}_marketing` };
      return c.can_receive_marketing ? leaf : { not: leaf };
    }
    default:
      return undefined;
  }
}

/** Klaviyo condition groups as a neutral condition (CNF); what Mops cannot read is kept verbatim and noted. */
export function fromGroups(g: KGroups | null | undefined, refs: Refs, notes: ReadNotes): Condition | undefined {
  const groups = (g?.condition_groups ?? []).map((group) =>
    group.conditions.map((k) => {
      const c = fromCondition(k, refs);
      if (c) return c;
      notes.unknown.push(`a ${k.type} condition`);
      return { event: `${VERBATIM}${JSON.stringify(k)}` } as Condition;
    }),
  ).filter((cs) => cs.length);
  const ors = groups.map((cs) => (cs.length === 1 ? cs[0]! : { any: cs }));
  if (!ors.length) return undefined;
  return ors.length === 1 ? ors[0] : { all: ors };
}
