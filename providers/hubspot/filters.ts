import type { SpecPath } from "../../src/diagnostics";
import {
  isAll, isAny, isConsent, isEventCondition, isMembership, isNot, isPropertyCondition,
  type Condition, type EventCondition, type PropertyCondition, type Scalar,
} from "../../src/model";
import { compact, refId, refName, type Issues, type Refs } from "./mapping";

/**
 * Neutral conditions <-> HubSpot filter branches (the grammar Lists and
 * Workflows share). Every shape is one of the official client's Lists models
 * (`@hubspot/api-client`, crm/lists: PublicOrFilterBranch, PublicPropertyFilter,
 * the Public*PropertyOperation and refine-by models), which the conformance
 * test checks each body against; operators the models leave as free strings
 * follow HubSpot's list-filters reference. HubSpot wants an OR root whose
 * children are AND branches, so conditions are written in disjunctive normal
 * form; negations become NOT_ANY / NOT_ALL branches. Reading gives the DNF
 * back, which is why `normalize` writes and reads rather than guessing.
 */

export interface HsFilter {
  filterType: string;
  property?: string;
  operation?: HsOperation;
  listId?: string;
  operator?: string;
  subscriptionIds?: string[];
  acceptedStatuses?: string[];
  eventTypeId?: string;
  filterLines?: { property: string; operation: HsOperation }[];
  coalescingRefineBy?: HsCoalescing;
  pruningRefineBy?: HsPruning;
  [k: string]: unknown;
}
export interface HsOperation {
  operationType: string;
  operator: string;
  includeObjectsWithNoValueSet?: boolean;
  value?: unknown;
  values?: unknown[];
  lowerBound?: number;
  upperBound?: number;
  numberOfDays?: number;
  requiresTimeZoneConversion?: boolean;
  timePoint?: Record<string, unknown>;
  [k: string]: unknown;
}
export interface HsCoalescing { type: string; minOccurrences?: number; maxOccurrences?: number }
export interface HsPruning { type: string; comparison?: string; timeOffset?: { offsetDirection: string; timeUnit: string; amount: number } }
export interface HsBranch {
  filterBranchType: string;
  filterBranchOperator?: string;
  filters: HsFilter[];
  filterBranches: HsBranch[];
  eventTypeId?: string;
  operator?: string;
  coalescingRefineBy?: HsCoalescing;
  /** Not in the client's model of a UNIFIED_EVENTS branch (HubSpot's spec added it in 2026): read, never written. */
  pruningRefineBy?: HsPruning;
  [k: string]: unknown;
}

/** Past this many AND branches the DNF is unreadable in HubSpot's editor (and slow to evaluate). */
const MAX_BRANCHES = 50;
const DURATION = /^([0-9]+)(m|h|d|w)$/;
/** HubSpot's own event types (`4-…`) are no custom events: a stack may name them by id. */
export const isEventTypeId = (event: string): boolean => /^[0-9]+-[0-9]+$/.test(event);

/** Where a condition sits in its resource's spec: maps a path inside the condition to one in the spec. */
export type At = (p: SpecPath) => SpecPath;
export const under = (base: SpecPath): At => (p) => [...base, ...p];

interface Ctx { refs: Refs; issues: Issues; at: At }

type Atom = Exclude<Condition, { all: unknown } | { any: unknown }>;
/** A DNF leaf and where it sits; `inner` is where a negated condition sits when the `not` was implied (`at_most: 0`). */
interface Leaf { c: Atom; path: SpecPath; inner?: SpecPath }

const isNever = (e: EventCondition) => e.at_most === 0 && (e.at_least ?? 0) === 0;
const isCounted = (e: EventCondition) => (e.at_least !== undefined && e.at_least !== 1) || e.at_most !== undefined;

function dnf(c: Condition, path: SpecPath): Leaf[][] {
  if (isAll(c)) {
    return c.all.reduce<Leaf[][]>((acc, part, i) => {
      const d = dnf(part, [...path, "all", i]);
      return acc.flatMap((conj) => d.map((x) => [...conj, ...x]));
    }, [[]]);
  }
  if (isAny(c)) return c.any.flatMap((x, i) => dnf(x, [...path, "any", i]));
  if (isNot(c) && isNot(c.not)) return dnf(c.not.not, [...path, "not", "not"]);
  // "did not" is the negation of "did": HubSpot says it with HAS_NOT_COMPLETED or a NOT_ANY branch.
  if (isEventCondition(c) && isNever(c)) return [[{ c: { not: compact({ ...c, at_most: undefined, at_least: undefined }) }, path, inner: path }]];
  return [[{ c: c as Atom, path }]];
}

