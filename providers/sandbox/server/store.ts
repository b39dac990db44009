import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import writeFileAtomic from "write-file-atomic";
import { KIND_KEYS, KINDS, type Kind } from "../../../src/model";
import { refsOf } from "../refs";
import { specOf, type WireObject } from "../protocol";

interface Entry {
  obj: WireObject;
  /** Creation order: list pages and cursors follow it. */
  seq: number;
  /** Cached serialisation, so persisting a kind re-serialises only what changed. */
  json: string;
}

/**
 * One kind's objects in memory (every read is served from here), mirrored to
 * one JSON file written atomically after every change.
 */
class KindStore {
  private readonly byId = new Map<string, Entry>();
  private readonly idByName = new Map<string, string>();
  private order: Entry[] = [];
  private orderStale = false;
  private nextSeq = 1;

  constructor(private readonly file: string | undefined) {
    if (file && existsSync(file)) {
      for (const obj of JSON.parse(readFileSync(file, "utf8")) as WireObject[]) this.put(obj);
    }
  }

  get size(): number {
    return this.byId.size;
  }
  get(id: string): WireObject | undefined {
    return this.byId.get(id)?.obj;
  }
  idOfName(name: string): string | undefined {
    return this.idByName.get(name);
  }
  all(): WireObject[] {
    return [...this.byId.values()].map((e) => e.obj);
  }

  /** Objects created after the one at `afterSeq`, at most `limit`, already serialised. */
  page(afterSeq: number, limit: number): { json: string[]; lastSeq?: number; more: boolean } {
    if (this.orderStale) {
      this.order = [...this.byId.values()];
      this.orderStale = false;
    }
    let lo = 0, hi = this.order.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.order[mid]!.seq <= afterSeq) lo = mid + 1;
      else hi = mid;
    }
    const slice = this.order.slice(lo, lo + limit);
    return { json: slice.map((e) => e.json), lastSeq: slice.at(-1)?.seq, more: lo + limit < this.order.length };
  }

  put(obj: WireObject): void {
    const prev = this.byId.get(obj.id);
    if (prev && prev.obj.name !== obj.name) this.idByName.delete(prev.obj.name);
    // Replacing keeps the creation position (Map order and seq), so cursors stay valid.
    const entry = { obj, seq: prev?.seq ?? this.nextSeq++, json: JSON.stringify(obj) };
    this.byId.set(obj.id, entry);
    this.idByName.set(obj.name, obj.id);
    if (prev) this.orderStale = true;
    else if (!this.orderStale) this.order.push(entry);
  }

  remove(id: string): void {
    const prev = this.byId.get(id);
    if (!prev) return;
    this.byId.delete(id);
    this.idByName.delete(prev.obj.name);
    this.orderStale = true;
  }

  persist(): void {
    if (!this.file) return;
    const body = `[\n${[...this.byId.values()].map((e) => e.json).join(",\n")}\n]\n`;
    // No fsync: the crash being simulated is a killed process, whose writes the OS keeps;
    // fsync per write would make every apply disk-bound for no gain.
    writeFileAtomic.sync(this.file, body, { fsync: false });
  }
}

/** All kinds, plus who references whom (so a referenced object cannot be deleted). */
export class Store {
  private readonly kinds: Record<Kind, KindStore>;
  /** target id -> ids of objects whose specs reference it. */
  private readonly referrers = new Map<string, Set<string>>();

  constructor(dataDir?: string) {
    if (dataDir) mkdirSync(dataDir, { recursive: true });
    this.kinds = Object.fromEntries(
      KINDS.map((k) => [k, new KindStore(dataDir ? join(dataDir, `${KIND_KEYS[k]}.json`) : undefined)]),
    ) as Record<Kind, KindStore>;
    for (const k of KINDS) for (const o of this.kinds[k].all()) this.index(k, o, +1);
  }

  of(kind: Kind): KindStore {
    return this.kinds[kind];
  }

  referrersOf(id: string): string[] {
    return [...(this.referrers.get(id) ?? [])];
  }

  /** Insert or replace, keeping the reference index in step, then persist the kind (unless a batch persists once at its end). */
  write(kind: Kind, obj: WireObject, persist = true): void {
    const prev = this.kinds[kind].get(obj.id);
    if (prev) this.index(kind, prev, -1);
    this.kinds[kind].put(obj);
    this.index(kind, obj, +1);
    if (persist) this.kinds[kind].persist();
  }

  persist(kind: Kind): void {
    this.kinds[kind].persist();
  }

  delete(kind: Kind, id: string): void {
    const prev = this.kinds[kind].get(id);
    if (!prev) return;
    this.index(kind, prev, -1);
    this.kinds[kind].remove(id);
    this.kinds[kind].persist();
  }

  private index(kind: Kind, obj: WireObject, delta: 1 | -1): void {
    for (const r of refsOf(kind, specOf(obj))) {
      let set = this.referrers.get(r.value);
      if (delta > 0) {
        if (!set) this.referrers.set(r.value, (set = new Set()));
        set.add(obj.id);
      } else set?.delete(obj.id);
    }
  }
}
