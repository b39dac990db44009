import type { Kind } from "../../src/model";
import { nameLiveObjects } from "../../src/provider/live-names";
import type { CallContext } from "../../src/provider/types";
import type { Refs } from "./mapping";

/**
 * Klaviyo id <-> resource name per kind, metric id <-> name, tag id <-> name,
 * for the objects this provider has seen. The engine's resolver (state) wins,
 * so a resource keeps its name when its Klaviyo display name changes.
 */
export class NameCache {
  private readonly byKind = new Map<Kind, Map<string, string>>();
  readonly metrics = new Map<string, string>();
  readonly tags = new Map<string, string>();
  private readonly loaded = new Set<string>();
  private readonly loading = new Map<string, Promise<unknown>>();

  constructor(private readonly loaders: Record<string, (ctx: CallContext) => Promise<unknown>> = {}) {}

  /** Names for live objects of one kind, stable for a stable input order (sorted by id). */
  name(kind: Kind, items: readonly { id: string; display: string }[], ctx: CallContext): string[] {
    const names = nameLiveObjects(kind, items, ctx.refs);
    this.byKind.set(kind, new Map(items.map((it, i) => [it.id, names[i]!])));
    this.loaded.add(kind);
    return names;
  }

  add(kind: Kind, id: string, name: string): void {
    const m = this.byKind.get(kind) ?? new Map<string, string>();
    for (const [i, n] of m) if (n === name && i !== id) m.delete(i);
    m.set(id, name);
    this.byKind.set(kind, m);
  }

  remove(kind: Kind, id: string): void {
    this.byKind.get(kind)?.delete(id);
  }

  markLoaded(what: string): void {
    this.loaded.add(what);
  }

  /** Loads what a mapping refers to (kinds, "metrics", "tags"), once each, unless a listing was seen already. */
  async ensure(what: readonly string[], ctx: CallContext): Promise<void> {
    await Promise.all(
      what.filter((k) => !this.loaded.has(k) && this.loaders[k]).map((k) => {
        const p = this.loading.get(k) ?? this.loaders[k]!(ctx).finally(() => this.loading.delete(k));
        this.loading.set(k, p);
        return p;
      }),
    );
  }

  refs(ctx: CallContext): Refs {
    const idOf = (kind: Kind, name: string) => {
      for (const [id, n] of this.byKind.get(kind) ?? []) if (n === name) return id;
      return undefined;
    };
    const metricIds = new Map([...this.metrics].map(([id, name]) => [name, id]));
    return {
      id: (kind, name) => ctx.refs.idOf(kind, name) ?? idOf(kind, name),
      name: (kind, id) => ctx.refs.nameOf(kind, id) ?? this.byKind.get(kind)?.get(id),
      metricId: (event) => metricIds.get(event),
      metricName: (id) => this.metrics.get(id),
    };
  }
}
