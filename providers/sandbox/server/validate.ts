import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { KIND_KEYS, stackFileSchema, type Kind } from "../../../src/model";

/** The sandbox's answer to an invalid body, the shape real platforms use: one field, one message. */
export interface FieldError {
  code: string;
  message: string;
  field?: string;
}

let validateFile: ValidateFunction | undefined;
// A probe name that satisfies the stack file's name pattern: the spec sits under it.
const PROBE = "probe";

/**
 * Validates a spec with the model's own JSON Schema. The stack file schema is
 * compiled once (it already holds every kind, with recursive parts hoisted) and
 * the spec is placed inside it, so there is no second copy of any schema.
 */
export function validateSpec(kind: Kind, spec: Record<string, unknown>): FieldError | undefined {
  if (!validateFile) {
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    validateFile = ajv.compile(stackFileSchema());
  }
  if (validateFile({ [KIND_KEYS[kind]]: { [PROBE]: spec } })) return undefined;
  return toFieldError(kind, validateFile.errors ?? []);
}

function toFieldError(kind: Kind, errors: ErrorObject[]): FieldError {
  // Union schemas report every branch; the error that got deepest into the body names the real mistake.
  // At equal depth a literal mismatch is most likely a sibling branch's discriminator (`type`), so others win.
  const depth = (e: ErrorObject) =>
    e.instancePath.split("/").length -
    (e.keyword === "anyOf" || e.keyword === "oneOf" ? 0.5 : e.keyword === "const" || e.keyword === "enum" ? 0.25 : 0);
  const best = [...errors].sort((a, b) => depth(b) - depth(a))[0];
  const prefix = `/${KIND_KEYS[kind]}/${PROBE}`;
  const pointer = best?.instancePath.startsWith(prefix) ? best.instancePath.slice(prefix.length) : "";
  let field = pointer.split("/").filter(Boolean).map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`)).join("").replace(/^\./, "");
  let message = best?.message ?? "is invalid";
  if (best?.keyword === "additionalProperties") {
    const extra = (best.params as { additionalProperty: string }).additionalProperty;
    field = field ? `${field}.${extra}` : extra;
    message = "is not a known field";
  } else if (best?.keyword === "required") {
    const missing = (best.params as { missingProperty: string }).missingProperty;
    field = field ? `${field}.${missing}` : missing;
    message = "is required";
  } else if (best?.keyword === "enum" || best?.keyword === "const") {
    // A union of literals fails once per literal: gather them into one list of allowed values.
    const allowed = errors
      .filter((e) => e.instancePath === best.instancePath && (e.keyword === "const" || e.keyword === "enum"))
      .flatMap((e) => (e.keyword === "const" ? [(e.params as { allowedValue: unknown }).allowedValue] : (e.params as { allowedValues: unknown[] }).allowedValues));
    message = `must be one of: ${[...new Set(allowed)].join(", ")}`;
  }
  return { code: "invalid_field", message: field ? `\`${field}\` ${message}` : `the body ${message}`, field: field || undefined };
}
