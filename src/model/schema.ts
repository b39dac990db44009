import { Type, type TSchema } from "@sinclair/typebox";
import { KIND_KEYS, KINDS, SPEC_SCHEMAS, StackHeader } from "./stack";

/**
 * The JSON Schema of a stack file, built from the same TypeBox values the
 * TypeScript types are derived from: one source, two products.
 */
export function stackFileSchema(): TSchema {
  const kindMaps = Object.fromEntries(
    KINDS.map((k) => [
      KIND_KEYS[k],
      // Without additionalProperties a name outside the pattern would pass unchecked.
      Type.Optional(Type.Record(Type.String({ pattern: "^[a-z][a-z0-9_]*$" }), SPEC_SCHEMAS[k], { additionalProperties: false })),
    ]),
  );
  return hoistIdentified(
    Type.Object(
      { $schema: Type.Optional(Type.String()), ...StackHeader, stack: Type.Optional(StackHeader.stack), ...kindMaps },
      {
        additionalProperties: false,
        // `x-…` keys hold YAML anchors to reuse (`<<: *defaults`), as in docker-compose files.
        patternProperties: { "^x-": {} },
        $id: "https://mops.dev/schema/stack.json",
        title: "Mops stack file",
        description: "Marketing operations as code: one file of a Mops stack.",
      },
    ),
  );
}

/**
 * TypeBox's recursive schemas (Condition, Step) carry an `$id` and are embedded
 * wherever they are used; a JSON Schema may define an id only once (ajv refuses
 * "resolves to more than one schema"). Keep the first definition under `$defs`
 * and refer to it from every use.
 */
export function hoistIdentified(root: TSchema): TSchema {
  const defs: Record<string, unknown> = {};
  const walk = (node: unknown, isRoot: boolean): unknown => {
    if (Array.isArray(node)) return node.map((x) => walk(x, false));
    if (!node || typeof node !== "object") return node;
    const obj = node as Record<string, unknown>;
    if (!isRoot && typeof obj.$id === "string") {
      if (!(obj.$id in defs)) {
        defs[obj.$id] = true; // placeholder: a definition may refer to itself
        defs[obj.$id] = copy(obj);
      }
      return { $ref: obj.$id };
    }
    return copy(obj);
  };
  const copy = (obj: Record<string, unknown>) => Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, walk(v, false)]));
  const out = walk(root, true) as TSchema;
  return { ...out, $defs: defs } as TSchema;
}
