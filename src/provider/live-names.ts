import { uniqueResourceNames, type Kind } from "../model";
import type { RefResolver } from "./types";

/**
 * Resource names for a kind's live objects, stable for a stable input order:
 * the engine's name for an id it knows (state) wins, so a resource keeps its
 * name when its display name changes on the platform; others get a slug of
 * their display name, made unique. (HubSpot's NameCache holds its own copy.)
 */
export function nameLiveObjects(kind: Kind, items: readonly { id: string; display: string }[], refs: RefResolver): string[] {
  const slugs = uniqueResourceNames(items.map((it) => it.display));
  // Asking by name first: the engine takes an unanswered `nameOf` for a reference it must list again for.
  const known = items.map((it, i) => (refs.idOf(kind, slugs[i]!) === it.id ? slugs[i] : refs.nameOf(kind, it.id)));
  const taken = new Set(known.filter((n): n is string => n !== undefined));
  return items.map((_, i) => {
    if (known[i] !== undefined) return known[i]!;
    let n = slugs[i]!;
    for (let k = 2; taken.has(n); k++) n = `${slugs[i]!.slice(0, 95)}_${k}`;
    taken.add(n);
    return n;
  });
}
