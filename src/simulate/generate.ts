import { durationMs, type PropertySpec, type Scalar } from "../model";
import type { ValueSpec } from "../model/population";
import type { Assumptions } from "./assumptions";
import { normal, poisson, rng, type Rng } from "./random";
import { nextAnniversary } from "./dates";
import { DAY_MS, PopulationBuilder, type Population } from "./population";

/**
 * Synthetic contacts from a resolved population file: property values,
 * consent, static segments, signups, and each contact's events from far
 * enough back for every window the stack counts in, up to the end of the
 * simulated period (the future events are the contact's own behaviour; the
 * journeys add what messages cause).
 */

const WEEK_MS = 7 * DAY_MS;
/** Follow-ups of follow-ups stop here (a chain with no delay would never end). */
const MAX_CHAIN = 8;

export interface GenerateOptions {
  contacts: number;
  seed: number;
  /** The start of the simulated period (ms); history lies before it. */
  epoch: number;
  /** Events are generated up to here (ms). */
  end: number;
}

export function propertyTypes(a: Assumptions): Map<string, PropertySpec["type"]> {
  return new Map([...a.properties].map(([n, p]) => [n, p.type]));
}

export function generatePopulation(a: Assumptions, opts: GenerateOptions): PopulationBuilder {
  const r = rng(opts.seed);
  const b = new PopulationBuilder(propertyTypes(a));
  b.declare(a.consent.keys(), a.segments.keys());
  const width = String(opts.contacts).length;
  const drawers = [...a.properties].map(([name, p]) => [name, valueDrawer(p.rule, p.type, p.required, opts.epoch, name, p.values)] as const);
  // With signups, a share `perWeek` of the population appears each week, the newest just before the end.
  const span = a.signups && a.signups.perWeek > 0 ? WEEK_MS / a.signups.perWeek : 0;
  for (let n = 0; n < opts.contacts; n++) {
    const created = span ? Math.floor(opts.end - r.next() * span) : -Infinity;
    const i = b.addContact(`c${String(n + 1).padStart(width, "0")}`, created);
    for (const [name, d] of drawers) {
      const v = d(r, n);
      if (v !== undefined) b.setProperty(i, name, v);
    }
    for (const [name, c] of a.consent) {
      if (c.requires && !b.hasProperty(i, c.requires)) continue;
      if (r.next() < c.rate) b.setConsent(i, name);
    }
    for (const [name, rate] of a.segments) if (r.next() < rate) b.setSegment(i, name);
  }
  addBehaviour(b, a, r, { from: -Infinity, end: opts.end, epoch: opts.epoch, followFrom: -Infinity });
  return b;
}

/**
 * Events per the population file's rates, for contacts already in the
 * builder: from each event's history start (or `from`, whichever is later)
 * to `end`, never before a contact appeared; then the follow-ups of every
 * event (history included) that land at or after `followFrom`.
 */
export function addBehaviour(
  b: PopulationBuilder, a: Assumptions, r: Rng,
  window: { from: number; end: number; epoch: number; followFrom: number },
): void {
  const signup = a.signups?.event !== undefined ? b.eventType(a.signups.event) : -1;
  const props = new Map([...a.events].map(([name, e]) => [name, eventPropertyDrawers(e.properties, window.epoch)]));
  // Values go straight into the builder's columns: no object per event.
  const add = (i: number, type: number, time: number, drawers: (readonly [string, Drawer])[] | undefined) => {
    const k = b.addEvent(i, type, time);
    if (drawers) {
      for (const [p, d] of drawers) {
        const v = d(r, 0);
        if (v !== undefined) b.setEventProperty(k, type, p, v);
      }
    }
  };
  for (const [name, e] of a.events) {
    const type = b.eventType(name);
    const drawProps = props.get(name);
    const rate = e.per_week ?? 0;
    const start = Math.max(window.from, window.epoch - e.historyMs);
    const active = e.active ?? 1;
    for (let i = 0; i < b.size; i++) {
      const created = b.createdOf(i);
      if (type === signup && created >= start && created < window.end) b.addEvent(i, type, created);
      if (rate === 0 || r.next() >= active) continue;
      const from = Math.max(start, created);
      if (from >= window.end) continue;
      const k = poisson(r, (rate * (window.end - from)) / WEEK_MS);
      for (let j = 0; j < k; j++) add(i, type, Math.floor(from + r.next() * (window.end - from)), drawProps);
    }
  }
  // Follow-ups, breadth first: the events each round added are the sources of the next.
  let from = 0, to = b.eventCount;
  for (let depth = 0; depth < MAX_CHAIN && to > from; depth++) {
    for (let k = from; k < to; k++) {
      const { contact, type, time } = b.eventAt(k);
      for (const f of a.followers.get(b.eventName(type)) ?? []) {
        if (r.next() >= f.probability) continue;
        const at = Math.floor(time + f.delayMs * (0.5 + r.next()));
        if (at >= window.end || at < window.followFrom) continue;
        add(contact, b.eventType(f.event), at, props.get(f.event));
      }
    }
    [from, to] = [to, b.eventCount];
  }
}

type Drawer = (r: Rng, n: number) => Scalar | undefined;

export function propertiesDrawer(specs: Record<string, ValueSpec> | undefined, epoch: number): ((r: Rng) => Record<string, Scalar>) | undefined {
  const parts = eventPropertyDrawers(specs, epoch);
  if (!parts) return undefined;
  return (r) => {
    const out: Record<string, Scalar> = {};
    for (const [p, d] of parts) {
      const v = d(r, 0);
      if (v !== undefined) out[p] = v;
    }
    return out;
  };
}

