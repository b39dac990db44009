import { uniqueResourceNames, type Kind } from "../../src/model";
import type { CallContext } from "../../src/provider/types";

/**
 * Braze id <-> resource name per kind, for the objects this provider has
 * listed. A name the engine already knows (state) wins, so a resource keeps
 * its name when its display name changes in the dashboard; anything else is
 * named from its display name, de-duplicated in a stable (id) order.
 */
export class Names {
  private readonly kinds = new Map<Kind, Map<string, string>>();
  private readonly pending = new Map<Kind, Promise<unknown>>();

  /** `load(kind)` lists a kind so that its names are known; used when a mapping needs names it has not seen. */
  constructor(private readonly load: (kind: Kind, ctx: CallContext) => Promise<unknown> = async () => undefined) {}

  /** Names for one listing of a kind (pass items sorted by id). */
  assign(kind: Kind, items: readonly { id: string; display: string }[], ctx: CallContext): string[] {
    const slugs = uniqueResourceNames(items.map((i) => i.display));
    // Ask by name before asking by id: an unanswered `nameOf` makes the engine list this kind again.
    const kept = items.map((it, i) => (ctx.refs.idOf(kind, slugs[i]!) === it.id ? slugs[i] : ctx.refs.nameOf(kind, it.id)));
    const taken = new Set(kept.filter((n): n is string => n !== undefined));
    const names = items.map((_, i) => {
      const known = kept[i];
      if (known !== undefined) return known;
      let name = slugs[i]!;
      for (let k = 2; taken.has(name); k++) name = `${slugs[i]!.slice(0, 95)}_${k}`;
      taken.add(name);
      return name;
    });
    this.kinds.set(kind, new Map(items.map((it, i) => [it.id, names[i]!])));
    return names;
  }

  set(kind: Kind, id: string, name: string): void {
    const m = this.kinds.get(kind) ?? new Map<string, string>();
    m.set(id, name);
    this.kinds.set(kind, m);
  }

  /** A resource name for a platform id: the engine's, then this provider's. */
  nameOf(kind: Kind, id: string, ctx: CallContext): string | undefined {
    return this.kinds.get(kind)?.get(id) ?? ctx.refs.nameOf(kind, id);
  }

  /** A platform id for a resource name: the engine's, then this provider's. */
  idOf(kind: Kind, name: string, ctx: CallContext): string | undefined {
    const own = [...(this.kinds.get(kind) ?? [])].find(([, n]) => n === name)?.[0];
    return ctx.refs.idOf(kind, name) ?? own;
  }

  /** Lists the kinds not seen yet, once each. */
  async ensure(kinds: readonly Kind[], ctx: CallContext): Promise<void> {
    await Promise.all(kinds.filter((k) => !this.kinds.has(k)).map((k) => {
      let p = this.pending.get(k);
      if (!p) {
        p = this.load(k, ctx).finally(() => this.pending.delete(k));
        this.pending.set(k, p);
      }
      return p;
    }));
  }
}
