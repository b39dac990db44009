import {
  isAll, isAny, isConsent, isEventCondition, isMembership, isNot, isPropertyCondition,
  type Condition, type EventCondition, type PropertyCondition, type Scalar,
} from "../../src/model";
import { compact, refId, refName, type Issues, type Refs } from "./mapping";

/**
 * Neutral conditions <-> HubSpot filter branches (the grammar Lists and
 * Workflows share). HubSpot wants an OR root whose children are AND branches,
 * so conditions are written in disjunctive normal form; negations become
 * NOT_ANY / NOT_ALL branches. Reading gives the DNF back, which is why
 * `normalize` writes and reads rather than guessing HubSpot's shape.
 */

export interface HsFilter {
  filterType: string;
  property?: string;
  operation?: HsOperation;
  listId?: string;
  operator?: string;
  subscriptionIds?: string[];
  acceptedStatuses?: string[];
  [k: string]: unknown;
}
export interface HsOperation {
  operationType: string;
  operator: string;
  value?: unknown;
  values?: unknown[];
  lowerBound?: number;
  upperBound?: number;
  includeObjectsWithNoValueSet?: boolean;
  timePoint?: Record<string, unknown>;
  timeUnit?: string;
  timeUnitCount?: number;
  [k: string]: unknown;
}
export interface HsBranch {
  filterBranchType: string;
  filterBranchOperator?: string;
  filters: HsFilter[];
  filterBranches: HsBranch[];
  eventTypeId?: string;
  operator?: string;
  coalescingRefineBy?: { type: string; minOccurrences?: number; maxOccurrences?: number };
  pruningRefineBy?: { type: string; comparison?: string; timeOffset?: { offsetDirection: string; timeUnit: string; amount: number } };
  [k: string]: unknown;
}

/** Past this many AND branches the DNF is unreadable in HubSpot's editor (and slow to evaluate). */
const MAX_BRANCHES = 50;

const UNITS: Record<string, string> = { m: "MINUTES", h: "HOURS", d: "DAYS", w: "WEEKS" };
const UNIT_OF: Record<string, string> = Object.fromEntries(Object.entries(UNITS).map(([k, v]) => [v, k]));

type Atom = Exclude<Condition, { all: unknown } | { any: unknown }>;

function dnf(c: Condition, issues: Issues): Atom[][] {
  if (isAll(c)) {
    return c.all.reduce<Atom[][]>((acc, part) => {
      const d = dnf(part, issues);
      return acc.flatMap((conj) => d.map((x) => [...conj, ...x]));
    }, [[]]);
  }
  if (isAny(c)) return c.any.flatMap((x) => dnf(x, issues));
  if (isNot(c) && isNot(c.not)) return dnf(c.not.not, issues);
  return [[c as Atom]];
}

/** `{ property: plan, op: eq, value: gold }` -> a PROPERTY filter whose operationType fits the property. */
function propertyFilter(p: PropertyCondition, refs: Refs, issues: Issues): HsFilter {
  const declared = refs.propertyType?.(p.property);
  const vals = (Array.isArray(p.value) ? p.value : p.value === undefined ? [] : [p.value]) as Scalar[];
  const enumLike = declared === "enum" || declared === "list";
  const stringOp = (operator: string): HsOperation => ({
    operationType: enumLike ? "ENUMERATION" : "MULTISTRING",
    operator: enumLike ? ({ IS_EQUAL_TO: "IS_ANY_OF", IS_NOT_EQUAL_TO: "IS_NONE_OF" }[operator] ?? operator) : operator,
    values: vals.map(String),
  });
  const single = vals[0];
  let op: HsOperation;
  switch (p.op) {
    case "eq":
    case "neq": {
      const operator = p.op === "eq" ? "IS_EQUAL_TO" : "IS_NOT_EQUAL_TO";
      if (typeof single === "boolean" || declared === "boolean") op = { operationType: "BOOL", operator, value: single === true || single === "true" };
      else if (typeof single === "number" && !enumLike) op = { operationType: "NUMBER", operator, value: single };
      else op = stringOp(operator);
      break;
    }
    case "in":
      op = stringOp("IS_EQUAL_TO");
      break;
    case "not_in":
      op = stringOp("IS_NOT_EQUAL_TO");
      break;
    case "contains":
      op = { operationType: "MULTISTRING", operator: "CONTAINS", values: vals.map(String) };
      break;
    case "starts_with":
      op = { operationType: "MULTISTRING", operator: "STARTS_WITH", values: vals.map(String) };
      break;
    case "gt":
    case "gte":
    case "lt":
    case "lte":
      op = {
        operationType: "NUMBER",
        operator: { gt: "IS_GREATER_THAN", gte: "IS_GREATER_THAN_OR_EQUAL_TO", lt: "IS_LESS_THAN", lte: "IS_LESS_THAN_OR_EQUAL_TO" }[p.op],
        value: Number(single),
      };
      break;
    case "between":
      op = { operationType: "NUMBER", operator: "IS_BETWEEN", lowerBound: Number(vals[0]), upperBound: Number(vals[1]) };
      break;
    case "exists":
      op = { operationType: "ALL_PROPERTY", operator: "IS_KNOWN" };
      break;
    case "not_exists":
      op = { operationType: "ALL_PROPERTY", operator: "IS_UNKNOWN" };
      break;
    case "within": {
      const m = /^([0-9]+)(m|h|d|w)$/.exec(String(single));
      if (!m) issues.error("unsupported-condition", `\`within\` on ${p.property} needs a duration like 30d`);
      op = { operationType: "ROLLING_DATE_RANGE", operator: "IS_WITHIN_LAST", timeUnit: UNITS[m?.[2] ?? "d"], timeUnitCount: Number(m?.[1] ?? 0) };
      break;
    }
    case "before":
    case "after": {
      const s = String(single);
      const m = /^([0-9]+)(m|h|d|w)$/.exec(s);
      const timePoint = m
        ? { timeType: "INDEXED", indexReference: { referenceType: "NOW" }, offset: { [UNITS[m[2]].toLowerCase()]: -Number(m[1]) } }
        : { timeType: "DATE", date: s, zoneId: "UTC" };
      op = { operationType: "TIME_POINT", operator: p.op === "before" ? "IS_BEFORE" : "IS_AFTER", timePoint };
      break;
    }
    default:
      issues.error("unsupported-condition", `operator \`${p.op}\` has no HubSpot filter`);
      op = { operationType: "ALL_PROPERTY", operator: "IS_KNOWN" };
  }
  if (op.operationType !== "ALL_PROPERTY" && op.operationType !== "TIME_POINT" && op.operationType !== "ROLLING_DATE_RANGE") {
    op.includeObjectsWithNoValueSet = false;
  }
  return { filterType: "PROPERTY", property: p.property, operation: op };
}

