import type { PropertySpec, Scalar } from "../model";

/**
 * Contacts as columns: one typed array per property, consent and static
 * segment, and every event in flat arrays grouped by (contact, event type) and
 * sorted by time. A contact is an index. 100,000 contacts with millions of
 * events fit in tens of megabytes, and the hot loops read numbers from
 * arrays instead of chasing objects.
 */

export const DAY_MS = 86_400_000;

/** Numbers and dates (ms since 1970) in a Float64Array, NaN when missing; anything else dictionary-coded, 0 when missing. */
export type Column =
  | { kind: "number"; values: Float64Array }
  | { kind: "date"; values: Float64Array }
  | { kind: "value"; codes: Int32Array; dict: (Scalar | Scalar[])[]; index: Map<string, number> };

export function newColumn(type: PropertySpec["type"] | undefined, size: number): Column {
  if (type === "number") return { kind: "number", values: new Float64Array(size).fill(NaN) };
  if (type === "date") return { kind: "date", values: new Float64Array(size).fill(NaN) };
  return { kind: "value", codes: new Int32Array(size), dict: [], index: new Map() };
}

/** A date value as ms, or NaN: ISO strings and numbers (already ms) are read, anything else is not a date. */
function dateMs(v: unknown): number {
  if (typeof v === "number") return Number.isFinite(v) ? v : NaN;
  if (typeof v === "string") return Date.parse(v);
  return NaN;
}

/** The ISO date a date column holds (day precision when it is midnight UTC). */
export function isoOf(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith("T00:00:00.000Z") ? iso.slice(0, 10) : iso;
}

function codeOf(col: Extract<Column, { kind: "value" }>, v: Scalar | Scalar[]): number {
  // Most values are strings: `s` + the text is their key, which no JSON of a number, boolean or list can equal.
  const key = typeof v === "string" ? `s${v}` : JSON.stringify(v);
  let code = col.index.get(key);
  if (code === undefined) {
    col.dict.push(v);
    code = col.dict.length;
    col.index.set(key, code);
  }
  return code;
}

/** Write a value (null / undefined clears it). Values that do not fit a number or date column are dropped, as a platform would refuse them. */
export function setValue(col: Column, i: number, v: Scalar | Scalar[] | null | undefined): void {
  if (col.kind === "value") {
    col.codes[i] = v === null || v === undefined ? 0 : codeOf(col, v);
    return;
  }
  if (v === null || v === undefined) col.values[i] = NaN;
  else if (col.kind === "number") col.values[i] = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : NaN;
  else col.values[i] = dateMs(v);
}

export function getValue(col: Column, i: number): Scalar | Scalar[] | undefined {
  if (col.kind === "value") return col.codes[i] === 0 ? undefined : col.dict[col.codes[i]! - 1];
  const x = col.values[i]!;
  if (Number.isNaN(x)) return undefined;
  return col.kind === "number" ? x : isoOf(x);
}

export interface EventTable {
  /** Event type index -> name. */
  names: string[];
  count: number;
  /** Sorted by contact, then type, then time. */
  contact: Int32Array;
  type: Uint16Array;
  time: Float64Array;
  /** `offsets[contact * names.length + type]`: first event of that contact and type; one extra entry at the end. */
  offsets: Int32Array;
  /** Event properties by type and name, one column over all events (only that type's rows are set). */
  properties: Map<number, Map<string, Column>>;
}

export interface Population {
  size: number;
  ids: string[];
  /** When each contact appeared (ms); -Infinity: before anything we know of. */
  created: Float64Array;
  propertyTypes: ReadonlyMap<string, PropertySpec["type"]>;
  properties: Map<string, Column>;
  consents: Map<string, Uint8Array>;
  /** Static segment membership (1 = member). */
  segments: Map<string, Uint8Array>;
  events: EventTable;
}

/** Names numbered in the order first seen (event types). */
export class Names {
  readonly list: string[];
  private readonly index = new Map<string, number>();
  constructor(initial: readonly string[] = []) {
    this.list = [...initial];
    this.list.forEach((n, i) => this.index.set(n, i));
  }
  id(name: string): number {
    let t = this.index.get(name);
    if (t === undefined) {
      t = this.list.length;
      this.list.push(name);
      this.index.set(name, t);
    }
    return t;
  }
}

/** A copy of a typed array with room for `n` items (the new room zeroed). */
function resized<T extends Float64Array | Int32Array | Int16Array | Uint16Array | Uint8Array>(x: T, n: number): T {
  const y = new (x.constructor as new (n: number) => T)(n);
  y.set(x);
  return y;
}

