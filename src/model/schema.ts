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
      Type.Optional(Type.Record(Type.String({ pattern: "^[a-z][a-z0-9_]*$" }), SPEC_SCHEMAS[k])),
    ]),
  );
  return Type.Object(
    { $schema: Type.Optional(Type.String()), ...StackHeader, stack: Type.Optional(StackHeader.stack), ...kindMaps },
    {
      additionalProperties: false,
      $id: "https://mops.dev/schema/stack.json",
      title: "Mops stack file",
      description: "Marketing operations as code: one file of a Mops stack.",
    },
  );
}