/** Whole days of a duration; minutes and hours have no rolling-date filter. */
function days(d: string, x: Ctx, path: SpecPath): number {
  const m = DURATION.exec(d);
  if (!m || m[2] === "m" || m[2] === "h") {
    x.issues.error("unsupported-condition", `HubSpot's rolling date filter counts whole days, so \`${d}\` cannot be written`, "use days or weeks (`1d`, `2w`)", x.at(path));
    return 0;
  }
  return Number(m[1]) * (m[2] === "w" ? 7 : 1);
}

/**
 * A time window relative to now (pruningRefineBy, RELATIVE_COMPARATIVE). The
 * list-filters reference gives DAYS and WEEKS as its units.
 */
export function relativeWindow(d: string, issues: Issues, at: SpecPath): HsPruning {
  const m = DURATION.exec(d);
  if (!m || m[2] === "m" || m[2] === "h") {
    issues.error("unsupported-condition", `HubSpot's event time windows count days or weeks, so \`${d}\` cannot be written`, "use days or weeks (`1d`, `2w`)", at);
  }
  return { type: "RELATIVE_COMPARATIVE", comparison: "AFTER", timeOffset: { offsetDirection: "PAST", timeUnit: m?.[2] === "w" ? "WEEKS" : "DAYS", amount: Number(m?.[1] ?? 0) } };
}

/** A date for TIME_POINT: the start of the day for `before`, its last millisecond for `after` (as HubSpot's reference examples). */
function datePoint(s: string, endOfDay: boolean, x: Ctx, path: SpecPath): Record<string, unknown> {
  const m = /^([0-9]{4})-([0-9]{2})-([0-9]{2})/.exec(s);
  if (!m) x.issues.error("unsupported-condition", `\`${s}\` is neither a duration (\`30d\`) nor an ISO date`, "write `30d` or `2026-01-31`", x.at(path));
  const time = endOfDay ? { hour: 23, minute: 59, second: 59, millisecond: 999 } : { hour: 0, minute: 0, second: 0, millisecond: 0 };
  return { timeType: "DATE", zoneId: "UTC", year: Number(m?.[1] ?? 1970), month: Number(m?.[2] ?? 1), day: Number(m?.[3] ?? 1), ...time };
}

const OFFSET_UNIT: Record<string, string> = { m: "minutes", h: "hours", d: "days", w: "weeks" };

