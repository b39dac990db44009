import type { Kind } from "../model";
import type { LiveObject, RefResolver } from "../provider";
import type { State } from "../state/types";

/**
 * name <-> id, from state and live objects, updated as apply creates things.
 * Live wins over state: it is what the platform holds now.
 */
export class MutableRefs implements RefResolver {
  private ids = new Map<string, string>();
  private names = new Map<string, string>();

  static from(state?: State, live: readonly LiveObject[] = []): MutableRefs {
    const r = new MutableRefs();
    for (const s of Object.values(state?.resources ?? {})) if (s.id) r.set(s.kind, s.name, s.id);
    for (const l of live) r.set(l.kind, l.name, l.id);
    return r;
  }

  set(kind: Kind, name: string, id: string): void {
    this.ids.set(`${kind}\0${name}`, id);
    this.names.set(`${kind}\0${id}`, name);
  }

  forget(kind: Kind, name: string): void {
    const id = this.ids.get(`${kind}\0${name}`);
    this.ids.delete(`${kind}\0${name}`);
    if (id !== undefined) this.names.delete(`${kind}\0${id}`);
  }

  idOf(kind: Kind, name: string): string | undefined {
    return this.ids.get(`${kind}\0${name}`);
  }

  nameOf(kind: Kind, id: string): string | undefined {
    return this.names.get(`${kind}\0${id}`);
  }
}
