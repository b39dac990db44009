import { error } from "../../src/diagnostics";
import { address, type Kind, type Resource, type SpecOf } from "../../src/model";
import { ProviderError, type LiveObject, type OwnerMark, type RefResolver } from "../../src/provider/types";
import { specOf, type WireObject } from "./protocol";
import { mapRefs } from "./refs";

/**
 * Neutral resource <-> sandbox wire object. The sandbox stores a spec's own
 * fields flat beside its server fields, with references as platform ids; so
 * the mapping is the same for every kind and lives here once.
 */

/** Request body for create / replace: references become ids, and the owner mark goes into the object's metadata. */
export function toWire(resource: Resource, refs: RefResolver, owner?: OwnerMark): Record<string, unknown> {
  const spec = mapRefs(resource.kind, resource.spec as unknown, (kind, name, path) => {
    const id = refs.idOf(kind, name);
    if (id !== undefined) return id;
    throw new ProviderError(
      error("sandbox/unresolved-reference", `\`${path}\` refers to ${address(kind, name)}, which does not exist on the platform`, {
        address: address(resource.kind, resource.name),
        hint: `declare ${address(kind, name)} in the stack (it is created first) or import it`,
      }),
    );
  }) as Record<string, unknown>;
  return { name: resource.name, ...(owner ? { metadata: { mops_owner: owner } } : {}), ...spec };
}

/** The owner mark an object carries, when it is a well-formed one. */
function ownerOf(obj: WireObject): OwnerMark | undefined {
  const m = (obj.metadata as { mops_owner?: Partial<OwnerMark> } | undefined)?.mops_owner;
  return m && typeof m.stack === "string" && typeof m.environment === "string" && typeof m.lineage === "string"
    ? { stack: m.stack, environment: m.environment, lineage: m.lineage }
    : undefined;
}

/** A live object in neutral terms: ids become names (an id with no known name stays as it is, so the diff shows it). */
export function fromWire(kind: Kind, obj: WireObject, refs: RefResolver): LiveObject {
  const spec = mapRefs(kind, specOf(obj), (refKind, id) => refs.nameOf(refKind, id) ?? id);
  const owner = ownerOf(obj);
  return { kind, id: obj.id, name: obj.name, spec: spec as SpecOf[Kind], version: String(obj.revision), ...(owner ? { owner } : {}) };
}

/**
 * The desired resource as the sandbox will hand it back: it keeps every field it
 * is sent and adds none, so only what JSON cannot carry (undefined) falls away.
 */
export function normalize(resource: Resource): Resource {
  return { ...resource, spec: JSON.parse(JSON.stringify(resource.spec)) } as Resource;
}