/** Give each named typed-array field of `target` room for `n` items: parallel columns grow together. */
export function resizeFields(target: object, fields: readonly string[], n: number): void {
  const t = target as Record<string, Float64Array | Int32Array | Int16Array | Uint16Array | Uint8Array>;
  for (const f of fields) t[f] = resized(t[f]!, n);
}

/** Growable typed array. */
class Grow<T extends Float64Array | Int32Array | Uint16Array> {
  length = 0;
  constructor(public data: T, private readonly make: (n: number) => T) {}
  push(v: number): void {
    if (this.length === this.data.length) this.data = grown(this.data, this.make, this.length + 1);
    this.data[this.length++] = v;
  }
}

/** A copy of `data` with room for at least `need` items (doubling), the new room filled with what `make` gives. */
function grown<T extends Float64Array | Int32Array | Uint16Array>(data: T, make: (n: number) => T, need: number): T {
  const next = make(Math.max(16, need, data.length * 2));
  next.set(data);
  return next;
}

/** A column that grows as contacts (or events) are added. */
function growColumn(col: Column, need: number): Column {
  if (col.kind === "value") {
    return col.codes.length >= need ? col : { ...col, codes: grown(col.codes, (k) => new Int32Array(k), need) };
  }
  if (col.values.length >= need) return col;
  return { kind: col.kind, values: grown(col.values, (k) => new Float64Array(k).fill(NaN), need) } as Column;
}

const trim = (col: Column, size: number): Column =>
  col.kind === "value" ? { ...col, codes: col.codes.slice(0, size) } : ({ kind: col.kind, values: col.values.slice(0, size) } as Column);

/**
 * Builds a population one contact and one event at a time (generators and
 * file readers both use it), then sorts the events once.
 */
export class PopulationBuilder {
  private n = 0;
  private readonly ids: string[] = [];
  private readonly created = new Grow(new Float64Array(1024), (k) => new Float64Array(k));
  private readonly props = new Map<string, Column>();
  private readonly flagSets = { consents: new Map<string, Uint8Array>(), segments: new Map<string, Uint8Array>() };
  private readonly eventNames = new Names();
  private readonly evContact = new Grow(new Int32Array(1024), (k) => new Int32Array(k));
  private readonly evType = new Grow(new Uint16Array(1024), (k) => new Uint16Array(k));
  private readonly evTime = new Grow(new Float64Array(1024), (k) => new Float64Array(k));
  private readonly evProps = new Map<number, Map<string, Column>>();

  constructor(readonly propertyTypes: ReadonlyMap<string, PropertySpec["type"]>) {
    for (const [name, type] of propertyTypes) this.props.set(name, newColumn(type, 1024));
  }

  get size(): number {
    return this.n;
  }

  addContact(id: string, created = -Infinity): number {
    this.ids.push(id);
    this.created.push(created);
    return this.n++;
  }

  /** Only declared properties are kept: the stack cannot read any other. */
  setProperty(i: number, name: string, v: Scalar | Scalar[] | null): void {
    const col = this.props.get(name);
    if (!col) return;
    const ready = growColumn(col, i + 1);
    if (ready !== col) this.props.set(name, ready);
    setValue(ready, i, v);
  }

  setConsent(i: number, name: string): void {
    this.flag(this.flagSets.consents, name, i);
  }

  setSegment(i: number, name: string): void {
    this.flag(this.flagSets.segments, name, i);
  }

  /** Make sure a consent or segment column exists even when nobody is in it. */
  declare(consents: Iterable<string>, segments: Iterable<string>): void {
    for (const c of consents) if (!this.flagSets.consents.has(c)) this.flagSets.consents.set(c, new Uint8Array(1024));
    for (const s of segments) if (!this.flagSets.segments.has(s)) this.flagSets.segments.set(s, new Uint8Array(1024));
  }

  private flag(sets: Map<string, Uint8Array>, name: string, i: number): void {
    let a = sets.get(name) ?? new Uint8Array(1024);
    if (a.length <= i) {
      const next = new Uint8Array(Math.max(i + 1, a.length * 2));
      next.set(a);
      a = next;
    }
    sets.set(name, a);
    a[i] = 1;
  }

  eventType(name: string): number {
    return this.eventNames.id(name);
  }

  createdOf(i: number): number {
    return this.created.data[i]!;
  }

  hasProperty(i: number, name: string): boolean {
    const col = this.props.get(name);
    if (!col) return false;
    if (col.kind === "value") return i < col.codes.length && col.codes[i] !== 0;
    return i < col.values.length && !Number.isNaN(col.values[i]!);
  }

