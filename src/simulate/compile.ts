import {
  durationMs, isAll, isAny, isConsent, isEventCondition, isMembership, isNot, isPropertyCondition,
  type Condition, type PropertyCondition, type PropertySpec, type SegmentSpec,
} from "../model";
import { countBounds } from "../model/evaluate";
import { inInterval, isDateMode, propertyHolds, rangeOf, type Interval } from "../model/values";
import type { EventLog } from "./events";
import { DAY_MS, getValue, isoOf, type Column, type Population } from "./population";

/** Is the condition true for contact `c` at time `now` (ms)? */
export type Pred = (c: number, now: number) => boolean;

/**
 * What a compiled condition reads, named so a change to one contact
 * re-evaluates only what depends on it: `p:<property>`, `e:<event type>`,
 * `c:<consent>`, `s:<static segment>`, `g:<dynamic segment>`.
 */
export type Input = string;

/** A condition that can change by time passing alone, with where it can change. */
export type TimeLeaf =
  | { k: "event"; type: number; windowMs: number; where: number; lo: number; hi: number }
  | { k: "date"; property: string; iv: Interval };

export interface Compiled {
  test: Pred;
  inputs: Set<Input>;
  time: TimeLeaf[];
}

/** The live state compiled conditions read; the engine mutates it as contacts change. */
export interface Runtime {
  pop: Population;
  events: EventLog;
  properties: ReadonlyMap<string, PropertySpec>;
  segments: ReadonlyMap<string, SegmentSpec>;
  /** Current membership of every dynamic segment, kept up to date by the engine. */
  members: ReadonlyMap<string, Uint8Array>;
  /** Counters shared by every condition counting the same events in the same window (see `counter`). */
  counters?: Map<string, (i: number, now: number) => number>;
}

const FALSE: Pred = () => false;
const never = new Uint8Array(0);

/**
 * Conditions compiled to closures over the columns, with the semantics of
 * `evaluate` (src/model/evaluate.ts): the same value rules (`propertyHolds`,
 * `rangeOf`), read from typed arrays instead of contact objects. A property
 * test on a dictionary-coded column is decided once per distinct value.
 */
export function compile(cond: Condition, rt: Runtime): Compiled {
  const inputs = new Set<Input>();
  const time: TimeLeaf[] = [];
  const go = (c: Condition): Pred => {
    if (isAll(c)) {
      const parts = c.all.map(go);
      if (parts.length === 1) return parts[0]!;
      return (i, now) => {
        for (const p of parts) if (!p(i, now)) return false;
        return true;
      };
    }
    if (isAny(c)) {
      const parts = c.any.map(go);
      if (parts.length === 1) return parts[0]!;
      return (i, now) => {
        for (const p of parts) if (p(i, now)) return true;
        return false;
      };
    }
    if (isNot(c)) {
      const inner = go(c.not);
      return (i, now) => !inner(i, now);
    }
    if (isMembership(c)) {
      const seg = rt.segments.get(c.in_segment);
      if (seg?.conditions) {
        inputs.add(`g:${c.in_segment}`);
        const bits = rt.members.get(c.in_segment) ?? never;
        return (i) => bits[i] === 1;
      }
      inputs.add(`s:${c.in_segment}`);
      return (i) => rt.pop.segments.get(c.in_segment)?.[i] === 1;
    }
    if (isConsent(c)) {
      inputs.add(`c:${c.consent}`);
      return (i) => rt.pop.consents.get(c.consent)?.[i] === 1;
    }
    if (isEventCondition(c)) {
      const type = rt.events.typeOf(c.event);
      inputs.add(`e:${c.event}`);
      const windowMs = c.within === undefined ? Infinity : durationMs(c.within);
      const where = c.where && c.where.length ? rt.events.filter(type, c.where) : -1;
      const { lo, hi } = countBounds(c);
      if (Number.isFinite(windowMs)) time.push({ k: "event", type, windowMs, where, lo, hi });
      const count = counter(rt, type, windowMs, where);
      return (i, now) => {
        const n = count(i, now);
        return n >= lo && n <= hi;
      };
    }
    if (isPropertyCondition(c)) {
      inputs.add(`p:${c.property}`);
      return property(c, rt, time);
    }
    return FALSE;
  };
  return { test: go(cond), inputs, time };
}

/**
 * One count of events per (type, window, filter), remembered for the last
 * contact and moment it was asked about: segments re-evaluated together
 * often count the same thing ("no order in the last day").
 */
function counter(rt: Runtime, type: number, windowMs: number, where: number): (i: number, now: number) => number {
  const key = `${type}:${windowMs}:${where}`;
  let f = rt.counters?.get(key);
  if (f) return f;
  let lastI = -1, lastNow = NaN, lastVersion = -1, last = 0;
  f = (i, now) => {
    if (i === lastI && now === lastNow && rt.events.version === lastVersion) return last;
    lastI = i;
    lastNow = now;
    lastVersion = rt.events.version;
    return (last = rt.events.count(i, type, now, windowMs, where));
  };
  rt.counters?.set(key, f);
  return f;
}