/** A property condition's operation: the operationType fits the property's declared type. */
function operation(p: PropertyCondition, declared: string | undefined, x: Ctx, path: SpecPath): HsOperation {
  const vals = (Array.isArray(p.value) ? p.value : p.value === undefined ? [] : [p.value]) as Scalar[];
  const enumLike = declared === "enum" || declared === "list";
  const none = { includeObjectsWithNoValueSet: false };
  const stringOp = (operator: string): HsOperation => ({
    operationType: enumLike ? "ENUMERATION" : "MULTISTRING",
    operator: enumLike ? ({ IS_EQUAL_TO: "IS_ANY_OF", IS_NOT_EQUAL_TO: "IS_NONE_OF" }[operator] ?? operator) : operator,
    values: vals.map(String),
    ...none,
  });
  const single = vals[0];
  const valuePath = [...path, "value"];
  switch (p.op) {
    case "eq":
    case "neq": {
      const operator = p.op === "eq" ? "IS_EQUAL_TO" : "IS_NOT_EQUAL_TO";
      if (typeof single === "boolean" || declared === "boolean") return { operationType: "BOOL", operator, value: single === true || single === "true", ...none };
      if (typeof single === "number" && !enumLike) return { operationType: "NUMBER", operator, value: single, ...none };
      return stringOp(operator);
    }
    case "in":
      return stringOp("IS_EQUAL_TO");
    case "not_in":
      return stringOp("IS_NOT_EQUAL_TO");
    case "contains":
      return { operationType: "MULTISTRING", operator: "CONTAINS", values: vals.map(String), ...none };
    case "starts_with":
      return { operationType: "MULTISTRING", operator: "STARTS_WITH", values: vals.map(String), ...none };
    case "gt":
    case "gte":
    case "lt":
    case "lte":
      return {
        operationType: "NUMBER",
        operator: { gt: "IS_GREATER_THAN", gte: "IS_GREATER_THAN_OR_EQUAL_TO", lt: "IS_LESS_THAN", lte: "IS_LESS_THAN_OR_EQUAL_TO" }[p.op],
        value: Number(single),
        ...none,
      };
    case "between": {
      // PublicRangedNumberPropertyOperation: int32 bounds.
      const [lowerBound, upperBound] = [Number(vals[0]), Number(vals[1])];
      if (!Number.isInteger(lowerBound) || !Number.isInteger(upperBound)) {
        x.issues.error("unsupported-condition", `HubSpot's range filter takes whole numbers, not ${lowerBound} and ${upperBound}`, "round the bounds, or use gte / lte", x.at(valuePath));
      }
      return { operationType: "NUMBER_RANGED", operator: "IS_BETWEEN", lowerBound, upperBound, ...none };
    }
    case "exists":
      return { operationType: "ALL_PROPERTY", operator: "IS_KNOWN", ...none };
    case "not_exists":
      return { operationType: "ALL_PROPERTY", operator: "IS_UNKNOWN", ...none };
    case "within":
      // PublicRollingDateRangePropertyOperation; the operator is the list-filters reference's "less than X days ago".
      return { operationType: "ROLLING_DATE_RANGE", operator: "IS_LESS_THAN_X_DAYS_AGO", numberOfDays: days(String(single), x, valuePath), requiresTimeZoneConversion: false, ...none };
    case "before":
    case "after": {
      const s = String(single);
      const m = DURATION.exec(s);
      const timePoint = m
        ? { timeType: "INDEXED", zoneId: "UTC", indexReference: { referenceType: "NOW" }, offset: { [OFFSET_UNIT[m[2]]]: -Number(m[1]) } }
        : datePoint(s, p.op === "after", x, valuePath);
      return { operationType: "TIME_POINT", type: "TIME_POINT", operator: p.op === "before" ? "IS_BEFORE" : "IS_AFTER", timePoint, endpointBehavior: "EXCLUSIVE", propertyParser: "VALUE", ...none };
    }
    default:
      x.issues.error("unsupported-condition", `operator \`${p.op}\` has no HubSpot filter`, undefined, x.at(path));
      return { operationType: "ALL_PROPERTY", operator: "IS_KNOWN", ...none };
  }
}

function propertyFilter(p: PropertyCondition, x: Ctx, path: SpecPath): HsFilter {
  return { filterType: "PROPERTY", property: p.property, operation: operation(p, x.refs.propertyType?.(p.property), x, path) };
}

/** The event type id a stack's event name stands for; a name the account does not define is an error. */
function eventTypeId(e: EventCondition, x: Ctx, path: SpecPath): string {
  const id = x.refs.eventTypeId?.(e.event);
  if (id !== undefined || isEventTypeId(e.event)) return id ?? e.event;
  x.issues.error("unknown-event", `event \`${e.event}\` is no custom event of this HubSpot account`, "define it in HubSpot (Data Management > Custom Events), or name an existing one", x.at([...path, "event"]));
  return e.event;
}

/** Event property conditions: HubSpot has no property types for them, so values pick the operation. */
const eventLines = (e: EventCondition, x: Ctx, path: SpecPath) =>
  (e.where ?? []).map((w, i) => ({ property: w.property, operation: operation(w, undefined, x, [...path, "where", i]) }));

const coalescing = (e: EventCondition): HsCoalescing | undefined =>
  isCounted(e) ? compact({ type: "NUM_OCCURRENCES", minOccurrences: e.at_least ?? 1, maxOccurrences: e.at_most }) : undefined;

/**
 * An event with no time window: HubSpot's UNIFIED_EVENTS filter branch
 * (HAS_COMPLETED / HAS_NOT_COMPLETED, the event's property filters, a count as
 * coalescingRefineBy). The client's branch model has no pruningRefineBy.
 */
function eventBranch(e: EventCondition, x: Ctx, path: SpecPath, operator: "HAS_COMPLETED" | "HAS_NOT_COMPLETED"): HsBranch {
  return compact({
    filterBranchType: "UNIFIED_EVENTS",
    filterBranchOperator: "AND",
    eventTypeId: eventTypeId(e, x, path),
    operator,
    filters: eventLines(e, x, path).map((l) => ({ filterType: "PROPERTY", ...l })),
    filterBranches: [],
    coalescingRefineBy: operator === "HAS_COMPLETED" ? coalescing(e) : undefined,
  });
}