/** One drawer per property of an event type (undefined when it has none). */
function eventPropertyDrawers(specs: Record<string, ValueSpec> | undefined, epoch: number): (readonly [string, Drawer])[] | undefined {
  if (!specs) return undefined;
  return Object.entries(specs).map(([p, s]) =>
    [p, valueDrawer(s, s.weights || s.distribution ? undefined : s.within || s.between ? "event-date" : "number", false, epoch, p)] as const);
}

/**
 * How to draw one value by its rule, decided once (weights summed, durations
 * parsed): the draw itself is a few arithmetic operations. Undefined = missing.
 * Dates of contact properties come out as ms (their column's unit); dates of
 * event properties as ISO text, as a platform would send them.
 */
function valueDrawer(
  s: ValueSpec, type: PropertySpec["type"] | "event-date" | undefined, required: boolean, epoch: number, name: string, values?: string[],
): Drawer {
  const missing = required ? 0 : s.missing ?? 0;
  const draw = presentDrawer(s, type, epoch, name, values);
  return missing > 0 ? (r, n) => (r.next() < missing ? undefined : draw(r, n)) : draw;
}

function presentDrawer(s: ValueSpec, type: PropertySpec["type"] | "event-date" | undefined, epoch: number, name: string, values?: string[]): Drawer {
  if (s.weights) {
    const keys = Object.keys(s.weights).map((k) => coerce(k, type));
    const cumulative: number[] = [];
    let total = 0;
    for (const w of Object.values(s.weights)) cumulative.push((total += w));
    return (r) => {
      const u = r.next() * total;
      for (let k = 0; k < cumulative.length; k++) if (u < cumulative[k]!) return keys[k]!;
      return keys[keys.length - 1]!;
    };
  }
  if (type === "date" || type === "event-date" || s.within || s.between) {
    const [lo, hi] = s.between ? [Date.parse(s.between[0]), Date.parse(s.between[1])] : [epoch - durationMs(s.within ?? "730d"), epoch];
    return (r) => {
      const day = Math.floor((lo + r.next() * (hi - lo)) / DAY_MS) * DAY_MS;
      return type === "date" ? day : new Date(day).toISOString().slice(0, 10);
    };
  }
  if (s.distribution || type === "number") {
    const f = 10 ** (s.round ?? (s.distribution === "poisson" ? 0 : 2));
    const x = numberDrawer(s);
    return (r) => Math.round(x(r) * f) / f;
  }
  if (type === "enum") return values?.length ? (r) => values[Math.floor(r.next() * values.length)] : () => undefined;
  if (type === "boolean") return (r) => r.next() < 0.5;
  // A thousand distinct values are as good as a hundred thousand for "is it set" and merge fields, and far smaller.
  return (_, n) => `${name}_${(n % 1000) + 1}`;
}

function numberDrawer(s: ValueSpec): (r: Rng) => number {
  switch (s.distribution) {
    case "normal": {
      const mean = s.mean ?? 0, sd = s.sd ?? 1;
      return (r) => mean + sd * normal(r.next(), r.next());
    }
    case "lognormal": {
      const median = s.median ?? 1;
      const sigma = s.p95 && s.p95 > median ? Math.log(s.p95 / median) / 1.6449 : 1;
      return (r) => median * Math.exp(sigma * normal(r.next(), r.next()));
    }
    case "poisson": {
      const mean = s.mean ?? 1;
      return (r) => poisson(r, mean);
    }
    default: {
      const lo = s.min ?? 0, hi = s.max ?? 100;
      return (r) => lo + r.next() * (hi - lo);
    }
  }
}

function coerce(v: string, type: PropertySpec["type"] | "event-date" | undefined): Scalar {
  if (type === "number") return Number(v);
  if (type === "boolean") return v === "true";
  // An event's properties have no declared type: a weight key that reads as a number or a boolean is one.
  if (type === undefined) {
    if (v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
    if (v === "true" || v === "false") return v === "true";
  }
  return v;
}


/**
 * Derived properties as of `at`, where the population has no value: counts and
 * latest dates of their events, days to the next anniversary of their date.
 */
export function materializeDerived(p: Population, a: Assumptions, at: number): void {
  const ev = p.events;
  const T = Math.max(1, ev.names.length);
  for (const d of a.derived) {
    const col = p.properties.get(d.property);
    if (!col || col.kind === "value") continue;
    for (let c = 0; c < p.size; c++) {
      if (!Number.isNaN(col.values[c]!)) continue;
      if ("days_until" in d) {
        const src = p.properties.get(d.days_until);
        if (!src || src.kind === "value" || Number.isNaN(src.values[c]!)) continue;
        const today = Math.floor(at / DAY_MS) * DAY_MS;
        col.values[c] = Math.round((nextAnniversary(src.values[c]!, today) - today) / DAY_MS);
        continue;
      }
      const t = ev.names.indexOf("count_of" in d ? d.count_of : d.last_of);
      let n = 0, last = NaN;
      if (t >= 0) {
        for (let k = ev.offsets[c * T + t]!; k < ev.offsets[c * T + t + 1]! && ev.time[k]! <= at; k++) (n++, (last = ev.time[k]!));
      }
      col.values[c] = "count_of" in d ? n : last;
    }
  }
}
