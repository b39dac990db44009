import type { Scalar } from "./common";
import type { PropertyCondition } from "./condition";
import type { PropertySpec } from "./kinds";

/**
 * The one definition of how a property condition reads a contact's value.
 * `evaluate` and the overlap solver both follow it, so a witness the solver
 * builds is a contact that `evaluate` accepts.
 */
export const DAY_MS = 86_400_000;

export type PropType = PropertySpec["type"] | undefined;

/** Ops that compare points in time: the property is read as a date whatever its declaration. */
const TIME_OPS = new Set(["within", "before", "after"]);

export const isDateMode = (type: PropType, op: string): boolean => type === "date" || TIME_OPS.has(op);

/**
 * A value's position on the number line the range operators use: the number
 * itself, or for dates, days from `now` (negative = past) so that later
 * dates compare greater, as they do on a calendar.
 */
export function numericView(x: unknown, dateMode: boolean, now: number): number | undefined {
  if (typeof x === "number") return Number.isFinite(x) ? x : undefined;
  if (dateMode && typeof x === "string") {
    const t = Date.parse(x);
    return Number.isNaN(t) ? undefined : (t - now) / DAY_MS;
  }
  return undefined;
}

/** A relative duration (`30d`) in days, or undefined for an ISO date or other value. */
export function durationDays(v: unknown): number | undefined {
  if (typeof v !== "string") return undefined;
  const m = /^([0-9]+)(m|h|d|w)$/.exec(v);
  if (!m) return undefined;
  const unit = { m: 1 / 1440, h: 1 / 24, d: 1, w: 7 }[m[2] as "m" | "h" | "d" | "w"];
  return Number(m[1]) * unit;
}

export interface Interval {
  lo: number;
  loInc: boolean;
  hi: number;
  hiInc: boolean;
}

export const inInterval = (n: number, i: Interval): boolean =>
  (i.loInc ? n >= i.lo : n > i.lo) && (i.hiInc ? n <= i.hi : n < i.hi);

/**
 * The interval a range operator accepts, on the numeric view; undefined when
 * the operator is not a range or its value is unusable.
 */
export function rangeOf(c: PropertyCondition, dateMode: boolean, now: number): Interval | undefined {
  const v = c.value;
  const point = (x: unknown) => numericView(x, dateMode, now);
  switch (c.op) {
    case "gt": { const n = point(v); return n === undefined ? undefined : { lo: n, loInc: false, hi: Infinity, hiInc: false }; }
    case "gte": { const n = point(v); return n === undefined ? undefined : { lo: n, loInc: true, hi: Infinity, hiInc: false }; }
    case "lt": { const n = point(v); return n === undefined ? undefined : { lo: -Infinity, loInc: false, hi: n, hiInc: false }; }
    case "lte": { const n = point(v); return n === undefined ? undefined : { lo: -Infinity, loInc: false, hi: n, hiInc: true }; }
    case "between": {
      if (!Array.isArray(v) || v.length !== 2) return undefined;
      const a = point(v[0]), b = point(v[1]);
      return a === undefined || b === undefined ? undefined : { lo: a, loInc: true, hi: b, hiInc: true };
    }
    case "within": {
      const d = durationDays(v);
      return d === undefined ? undefined : { lo: -d, loInc: true, hi: 0, hiInc: true };
    }
    case "before": {
      const d = durationDays(v);
      const n = d === undefined ? point(v) : -d;
      return n === undefined ? undefined : { lo: -Infinity, loInc: false, hi: n, hiInc: false };
    }
    case "after": {
      const d = durationDays(v);
      const n = d === undefined ? point(v) : -d;
      return n === undefined ? undefined : { lo: n, loInc: false, hi: Infinity, hiInc: false };
    }
    default:
      return undefined;
  }
}

export const present = (x: unknown): boolean => x !== undefined && x !== null;

/** Value identity for eq / in: numbers and strings as JSON, dates by their point in time. */
export function sameValue(x: unknown, v: unknown, dateMode: boolean, now: number): boolean {
  if (dateMode) {
    const a = numericView(x, true, now), b = numericView(v, true, now);
    if (a !== undefined && b !== undefined) return a === b;
  }
  return x === v;
}

/** Does a contact value (possibly missing) satisfy one property condition? */
export function propertyHolds(c: PropertyCondition, x: Scalar | Scalar[] | null | undefined, type: PropType, now: number): boolean {
  const date = isDateMode(type, c.op);
  if (c.op === "exists") return present(x);
  if (c.op === "not_exists") return !present(x);
  if (!present(x)) return c.op === "neq" || c.op === "not_in";
  const values = Array.isArray(c.value) ? c.value : [c.value];
  if (Array.isArray(x)) {
    // Lists: membership tests only; the solver treats them as undecidable.
    const has = (v: unknown) => x.some((e) => e === v);
    if (c.op === "contains" || c.op === "eq" || c.op === "in") return values.some(has);
    if (c.op === "neq" || c.op === "not_in") return !values.some(has);
    return false;
  }
  switch (c.op) {
    case "eq": return sameValue(x, c.value, date, now);
    case "neq": return !sameValue(x, c.value, date, now);
    case "in": return values.some((v) => sameValue(x, v, date, now));
    case "not_in": return !values.some((v) => sameValue(x, v, date, now));
    case "contains": return typeof x === "string" && x.includes(String(c.value));
    case "starts_with": return typeof x === "string" && x.startsWith(String(c.value));
    default: {
      const r = rangeOf(c, date, now);
      const n = numericView(x, date, now);
      return r !== undefined && n !== undefined && inInterval(n, r);
    }
  }
}