/**
 * An event in a time window, or inside a negation: the UNIFIED_EVENTS filter,
 * whose model carries the window (pruningRefineBy). HubSpot accepts one
 * refine-by per filter ("Filters only support up to one refine by operation at
 * a time", list-filters reference), so a count and a window together are refused.
 */
function eventFilter(e: EventCondition, x: Ctx, path: SpecPath): HsFilter {
  const count = coalescing(e);
  if (count && e.within) {
    x.issues.error("unsupported-condition", `HubSpot filters an event by a count or by a time window, not both (\`${e.event}\` with \`within\` and \`at_least\`/\`at_most\`)`, "keep one of them, or split the condition into two segments", x.at(path));
  }
  return compact({
    filterType: "UNIFIED_EVENTS",
    eventTypeId: eventTypeId(e, x, path),
    filterLines: eventLines(e, x, path),
    coalescingRefineBy: count,
    pruningRefineBy: e.within ? relativeWindow(e.within, x.issues, x.at([...path, "within"])) : undefined,
  });
}

function leafFilter(c: Atom, x: Ctx, path: SpecPath, negated: boolean): HsFilter | HsBranch {
  if (isPropertyCondition(c)) return propertyFilter(c, x, path);
  if (isEventCondition(c)) return c.within || negated ? eventFilter(c, x, path) : eventBranch(c, x, path, "HAS_COMPLETED");
  if (isMembership(c)) return { filterType: "IN_LIST", listId: refId(x.refs, x.issues, "segment", c.in_segment), operator: "IN_LIST" };
  if (isConsent(c)) {
    return { filterType: "EMAIL_SUBSCRIPTION", subscriptionIds: [refId(x.refs, x.issues, "subscription_type", c.consent)], acceptedStatuses: ["SUBSCRIBED"] };
  }
  x.issues.error("unsupported-condition", "a nested `not` inside a negation cannot be written as a HubSpot filter", "rewrite it with all / any", x.at(path));
  return { filterType: "CONSTANT", shouldAccept: false };
}

const isBranch = (x: HsFilter | HsBranch): x is HsBranch => "filterBranchType" in x;

function negation(c: Condition, x: Ctx, path: SpecPath): HsBranch {
  const [inner, innerPath]: [Condition[], (i: number) => SpecPath] = isAny(c)
    ? [c.any, (i) => [...path, "any", i]]
    : isAll(c) ? [c.all, (i) => [...path, "all", i]] : [[c], () => path];
  const parts = inner.map((p, i) => {
    if (isAll(p) || isAny(p) || isNot(p)) {
      x.issues.error("unsupported-condition", "HubSpot negations (NOT_ANY / NOT_ALL) hold only simple conditions", "move the `not` onto each leaf", x.at(innerPath(i)));
      return { filterType: "CONSTANT", shouldAccept: false } as HsFilter;
    }
    return leafFilter(p as Atom, x, innerPath(i), true);
  });
  const type = isAll(c) && c.all.length > 1 ? "NOT_ALL" : "NOT_ANY";
  return {
    filterBranchType: type,
    filterBranchOperator: type,
    filters: parts.filter((p): p is HsFilter => !isBranch(p)),
    filterBranches: parts.filter(isBranch),
  };
}

/** `not` an event with no window or count is HubSpot's HAS_NOT_COMPLETED; any other `not` a NOT_ANY / NOT_ALL branch. */
function notPart(c: Condition, x: Ctx, path: SpecPath): HsBranch {
  if (isEventCondition(c) && !c.within && !isCounted(c)) return eventBranch(c, x, path, "HAS_NOT_COMPLETED");
  return negation(c, x, path);
}

function andBranch(conj: Leaf[], x: Ctx): HsBranch {
  const parts = conj.map(({ c, path, inner }) => (isNot(c) ? notPart(c.not, x, inner ?? [...path, "not"]) : leafFilter(c, x, path, false)));
  return {
    filterBranchType: "AND",
    filterBranchOperator: "AND",
    filters: parts.filter((p): p is HsFilter => !isBranch(p)),
    filterBranches: parts.filter(isBranch),
  };
}

