import Ajv, { type ErrorObject, type SchemaObject } from "ajv";
import addFormats from "ajv-formats";
import automationV4 from "./automation-v4.schema.json";
import eventDefinitions from "./event-definitions.schema.json";
import { models, type Violation } from "./models";

/**
 * What the official client does not model, checked against JSON Schemas
 * derived from HubSpot's own OpenAPI specs (each file's `$comment` names the
 * spec file and commit): Automation v4 flows and custom event definitions.
 * Filter branches inside flows are the Lists grammar; the schema hands them to
 * the client's Lists models (`x-client-model`), so one checker judges them
 * wherever they appear.
 */

const lists = models("crm/lists");
const ajv = new Ajv({ allErrors: true, discriminator: true, strict: true, strictRequired: false });
addFormats(ajv, ["date-time"]);
ajv.addKeyword({ keyword: "x-client-variants", schemaType: "array" });
const pathOf = (pointer: string) => `$${pointer.replace(/\/(\d+)(?=\/|$)/g, "[$1]").replace(/\//g, ".")}`;

ajv.addKeyword({
  keyword: "x-client-model",
  schemaType: "string",
  errors: true,
  validate: function clientModel(model: string, data: unknown, parent?: SchemaObject, cxt?: { instancePath: string }) {
    const at = pathOf(cxt?.instancePath ?? "");
    const found = lists.check(data, model, at);
    const variants = parent?.["x-client-variants"] as string[] | undefined;
    if (variants && !variants.includes(lists.resolve(data, model))) {
      found.push({ at, problem: `filterBranchType ${JSON.stringify((data as { filterBranchType?: unknown })?.filterBranchType)} is not allowed here (${variants.join(", ")})` });
    }
    const errors: Partial<ErrorObject>[] = found.map((v) => ({ keyword: "x-client-model", message: v.problem, params: { at: v.at } }));
    (clientModel as { errors?: Partial<ErrorObject>[] }).errors = errors;
    return found.length === 0;
  },
});
ajv.addSchema(automationV4, "automation-v4");
ajv.addSchema(eventDefinitions, "event-definitions");

function describe(e: ErrorObject): Violation {
  const at = pathOf(e.instancePath);
  if (e.keyword === "x-client-model") return { at: (e.params as { at: string }).at, problem: e.message ?? "" };
  if (e.keyword === "additionalProperties") return { at, problem: `unknown field \`${(e.params as { additionalProperty: string }).additionalProperty}\`` };
  if (e.keyword === "required") return { at, problem: `missing required field \`${(e.params as { missingProperty: string }).missingProperty}\`` };
  if (e.keyword === "enum" || e.keyword === "const") return { at, problem: `${e.message}: ${JSON.stringify((e.params as { allowedValues?: unknown; allowedValue?: unknown }).allowedValues ?? (e.params as { allowedValue?: unknown }).allowedValue)}` };
  return { at, problem: e.message ?? e.keyword };
}

/** Violations of `value` against a definition of one of the spec-derived schemas. */
export function checkSpec(schema: "automation-v4" | "event-definitions", definition: string, value: unknown): Violation[] {
  const validate = ajv.getSchema(`${schema}#/definitions/${definition}`);
  if (!validate) throw new Error(`no definition ${definition} in ${schema}`);
  return validate(value) ? [] : (validate.errors ?? []).map(describe);
}