  eventName(type: number): string {
    return this.eventNames.list[type]!;
  }

  /** How many events have been added; an event's index is its order of addition. */
  get eventCount(): number {
    return this.evTime.length;
  }

  eventAt(k: number): { contact: number; type: number; time: number } {
    return { contact: this.evContact.data[k]!, type: this.evType.data[k]!, time: this.evTime.data[k]! };
  }

  /** Returns the event's index (its order of addition). */
  addEvent(i: number, type: number, time: number, properties?: Readonly<Record<string, Scalar>>): number {
    const k = this.evTime.length;
    this.evContact.push(i);
    this.evType.push(type);
    this.evTime.push(time);
    if (properties) for (const p in properties) this.setEventProperty(k, type, p, properties[p]!);
    return k;
  }

  /** One property of event `k` (as `addEvent` returned it), of event type `type`. */
  setEventProperty(k: number, type: number, name: string, v: Scalar): void {
    let byName = this.evProps.get(type);
    if (!byName) this.evProps.set(type, (byName = new Map()));
    const col = growColumn(byName.get(name) ?? newColumn(typeof v === "number" ? "number" : undefined, 1024), k + 1);
    byName.set(name, col);
    setValue(col, k, v);
  }

  build(): Population {
    const size = this.n;
    const properties = new Map<string, Column>();
    for (const [name, col] of this.props) properties.set(name, trim(growColumn(col, size), size));
    const flags = (sets: Map<string, Uint8Array>) =>
      new Map([...sets].map(([name, a]) => {
        const out = new Uint8Array(size);
        out.set(a.subarray(0, Math.min(size, a.length)));
        return [name, out] as const;
      }));
    return {
      size,
      ids: this.ids,
      created: this.created.data.slice(0, size),
      propertyTypes: this.propertyTypes,
      properties,
      consents: flags(this.flagSets.consents),
      segments: flags(this.flagSets.segments),
      events: this.buildEvents(size),
    };
  }

  /** Counting sort by (contact, type), then by time inside each group: linear in the number of events. */
  private buildEvents(size: number): EventTable {
    const count = this.evTime.length;
    const T = Math.max(1, this.eventNames.list.length);
    const contactIn = this.evContact.data, typeIn = this.evType.data, timeIn = this.evTime.data;
    const offsets = new Int32Array(size * T + 1);
    for (let k = 0; k < count; k++) offsets[contactIn[k]! * T + typeIn[k]! + 1]!++;
    for (let g = 0; g < size * T; g++) offsets[g + 1]! += offsets[g]!;
    const fill = offsets.slice(0, size * T);
    const order = new Int32Array(count);
    for (let k = 0; k < count; k++) order[fill[contactIn[k]! * T + typeIn[k]!]!++] = k;
    for (let g = 0; g < size * T; g++) {
      const a = offsets[g]!, b = offsets[g + 1]!;
      // Groups are small: insertion sort, stable, no comparator calls.
      for (let i = a + 1; i < b; i++) {
        const k = order[i]!, t = timeIn[k]!;
        let j = i - 1;
        while (j >= a && timeIn[order[j]!]! > t) order[j + 1] = order[j--]!;
        order[j + 1] = k;
      }
    }
    const contact = new Int32Array(count), type = new Uint16Array(count), time = new Float64Array(count);
    for (let j = 0; j < count; j++) {
      const k = order[j]!;
      contact[j] = contactIn[k]!;
      type[j] = typeIn[k]!;
      time[j] = timeIn[k]!;
    }
    const properties = new Map<number, Map<string, Column>>();
    for (const [t, byName] of this.evProps) {
      const cols = new Map<string, Column>();
      for (const [p, col] of byName) {
        const ready = growColumn(col, count);
        const sorted = newColumn(ready.kind === "value" ? undefined : ready.kind, count);
        if (ready.kind === "value" && sorted.kind === "value") {
          sorted.dict.push(...ready.dict);
          for (const [k, v] of ready.index) sorted.index.set(k, v);
          for (let j = 0; j < count; j++) sorted.codes[j] = ready.codes[order[j]!]!;
        } else if (ready.kind !== "value" && sorted.kind !== "value") {
          for (let j = 0; j < count; j++) sorted.values[j] = ready.values[order[j]!]!;
        }
        cols.set(p, sorted);
      }
      properties.set(t, cols);
    }
    return { names: [...this.eventNames.list], count, contact, type, time, offsets, properties };
  }
}
