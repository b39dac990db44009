import type { Kind } from "../../src/model";

/**
 * Where specs refer to other resources. The client writes names as platform
 * ids and reads ids back as names; the server checks that every id exists.
 * One walker serves both, so the list of reference sites lives in one place.
 */

/** Reference sites at fixed places of a kind's spec: dotted path; `[]` marks an array of references. */
const FIXED: Partial<Record<Kind, [string, Kind][]>> = {
  workflow: [["suppression.segments[]", "segment"]],
  user: [["role", "role"], ["teams[]", "team"]],
  frequency_cap: [["exempt.workflows[]", "workflow"]],
};

/**
 * Reference sites recognised by the shape of a nested object wherever it sits:
 * condition leaves (segments, entry filters, goals, branches) and workflow steps
 * nest recursively, so they are matched by shape rather than by path.
 */
function shapeRefs(node: Record<string, unknown>): [string, Kind][] {
  if (typeof node.in_segment === "string") return [["in_segment", "segment"]];
  if (typeof node.consent === "string") return [["consent", "subscription_type"]];
  switch (node.type) {
    case "segment_entry":
    case "add_to_segment":
    case "remove_from_segment":
      return [["segment", "segment"]];
    case "send":
      return [["template", "template"], ["subscription_type", "subscription_type"]];
    default:
      return [];
  }
}

/** Kinds whose specs hold shape-recognised references (conditions, triggers, steps). */
const SHAPED: ReadonlySet<Kind> = new Set(["segment", "workflow"]);

export type RefMapper = (kind: Kind, value: string, path: string) => string;

/** A copy of `spec` with every reference replaced by `map(kind, value, path)`. */
export function mapRefs<T>(kind: Kind, spec: T, map: RefMapper): T {
  const out = SHAPED.has(kind) ? walk(spec, "", map) : structuredClone(spec);
  for (const [path, refKind] of FIXED[kind] ?? []) mapFixed(out, path.split("."), "", refKind, map);
  return out as T;
}

/** Every reference in a spec, with the path it sits at. */
export function refsOf(kind: Kind, spec: unknown): { kind: Kind; value: string; path: string }[] {
  const found: { kind: Kind; value: string; path: string }[] = [];
  mapRefs(kind, spec, (k, value, path) => {
    found.push({ kind: k, value, path });
    return value;
  });
  return found;
}

function walk(v: unknown, path: string, map: RefMapper): unknown {
  if (Array.isArray(v)) return v.map((x, i) => walk(x, `${path}[${i}]`, map));
  if (!v || typeof v !== "object") return v;
  const node = v as Record<string, unknown>;
  const refs = new Map(shapeRefs(node));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(node)) {
    const p = path ? `${path}.${k}` : k;
    const refKind = refs.get(k);
    out[k] = refKind && typeof x === "string" ? map(refKind, x, p) : walk(x, p, map);
  }
  return out;
}

function mapFixed(obj: unknown, keys: string[], path: string, kind: Kind, map: RefMapper): void {
  if (!obj || typeof obj !== "object") return;
  const [head, ...rest] = keys;
  const isArray = head!.endsWith("[]");
  const key = isArray ? head!.slice(0, -2) : head!;
  const node = obj as Record<string, unknown>;
  const p = path ? `${path}.${key}` : key;
  const v = node[key];
  if (rest.length > 0) return mapFixed(v, rest, p, kind, map);
  if (isArray && Array.isArray(v)) node[key] = v.map((x, i) => (typeof x === "string" ? map(kind, x, `${p}[${i}]`) : x));
  else if (!isArray && typeof v === "string") node[key] = map(kind, v, p);
}