/** A condition as HubSpot's OR-of-AND filter branch; `at` places problems in the resource's spec. */
export function toFilterBranch(c: Condition | undefined, refs: Refs, issues: Issues, at: At = (p) => p): HsBranch {
  const x: Ctx = { refs, issues, at };
  const conjs = c === undefined ? [] : dnf(c, []);
  if (conjs.length > MAX_BRANCHES) {
    issues.error("condition-too-large", `the condition expands to ${conjs.length} HubSpot filter groups (at most ${MAX_BRANCHES})`, "simplify it: HubSpot needs an OR of ANDs", at([]));
  }
  return { filterBranchType: "OR", filterBranchOperator: "OR", filters: [], filterBranches: conjs.map((conj) => andBranch(conj, x)) };
}

/* ------------------------------------------------------------------ reading */

function scalarOf(v: unknown): Scalar {
  return typeof v === "number" || typeof v === "boolean" ? v : String(v);
}

const UNIT_OF: Record<string, string> = { MINUTES: "m", HOURS: "h", DAYS: "d", WEEKS: "w", minutes: "m", hours: "h", days: "d", weeks: "w" };
const pad = (n: unknown) => String(n).padStart(2, "0");

function timePointValue(tp: Record<string, unknown>): string {
  if (tp.timeType === "DATE") return `${tp.year}-${pad(tp.month)}-${pad(tp.day)}`;
  const [unit, n] = Object.entries((tp.offset ?? {}) as Record<string, number>)[0] ?? ["days", 0];
  return `${Math.abs(n)}${UNIT_OF[unit] ?? "d"}`;
}

function fromOperation(property: string, o: HsOperation | undefined): PropertyCondition | undefined {
  if (!o) return undefined;
  const values = (o.values ?? (o.value !== undefined ? [o.value] : [])).map(scalarOf);
  const many = (one: PropertyCondition["op"], more: PropertyCondition["op"]): PropertyCondition =>
    values.length === 1 ? { property, op: one, value: values[0] } : { property, op: more, value: values };
  switch (o.operator) {
    case "IS_EQUAL_TO":
    case "IS_ANY_OF":
    case "IS_EXACTLY":
      return many("eq", "in");
    case "IS_NOT_EQUAL_TO":
    case "IS_NONE_OF":
      return many("neq", "not_in");
    case "CONTAINS":
      return { property, op: "contains", value: values[0] };
    case "STARTS_WITH":
      return { property, op: "starts_with", value: values[0] };
    case "IS_GREATER_THAN":
      return { property, op: "gt", value: values[0] };
    case "IS_GREATER_THAN_OR_EQUAL_TO":
      return { property, op: "gte", value: values[0] };
    case "IS_LESS_THAN":
      return { property, op: "lt", value: values[0] };
    case "IS_LESS_THAN_OR_EQUAL_TO":
      return { property, op: "lte", value: values[0] };
    case "IS_BETWEEN":
      return o.operationType === "NUMBER_RANGED" ? { property, op: "between", value: [Number(o.lowerBound), Number(o.upperBound)] } : undefined;
    case "IS_KNOWN":
      return { property, op: "exists" };
    case "IS_UNKNOWN":
      return { property, op: "not_exists" };
    case "IS_LESS_THAN_X_DAYS_AGO":
      return { property, op: "within", value: `${o.numberOfDays}d` };
    case "IS_BEFORE":
    case "IS_AFTER":
      return { property, op: o.operator === "IS_BEFORE" ? "before" : "after", value: timePointValue(o.timePoint ?? {}) };
    default:
      return undefined;
  }
}

function fromCounts(c: HsCoalescing | undefined): Pick<EventCondition, "at_least" | "at_most"> {
  if (c?.type !== "NUM_OCCURRENCES") return {};
  return compact({ at_least: c.minOccurrences !== 1 || c.maxOccurrences !== undefined ? c.minOccurrences : undefined, at_most: c.maxOccurrences });
}

const fromWindow = (p: HsPruning | undefined): string | undefined =>
  p?.timeOffset ? `${p.timeOffset.amount}${UNIT_OF[p.timeOffset.timeUnit] ?? "d"}` : undefined;

/** The stack's name for an event type id: the custom event's name, else the id itself. */
const eventOf = (refs: Refs, id: unknown) => refs.eventName?.(String(id)) ?? String(id);

function whereOf(lines: { property?: string; operation?: HsOperation }[], notes: ReadNotes): PropertyCondition[] | undefined {
  const where = lines.map((l) => {
    const p = fromOperation(String(l.property), l.operation);
    if (!p) notes.unknown.push(`event property filter ${l.property} ${l.operation?.operator}`);
    return p;
  }).filter((p): p is PropertyCondition => !!p);
  return where.length ? where : undefined;
}