function eventBranch(e: EventCondition, refs: Refs, issues: Issues): HsBranch {
  const never = e.at_most === 0 && (e.at_least ?? 0) === 0;
  const min = never ? undefined : e.at_least;
  const max = never ? undefined : e.at_most;
  const counted = (min !== undefined && min !== 1) || max !== undefined;
  const m = e.within ? /^([0-9]+)(m|h|d|w)$/.exec(e.within) : null;
  return compact({
    filterBranchType: "UNIFIED_EVENTS",
    filterBranchOperator: "AND",
    eventTypeId: e.event,
    operator: never ? "HAS_NOT_COMPLETED" : "HAS_COMPLETED",
    filters: (e.where ?? []).map((w) => propertyFilter(w, { ...refs, propertyType: () => undefined }, issues)),
    filterBranches: [],
    coalescingRefineBy: counted ? compact({ type: "NUM_OCCURRENCES", minOccurrences: min ?? 1, maxOccurrences: max }) : undefined,
    pruningRefineBy: m
      ? { type: "RELATIVE_COMPARATIVE", comparison: "AFTER", timeOffset: { offsetDirection: "PAST", timeUnit: UNITS[m[2]], amount: Number(m[1]) } }
      : undefined,
  });
}

function leafFilter(c: Atom, refs: Refs, issues: Issues): HsFilter | HsBranch {
  if (isPropertyCondition(c)) return propertyFilter(c, refs, issues);
  if (isEventCondition(c)) return eventBranch(c, refs, issues);
  if (isMembership(c)) return { filterType: "IN_LIST", listId: refId(refs, issues, "segment", c.in_segment), operator: "IN_LIST" };
  if (isConsent(c)) {
    return { filterType: "EMAIL_SUBSCRIPTION", subscriptionIds: [refId(refs, issues, "subscription_type", c.consent)], acceptedStatuses: ["SUBSCRIBED"] };
  }
  issues.error("unsupported-condition", "a nested `not` inside a negation cannot be written as a HubSpot filter", "rewrite it with all / any");
  return { filterType: "CONSTANT", value: false };
}

const isBranch = (x: HsFilter | HsBranch): x is HsBranch => "filterBranchType" in x;

function negation(c: Condition, refs: Refs, issues: Issues): HsBranch {
  const inner: Condition[] = isAny(c) ? c.any : isAll(c) ? c.all : [c];
  const parts = inner.map((x) => {
    if (isAll(x) || isAny(x) || isNot(x)) {
      issues.error("unsupported-condition", "HubSpot negations (NOT_ANY / NOT_ALL) hold only simple conditions", "move the `not` onto each leaf");
      return { filterType: "CONSTANT", value: false } as HsFilter;
    }
    return leafFilter(x as Atom, refs, issues);
  });
  const type = isAll(c) && c.all.length > 1 ? "NOT_ALL" : "NOT_ANY";
  return {
    filterBranchType: type,
    filterBranchOperator: type,
    filters: parts.filter((p): p is HsFilter => !isBranch(p)),
    filterBranches: parts.filter(isBranch),
  };
}