function property(c: PropertyCondition, rt: Runtime, time: TimeLeaf[]): Pred {
  const type = rt.properties.get(c.property)?.type;
  const col = () => rt.pop.properties.get(c.property);
  const generic: Pred = (i, now) => {
    const column = col();
    const x = column ? read(column, i) : undefined;
    return propertyHolds(c, x, type, now);
  };
  const column = col();
  if (!column) return (_, now) => propertyHolds(c, undefined, type, now);
  if (c.op === "exists") return column.kind === "value" ? (i) => column.codes[i] !== 0 : (i) => !Number.isNaN(column.values[i]!);
  if (c.op === "not_exists") return column.kind === "value" ? (i) => column.codes[i] === 0 : (i) => Number.isNaN(column.values[i]!);

  if (column.kind === "value") {
    if (isDateMode(type, c.op)) return generic;
    // The answer depends only on the value: decide each distinct value once (0 unknown, 1 no, 2 yes).
    let memo = new Uint8Array(column.dict.length + 16);
    const missing = propertyHolds(c, undefined, type, 0);
    return (i) => {
      const code = column.codes[i]!;
      if (code === 0) return missing;
      if (code >= memo.length) {
        const grown = new Uint8Array(Math.max(code + 1, memo.length * 2));
        grown.set(memo);
        memo = grown;
      }
      let m = memo[code]!;
      if (m === 0) memo[code] = m = propertyHolds(c, column.dict[code - 1], type, 0) ? 2 : 1;
      return m === 2;
    };
  }

  const values = column.values;
  const date = isDateMode(type, c.op);
  if (!date && column.kind === "number") {
    if (c.op === "contains" || c.op === "starts_with") return () => false;
    if (c.op === "eq" || c.op === "neq" || c.op === "in" || c.op === "not_in") {
      const set = new Set((Array.isArray(c.value) ? c.value : [c.value]).filter((v) => typeof v === "number"));
      const want = c.op === "eq" || c.op === "in";
      return (i) => {
        const x = values[i]!;
        return Number.isNaN(x) ? !want : set.has(x) === want;
      };
    }
    const iv = rangeOf(c, false, 0);
    if (!iv) return () => false;
    return (i) => {
      const x = values[i]!;
      return !Number.isNaN(x) && inInterval(x, iv);
    };
  }
  if (column.kind === "date" && date) {
    if (c.op === "contains" || c.op === "starts_with") return generic;
    if (c.op === "eq" || c.op === "neq" || c.op === "in" || c.op === "not_in") {
      const list = Array.isArray(c.value) ? c.value : [c.value];
      // A number means days from now: only the generic reading gets that right.
      if (list.some((v) => typeof v === "number")) return generic;
      const set = new Set(list.map((v) => (typeof v === "string" ? Date.parse(v) : NaN)).filter((n) => !Number.isNaN(n)));
      const want = c.op === "eq" || c.op === "in";
      return (i) => {
        const x = values[i]!;
        return Number.isNaN(x) ? !want : set.has(x) === want;
      };
    }
    const at0 = rangeOf(c, true, 0), at1 = rangeOf(c, true, DAY_MS);
    if (!at0 || !at1) return () => false;
    if (sameInterval(at0, at1)) {
      // Days from now: the answer changes as time passes.
      time.push({ k: "date", property: c.property, iv: at0 });
      return (i, now) => {
        const x = values[i]!;
        return !Number.isNaN(x) && inInterval((x - now) / DAY_MS, at0);
      };
    }
    if (shiftedByOneDay(at0, at1)) {
      // Fixed dates: compare days since 1970 with days since 1970.
      return (i) => {
        const x = values[i]!;
        return !Number.isNaN(x) && inInterval(x / DAY_MS, at0);
      };
    }
    return generic;
  }
  return generic;
}

/** The value `evaluate` would see: dates as the ISO text a contact record holds. */
function read(col: Column, i: number) {
  if (col.kind === "date") {
    const x = col.values[i]!;
    return Number.isNaN(x) ? undefined : isoOf(x);
  }
  return getValue(col, i);
}

const sameInterval = (a: Interval, b: Interval) => a.lo === b.lo && a.hi === b.hi && a.loInc === b.loInc && a.hiInc === b.hiInc;

const shiftedByOneDay = (a: Interval, b: Interval) =>
  a.loInc === b.loInc && a.hiInc === b.hiInc &&
  (a.lo === -Infinity ? b.lo === -Infinity : Math.abs(a.lo - 1 - b.lo) < 1e-9) &&
  (a.hi === Infinity ? b.hi === Infinity : Math.abs(a.hi - 1 - b.hi) < 1e-9);

/** The moments (ms) at which a date leaf's answer flips for a date value `x`: entering and leaving its interval. */
export function dateEdges(x: number, iv: Interval): [number, number] {
  // (x - now) / DAY in [lo, hi]  <=>  now in [x - hi*DAY, x - lo*DAY]
  const enter = iv.hi === Infinity ? -Infinity : x - iv.hi * DAY_MS + (iv.hiInc ? 0 : 1);
  const leave = iv.lo === -Infinity ? Infinity : x - iv.lo * DAY_MS + (iv.loInc ? 1 : 0);
  return [enter, leave];
}

