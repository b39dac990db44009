import { uniqueResourceNames, type Kind, type PropertySpec } from "../../src/model";
import type { CallContext } from "../../src/provider/types";
import type { Refs } from "./mapping";

/**
 * Platform id <-> resource name, per kind, for the objects this provider has
 * seen, named from their display names. References inside specs ask the
 * engine's resolver (state) first, so a renamed resource keeps its name; a
 * listed object's own name is not asked for, since the engine counts every
 * unanswered question as a reference it must list again for.
 */
export class NameCache {
  private readonly byKind = new Map<Kind, { byId: Map<string, string>; byName: Map<string, string> }>();
  private readonly propertyTypes = new Map<string, PropertySpec["type"]>();
  /** HubSpot's own properties: listed (stacks refer to them) but never deleted. */
  readonly builtinProperties = new Set<string>();
  private readonly loading = new Map<Kind, Promise<unknown>>();

  constructor(private readonly loaders: Partial<Record<Kind, (ctx: CallContext) => Promise<unknown>>> = {}) {}

  /** Names for live objects of one kind, stable for a stable input order (sort by id first). */
  name(kind: Kind, items: readonly { id: string; display: string }[]): string[] {
    const names = uniqueResourceNames(items.map((it) => it.display));
    const byId = new Map(items.map((it, i) => [it.id, names[i]]));
    this.byKind.set(kind, { byId, byName: new Map(items.map((it, i) => [names[i], it.id])) });
    return names;
  }

  add(kind: Kind, id: string, name: string): void {
    const m = this.byKind.get(kind) ?? { byId: new Map(), byName: new Map() };
    m.byId.set(id, name);
    m.byName.set(name, id);
    this.byKind.set(kind, m);
  }

  remove(kind: Kind, id: string): void {
    const m = this.byKind.get(kind);
    const name = m?.byId.get(id);
    m?.byId.delete(id);
    if (name !== undefined) m?.byName.delete(name);
  }

  setPropertyTypes(types: Iterable<[string, PropertySpec["type"]]>): void {
    this.propertyTypes.clear();
    for (const [k, v] of types) this.propertyTypes.set(k, v);
  }

  /** Loads the kinds a mapping refers to, once each, when no list of them has been seen yet. */
  async ensure(kinds: readonly Kind[], ctx: CallContext): Promise<void> {
    await Promise.all(
      kinds.filter((k) => !this.byKind.has(k) && this.loaders[k]).map((k) => {
        const p = this.loading.get(k) ?? this.loaders[k]!(ctx).finally(() => this.loading.delete(k));
        this.loading.set(k, p);
        return p;
      }),
    );
  }

  refs(ctx: CallContext): Refs {
    return {
      id: (kind, name) => ctx.refs.idOf(kind, name) ?? this.byKind.get(kind)?.byName.get(name),
      name: (kind, id) => ctx.refs.nameOf(kind, id) ?? this.byKind.get(kind)?.byId.get(id),
      propertyType: (name) => this.propertyTypes.get(name),
    };
  }
}
