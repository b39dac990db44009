import { address, type Resource } from "../model";
import { references } from "../model/refs";

/**
 * Every address a resource's spec refers to, whether or not it is declared:
 * the caller keeps only edges to nodes it knows (a condition on the built-in
 * `email` property refers to nothing Mops manages).
 */
export function referencesOf(r: Resource): string[] {
  const out = new Set<string>();
  for (const ref of references(r.kind, r.spec)) if (ref.name) out.add(address(ref.kind, ref.name));
  out.delete(address(r.kind, r.name));
  return [...out].sort();
}
