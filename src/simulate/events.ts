import { propertyHolds } from "../model/values";
import type { PropertyCondition, Scalar } from "../model";
import { getValue, Names, type Population } from "./population";

/** An event that happens during the simulation (an open recorded as an event, a purchase after a click). */
interface Dynamic {
  type: number;
  time: number;
  /** Recorded engagement (an open as `email_opened`): counted by conditions, not shown again in timelines. */
  echo: boolean;
  /** Ids of the `where` filters its properties meet. */
  matches: number[];
}

/**
 * Every event of every contact, for counting in windows: the population's
 * events (sorted per contact and type, so a window is two binary searches)
 * plus the ones the simulation adds. `where` filters on an event's own
 * properties are evaluated once per event, when the table is built or the
 * event is added, and kept as flags.
 */
export class EventLog {
  private readonly types: Names;
  private readonly T: number;
  private readonly filters: { type: number; where: PropertyCondition[] }[] = [];
  private readonly filterIds = new Map<string, number>();
  private readonly flags: Uint8Array[] = [];
  /** By contact: events the simulation added (an array, not a map: looked up in every count). */
  private readonly dynamic: (Dynamic[] | undefined)[];
  /** Bumped by every added event: what remembered counts check. */
  version = 0;

  constructor(private readonly pop: Population) {
    // Filled up front: a sparse array indexed by contact degrades to a slow dictionary.
    this.dynamic = new Array<Dynamic[] | undefined>(pop.size).fill(undefined);
    this.types = new Names(pop.events.names);
    this.T = Math.max(1, pop.events.names.length);
  }

  /** Event type index -> name. */
  get names(): readonly string[] {
    return this.types.list;
  }

  /** The type index of an event name (new names get one: the simulation may add events the population never had). */
  typeOf(name: string): number {
    return this.types.id(name);
  }

  /** An id for a `where` filter on an event type; its flags over the population's events are computed here, once. */
  filter(type: number, where: PropertyCondition[]): number {
    const key = `${type}\u0000${JSON.stringify(where)}`;
    let id = this.filterIds.get(key);
    if (id !== undefined) return id;
    id = this.filters.length;
    this.filters.push({ type, where });
    this.filterIds.set(key, id);
    const ev = this.pop.events;
    const flags = new Uint8Array(ev.count);
    const cols = ev.properties.get(type);
    for (let k = 0; k < ev.count; k++) {
      if (ev.type[k] !== type) continue;
      const props: Record<string, Scalar | Scalar[] | undefined> = {};
      for (const w of where) props[w.property] = cols?.get(w.property) ? getValue(cols.get(w.property)!, k) : undefined;
      flags[k] = matches(where, props, ev.time[k]!) ? 1 : 0;
    }
    this.flags.push(flags);
    return id;
  }

  /** Does population event `k` meet filter `where`? */
  flagOf(where: number, k: number): boolean {
    return this.flags[where]![k] === 1;
  }

  /** Does the contact's latest added event meet filter `where`? */
  lastMatches(contact: number, where: number): boolean {
    return this.dynamic[contact]?.at(-1)?.matches.includes(where) ?? false;
  }

  add(contact: number, type: number, time: number, properties: Readonly<Record<string, Scalar>> = {}, echo = false): void {
    const list = this.dynamic[contact] ?? (this.dynamic[contact] = []);
    const ids: number[] = [];
    this.filters.forEach((f, id) => {
      if (f.type === type && matches(f.where, properties, time)) ids.push(id);
    });
    list.push({ type, time, matches: ids, echo });
    this.version++;
  }

  /** Start of the population's events of one contact and type (they end at `end`): two lookups, no allocation. */
  private start(contact: number, type: number): number {
    return type >= this.pop.events.names.length ? 0 : this.pop.events.offsets[contact * this.T + type]!;
  }

  private end(contact: number, type: number): number {
    return type >= this.pop.events.names.length ? 0 : this.pop.events.offsets[contact * this.T + type + 1]!;
  }

  private hasDynamic(contact: number, type: number): boolean {
    const extra = this.dynamic[contact];
    if (extra) for (const e of extra) if (e.type === type) return true;
    return false;
  }

  /** Events of `type` (meeting filter `where`, -1 for none) with `now - windowMs <= time <= now`. */
  count(contact: number, type: number, now: number, windowMs: number, where: number): number {
    const time = this.pop.events.time;
    const a = this.start(contact, type), b = this.end(contact, type);
    let n = 0;
    if (b > a) {
      const from = lowerBound(time, a, b, now - windowMs);
      const to = upperBound(time, from, b, now);
      if (where < 0) n = to - from;
      else {
        const flags = this.flags[where]!;
        for (let k = from; k < to; k++) n += flags[k]!;
      }
    }
    const extra = this.dynamic[contact];
    if (extra) {
      for (const e of extra) {
        if (e.type === type && e.time <= now && e.time >= now - windowMs && (where < 0 || e.matches.includes(where))) n++;
      }
    }
    return n;
  }