function andBranch(conj: Atom[], refs: Refs, issues: Issues): HsBranch {
  const parts = conj.map((a) => (isNot(a) ? negation(a.not, refs, issues) : leafFilter(a, refs, issues)));
  return {
    filterBranchType: "AND",
    filterBranchOperator: "AND",
    filters: parts.filter((p): p is HsFilter => !isBranch(p)),
    filterBranches: parts.filter(isBranch),
  };
}

/** A condition as HubSpot's OR-of-AND filter branch. */
export function toFilterBranch(c: Condition | undefined, refs: Refs, issues: Issues): HsBranch {
  const conjs = c === undefined ? [] : dnf(c, issues);
  if (conjs.length > MAX_BRANCHES) {
    issues.error("condition-too-large", `the condition expands to ${conjs.length} HubSpot filter groups (at most ${MAX_BRANCHES})`, "simplify it: HubSpot needs an OR of ANDs");
  }
  return { filterBranchType: "OR", filterBranchOperator: "OR", filters: [], filterBranches: conjs.map((x) => andBranch(x, refs, issues)) };
}

/* ------------------------------------------------------------------ reading */

function scalarOf(v: unknown): Scalar {
  return typeof v === "number" || typeof v === "boolean" ? v : String(v);
}

function fromProperty(f: HsFilter): PropertyCondition | undefined {
  const o = f.operation;
  if (!o || !f.property) return undefined;
  const values = (o.values ?? (o.value !== undefined ? [o.value] : [])).map(scalarOf);
  const many = (one: PropertyCondition["op"], more: PropertyCondition["op"]): PropertyCondition =>
    values.length === 1 ? { property: f.property!, op: one, value: values[0] } : { property: f.property!, op: more, value: values };
  switch (o.operator) {
    case "IS_EQUAL_TO":
    case "IS_ANY_OF":
    case "IS_EXACTLY":
      return many("eq", "in");
    case "IS_NOT_EQUAL_TO":
    case "IS_NONE_OF":
      return many("neq", "not_in");
    case "CONTAINS":
      return { property: f.property, op: "contains", value: values[0] };
    case "STARTS_WITH":
      return { property: f.property, op: "starts_with", value: values[0] };
    case "IS_GREATER_THAN":
      return { property: f.property, op: "gt", value: values[0] };
    case "IS_GREATER_THAN_OR_EQUAL_TO":
      return { property: f.property, op: "gte", value: values[0] };
    case "IS_LESS_THAN":
      return { property: f.property, op: "lt", value: values[0] };
    case "IS_LESS_THAN_OR_EQUAL_TO":
      return { property: f.property, op: "lte", value: values[0] };
    case "IS_BETWEEN":
      return { property: f.property, op: "between", value: [Number(o.lowerBound), Number(o.upperBound)] };
    case "IS_KNOWN":
      return { property: f.property, op: "exists" };
    case "IS_UNKNOWN":
      return { property: f.property, op: "not_exists" };
    case "IS_WITHIN_LAST":
      return { property: f.property, op: "within", value: `${o.timeUnitCount}${UNIT_OF[o.timeUnit ?? "DAYS"] ?? "d"}` };
    case "IS_BEFORE":
    case "IS_AFTER": {
      const tp = o.timePoint ?? {};
      const op = o.operator === "IS_BEFORE" ? "before" : "after";
      if (tp.timeType === "DATE") return { property: f.property, op, value: String(tp.date) };
      const [unit, n] = Object.entries((tp.offset ?? {}) as Record<string, number>)[0] ?? ["days", 0];
      return { property: f.property, op, value: `${Math.abs(n)}${UNIT_OF[unit.toUpperCase()] ?? "d"}` };
    }
    default:
      return undefined;
  }
}

/** A UNIFIED_EVENTS branch (a list filter, or a workflow's enrollment event) as an event condition. */
export function fromEventBranch(b: HsBranch): EventCondition {
  const where = b.filters.map(fromProperty).filter((x): x is PropertyCondition => !!x);
  const c = b.coalescingRefineBy;
  const t = b.pruningRefineBy?.timeOffset;
  return compact({
    event: String(b.eventTypeId),
    at_least: b.operator === "HAS_NOT_COMPLETED" ? undefined : c?.minOccurrences !== undefined && (c.minOccurrences !== 1 || c.maxOccurrences !== undefined) ? c.minOccurrences : undefined,
    at_most: b.operator === "HAS_NOT_COMPLETED" ? 0 : c?.maxOccurrences,
    within: t ? `${t.amount}${UNIT_OF[t.timeUnit] ?? "d"}` : undefined,
    where: where.length ? where : undefined,
  });
}

/** Read problems are reported, not thrown: an unknown filter must not make a whole account unreadable. */
export interface ReadNotes {
  unknown: string[];
}

function fromFilter(f: HsFilter, refs: Refs, notes: ReadNotes): Condition | undefined {
  switch (f.filterType) {
    case "PROPERTY": {
      const p = fromProperty(f);
      if (!p) notes.unknown.push(`property filter ${f.property} ${f.operation?.operator}`);
      return p;
    }
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
  if (b.filterBranchType === "UNIFIED_EVENTS") return fromEventBranch(b);
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
