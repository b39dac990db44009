import type { Kind } from "../../src/model";
import { mapReferences, pathText, references, type Reference } from "../../src/model/refs";

/**
 * The sandbox's view of references: the client writes names as platform ids
 * and reads ids back as names; the server checks that every id exists.
 * Property and event references stay names: the sandbox stores them by name,
 * and a stack may name events its catalogue does not declare.
 */

export type RefMapper = (kind: Kind, value: string, path: string) => string;

const onWire = (r: Reference) => r.kind !== "property" && r.kind !== "event";

/** A copy of `spec` with every reference replaced by `map(kind, value, path)`. */
export function mapRefs<T>(kind: Kind, spec: T, map: RefMapper): T {
  return mapReferences(kind, spec, (r) => (onWire(r) ? map(r.kind, r.name, pathText(r.path)) : r.name));
}

/** Every reference in a spec, with the path it sits at. */
export function refsOf(kind: Kind, spec: unknown): { kind: Kind; value: string; path: string }[] {
  return [...references(kind, spec)].filter(onWire).map((r) => ({ kind: r.kind, value: r.name, path: pathText(r.path) }));
}