  /**
   * When a count condition (`lo <= events in the window <= hi`) changes by
   * time passing alone: the moment enough counted events have left the
   * window to cross a bound. Infinity when aging cannot change it (a count
   * below `lo` only grows with new events, which are scheduled anyway).
   */
  nextFlip(contact: number, now: number, type: number, windowMs: number, where: number, lo: number, hi: number): number {
    const time = this.pop.events.time;
    const a = this.start(contact, type), b = this.end(contact, type);
    const extra = this.dynamic[contact];
    let times: ArrayLike<number> = time;
    let from: number, to: number;
    if (extra && this.hasDynamic(contact, type)) {
      // Rare: events the simulation added; merge them with the population's into one sorted list.
      const list: number[] = [];
      for (let k = a; k < b; k++) if (where < 0 || this.flags[where]![k] === 1) list.push(time[k]!);
      for (const e of extra) if (e.type === type && (where < 0 || e.matches.includes(where))) list.push(e.time);
      list.sort((x, y) => x - y);
      times = list;
      from = lowerBound(list, 0, list.length, now - windowMs);
      to = upperBound(list, from, list.length, now);
    } else {
      if (b === a) return Infinity;
      from = lowerBound(time, a, b, now - windowMs);
      to = upperBound(time, from, b, now);
      if (where >= 0) return flipOfFlagged(time, this.flags[where]!, from, to, windowMs, lo, hi);
    }
    const n = to - from;
    // The k-th oldest counted event (0-based) leaves the window just after its time + window.
    if (n >= lo && n <= hi) return lo > 0 ? times[from + n - lo]! + windowMs + 1 : Infinity;
    if (n > hi) return times[from + n - hi - 1]! + windowMs + 1;
    return Infinity;
  }

  /** The time of the contact's latest event of `type` at or before `at` (-Infinity when none). */
  lastAt(contact: number, type: number, at: number): number {
    const time = this.pop.events.time;
    const a = this.start(contact, type), b = this.end(contact, type);
    const k = upperBound(time, a, b, at);
    let best = k > a ? time[k - 1]! : -Infinity;
    for (const e of this.dynamic[contact] ?? []) if (e.type === type && e.time <= at && e.time > best) best = e.time;
    return best;
  }

  /** Every event of one contact within [from, to), oldest first: for timelines. */
  between(contact: number, from: number, to: number): { event: string; time: number }[] {
    const out: { event: string; time: number }[] = [];
    const ev = this.pop.events;
    for (let t = 0; t < ev.names.length; t++) {
      const a = this.start(contact, t), b = this.end(contact, t);
      for (let k = lowerBound(ev.time, a, b, from); k < b && ev.time[k]! < to; k++) out.push({ event: ev.names[t]!, time: ev.time[k]! });
    }
    for (const e of this.dynamic[contact] ?? []) if (!e.echo && e.time >= from && e.time < to) out.push({ event: this.names[e.type]!, time: e.time });
    return out.sort((x, y) => x.time - y.time);
  }
}

/** `nextFlip` over the events in [from, to) that meet a filter, without collecting them. */
function flipOfFlagged(time: Float64Array, flags: Uint8Array, from: number, to: number, windowMs: number, lo: number, hi: number): number {
  let n = 0;
  for (let k = from; k < to; k++) n += flags[k]!;
  // The k-th oldest matching event (0-based) is the one whose leaving crosses the bound.
  const kth = n >= lo && n <= hi ? (lo > 0 ? n - lo : -1) : n > hi ? n - hi - 1 : -1;
  if (kth < 0) return Infinity;
  for (let k = from, seen = 0; k < to; k++) {
    if (!flags[k]) continue;
    if (seen++ === kth) return time[k]! + windowMs + 1;
  }
  return Infinity;
}

function matches(where: PropertyCondition[], props: Readonly<Record<string, Scalar | Scalar[] | undefined>>, now: number): boolean {
  return where.every((w) => propertyHolds(w, props[w.property], undefined, now));
}

/** First index in [a, b) with sorted[k] >= x. */
export function lowerBound(sorted: ArrayLike<number>, a: number, b: number, x: number): number {
  while (a < b) {
    const m = (a + b) >>> 1;
    if (sorted[m]! < x) a = m + 1;
    else b = m;
  }
  return a;
}

/** First index in [a, b) with sorted[k] > x. */
export function upperBound(sorted: ArrayLike<number>, a: number, b: number, x: number): number {
  while (a < b) {
    const m = (a + b) >>> 1;
    if (sorted[m]! <= x) a = m + 1;
    else b = m;
  }
  return a;
}
