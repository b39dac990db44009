import { uniqueResourceNames, type Kind, type PropertySpec } from "../../src/model";
import type { CallContext } from "../../src/provider/types";
import { EventTypes, type HsEventDefinition } from "./event-definitions";
import type { Refs } from "./mapping";

/**
 * Platform id <-> resource name, per kind, for the objects this provider has
 * seen. The engine's resolver (state) wins, so a resource keeps its name when
 * its HubSpot display name changes; other objects are named from display names.
 */
export class NameCache {
  private readonly byKind = new Map<Kind, { byId: Map<string, string>; byName: Map<string, string> }>();
  private readonly propertyTypes = new Map<string, PropertySpec["type"]>();
  /** HubSpot's own properties: listed (stacks refer to them) but never deleted. */
  readonly builtinProperties = new Set<string>();
  private readonly loading = new Map<Kind, Promise<unknown>>();
  /** Marketing email id -> the subscription type id it is sent under, from the last template listing. */
  readonly emailSubscriptions = new Map<string, string>();

  /** The account's custom events, read once per run and only when a filter or a stack names an event. */
  private loadedEvents?: EventTypes;
  private eventsLoading?: Promise<EventTypes>;

  constructor(
    private readonly loaders: Partial<Record<Kind, (ctx: CallContext) => Promise<unknown>>> = {},
    private readonly loadEvents?: (ctx: CallContext) => Promise<HsEventDefinition[]>,
  ) {}

  /** Names for live objects of one kind, stable for a stable input order (sort by id first). */
  name(kind: Kind, items: readonly { id: string; display: string }[], ctx: CallContext): string[] {
    const slugs = uniqueResourceNames(items.map((it) => it.display));
    // Asking by name first: the engine takes an unanswered `nameOf` for a reference it must list again for.
    const known = items.map((it, i) => (ctx.refs.idOf(kind, slugs[i]) === it.id ? slugs[i] : ctx.refs.nameOf(kind, it.id)));
    const taken = new Set(known.filter((n): n is string => n !== undefined));
    const names = items.map((_, i) => {
      if (known[i] !== undefined) return known[i]!;
      let n = slugs[i];
      for (let k = 2; taken.has(n); k++) n = `${slugs[i].slice(0, 95)}_${k}`;
      taken.add(n);
      return n;
    });
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

  /** Reads the account's event definitions, once; a failed read is tried again by the next caller. */
  async ensureEvents(ctx: CallContext): Promise<EventTypes> {
    if (this.loadedEvents) return this.loadedEvents;
    if (!this.loadEvents) return (this.loadedEvents = new EventTypes([]));
    this.eventsLoading ??= this.loadEvents(ctx)
      .then((defs) => (this.loadedEvents = new EventTypes(defs)))
      .finally(() => (this.eventsLoading = undefined));
    return this.eventsLoading;
  }

  refs(ctx: CallContext): Refs {
    return {
      id: (kind, name) => ctx.refs.idOf(kind, name) ?? this.byKind.get(kind)?.byName.get(name),
      name: (kind, id) => ctx.refs.nameOf(kind, id) ?? this.byKind.get(kind)?.byId.get(id),
      propertyType: (name) => this.propertyTypes.get(name),
      subscriptionOf: (emailId) => this.emailSubscriptions.get(emailId),
      eventTypeId: (event) => this.loadedEvents?.idOf(event),
      eventName: (id) => this.loadedEvents?.nameOf(id),
    };
  }
}