/** A UNIFIED_EVENTS branch (a list filter, or a workflow's enrollment event) as an event condition. */
export function fromEventBranch(b: HsBranch, refs: Refs, notes: ReadNotes): EventCondition {
  const never = b.operator === "HAS_NOT_COMPLETED";
  return compact({
    event: eventOf(refs, b.eventTypeId),
    ...(never ? { at_most: 0 } : fromCounts(b.coalescingRefineBy)),
    within: fromWindow(b.pruningRefineBy),
    where: whereOf(b.filters, notes),
  });
}

/** Read problems are reported, not thrown: an unknown filter must not make a whole account unreadable. */
export interface ReadNotes {
  unknown: string[];
}

function fromFilter(f: HsFilter, refs: Refs, notes: ReadNotes): Condition | undefined {
  switch (f.filterType) {
    case "PROPERTY": {
      const p = fromOperation(String(f.property), f.operation);
      if (!p) notes.unknown.push(`property filter ${f.property} ${f.operation?.operator}`);
      return p;
    }
    case "UNIFIED_EVENTS":
      return compact({
        event: eventOf(refs, f.eventTypeId),
        ...fromCounts(f.coalescingRefineBy),
        within: fromWindow(f.pruningRefineBy),
        where: whereOf(f.filterLines ?? [], notes),
      });
    case "IN_LIST": {
      const c: Condition = { in_segment: refName(refs, "segment", String(f.listId)) };
      return f.operator === "NOT_IN_LIST" ? { not: c } : c;
    }
    case "EMAIL_SUBSCRIPTION":
      return { consent: refName(refs, "subscription_type", String(f.subscriptionIds?.[0])) };
    default:
      notes.unknown.push(`${f.filterType} filter`);
      return undefined;
  }
}

function fromBranchPart(b: HsBranch, refs: Refs, notes: ReadNotes): Condition | undefined {
  if (b.filterBranchType === "UNIFIED_EVENTS") return fromEventBranch(b, refs, notes);
  if (b.filterBranchType === "NOT_ANY" || b.filterBranchType === "NOT_ALL") {
    const parts = [...b.filters.map((f) => fromFilter(f, refs, notes)), ...b.filterBranches.map((x) => fromBranchPart(x, refs, notes))]
      .filter((x): x is Condition => !!x);
    if (parts.length === 0) return undefined;
    if (parts.length === 1) return { not: parts[0] };
    return { not: b.filterBranchType === "NOT_ALL" ? { all: parts } : { any: parts } };
  }
  return fromAnd(b, refs, notes);
}

function fromAnd(b: HsBranch, refs: Refs, notes: ReadNotes): Condition | undefined {
  const parts = [
    ...b.filters.map((f) => fromFilter(f, refs, notes)),
    ...b.filterBranches.map((x) => fromBranchPart(x, refs, notes)),
  ].filter((x): x is Condition => !!x);
  if (parts.length === 0) return undefined;
  return parts.length === 1 ? parts[0] : { all: parts };
}

/** HubSpot's OR root back to a condition; undefined when it holds nothing. */
export function fromFilterBranch(b: HsBranch | undefined | null, refs: Refs, notes: ReadNotes): Condition | undefined {
  if (!b) return undefined;
  const disjuncts = b.filterBranchType === "OR"
    ? [
        ...b.filters.map((f) => fromFilter(f, refs, notes)),
        ...b.filterBranches.map((x) => (x.filterBranchType === "AND" ? fromAnd(x, refs, notes) : fromBranchPart(x, refs, notes))),
      ].filter((x): x is Condition => !!x)
    : [fromBranchPart(b, refs, notes)].filter((x): x is Condition => !!x);
  if (disjuncts.length === 0) return undefined;
  return disjuncts.length === 1 ? disjuncts[0] : { any: disjuncts };
}

/** Whether a filter tree names an event, so reading it needs the account's event definitions. */
export function mentionsEvents(x: unknown): boolean {
  if (Array.isArray(x)) return x.some(mentionsEvents);
  if (typeof x !== "object" || x === null) return false;
  const o = x as Record<string, unknown>;
  return o.filterBranchType === "UNIFIED_EVENTS" || o.filterType === "UNIFIED_EVENTS" || Object.values(o).some(mentionsEvents);
}
