import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { generateValidators, OUTPUT, schemaHash } from "../../../scripts/generate-validators";
import { SCHEMA_HASH } from "../../../src/stack/validators.generated";

/** `mops` compiles no schema at run time: the validators are generated code, and must be of the schemas as they are. */
describe("the precompiled validators (src/stack/validators.generated.js)", () => {
  it("were generated from the stack and policy schemas as they are now", () => {
    expect(SCHEMA_HASH, "a schema in src/model changed: run `npm run generate`").toBe(schemaHash());
  });

  it("are exactly what the generator makes (a change to it, or to ajv, needs `npm run generate` too)", () => {
    // One long line of code: compare, do not let vitest diff it.
    expect(generateValidators() === readFileSync(OUTPUT, "utf8"), "run `npm run generate`").toBe(true);
  });
});
