import type { ErrorObject, ValidateFunction } from "ajv";
import type { Target } from "./locator";
import { closest, quote, snakeCase } from "../diagnostics/suggest";
import type { SpecPath } from "./types";
// Precompiled from src/model by `npm run generate`: no schema is compiled at run time.
import { branches, defs as schemaDefs, stack as validateFile } from "./validators.generated";

/** A schema violation before it is given a source position. */
export interface SchemaIssue {
  code: string;
  message: string;
  hint?: string;
  path: SpecPath;
  target: Target;
}

type Schema = Record<string, unknown> & {
  anyOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
  type?: string | string[];
  const?: unknown;
  $ref?: string;
  $id?: string;
  description?: string;
};

const defs = schemaDefs as Record<string, Schema>;

/**
 * Validate one stack file's data against the stack JSON Schema (ajv), and turn
 * ajv's errors into one issue per mistake: for unions (a step, a trigger, a
 * condition, an enum) ajv reports every branch's failure; we pick the branch
 * the author meant (by `type`, by keys, by value type) and report only its errors.
 */
export function schemaIssues(data: unknown): SchemaIssue[] {
  if (validateFile(data)) return [];
  const issues = dedupe(fromErrors(validateFile.errors ?? [], []));
  // Never let an invalid file through silently, whatever the explanation missed.
  if (issues.length > 0) return issues;
  const e = validateFile.errors?.[0];
  return [{ code: "MOPS199", message: e?.message ?? "does not match the schema", path: toPath(e?.instancePath ?? ""), target: "value" }];
}

/** The branch's own validator: the generator made every union branch a definition (`$id: branch-N`). */
function validatorFor(schema: Schema): ValidateFunction {
  const v = schema.$id === undefined ? undefined : branches[schema.$id];
  if (!v) throw new Error("a union branch has no precompiled validator: run `npm run generate`");
  return v;
}

function explain(schema: Schema, data: unknown, base: SpecPath): SchemaIssue[] {
  const v = validatorFor(schema);
  return v(data) ? [] : fromErrors(v.errors ?? [], base);
}

const toPath = (instancePath: string): (string | number)[] =>
  instancePath === ""
    ? []
    : instancePath
        .slice(1)
        .split("/")
        .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
        .map((s) => (/^(0|[1-9][0-9]*)$/.test(s) ? Number(s) : s));

const under = (p: string, root: string) => p === root || p.startsWith(root + "/");

function fromErrors(errors: ErrorObject[], base: SpecPath): SchemaIssue[] {
  const unions = errors.map((e, i) => ({ e, i })).filter(({ e }) => e.keyword === "anyOf");
  // ajv reports a union after everything inside it: a union is a root when no
  // later union encloses it.
  const roots = unions.filter(({ e, i }) => !unions.some((u) => u.i > i && under(e.instancePath, u.e.instancePath)));
  const out: SchemaIssue[] = [];
  for (const e of errors) {
    if (e.keyword === "anyOf" || roots.some((r) => under(e.instancePath, r.e.instancePath))) continue;
    out.push(leaf(e, [...base, ...toPath(e.instancePath)]));
  }
  for (const { e } of roots) {
    const path = [...base, ...toPath(e.instancePath)];
    out.push(...explainUnion(e.parentSchema as Schema, e.data, path));
  }
  return out;
}

const deref = (s: Schema): Schema => (s.$ref && defs[s.$ref] ? defs[s.$ref] : s);
const isPlainObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);

function explainUnion(union: Schema, data: unknown, path: SpecPath): SchemaIssue[] {
  const branches = (union.anyOf ?? []).map(deref);
  const picked = pickBranch(union, branches, data, path);
  if (typeof picked !== "number") return [picked];
  const b = branches[picked];
  return b.anyOf ? explainUnion(b, data, path) : explain(b, data, path);
}

/** The branch the author meant, or the one issue that says no branch fits. */
function pickBranch(union: Schema, branches: Schema[], data: unknown, path: SpecPath): number | SchemaIssue {
  if (branches.every((b) => "const" in b)) return notAllowed(branches.map((b) => b.const), data, path);

  const discriminated = branches.every((b) => b.properties?.type && "const" in deref(b.properties.type));
  if (discriminated) {
    const kinds = branches.map((b) => deref(b.properties!.type).const as string);
    if (!isPlainObject(data)) return wrongType(["object"], data, path);
    if (data.type === undefined)
      return { code: "MOPS102", message: "missing required key `type`", hint: `one of: ${kinds.join(", ")}`, path, target: "key" };
    const i = kinds.indexOf(data.type as string);
    return i >= 0 ? i : notAllowed(kinds, data.type, [...path, "type"], union.description);
  }

  if (isPlainObject(data)) {
    // Conditions: the keys say which form it is (`all`, `property`, `event`, …).
    const objectBranches = branches
      .flatMap((b, i) => (b.anyOf ? b.anyOf.map((s) => ({ s: deref(s), i })) : [{ s: b, i }]))
      .filter(({ s }) => s.type === "object");
    let best: { i: number; score: number } | undefined;
    for (const { s, i } of objectBranches) {
      const props = Object.keys(s.properties ?? {});
      const score = Object.keys(data).filter((k) => props.includes(k)).length * 2 + ((s.required ?? []).every((r) => r in data) ? 1 : 0);
      if (!best || score > best.score) best = { i, score };
    }
    if (best && best.score >= 2) return best.i;
    if (objectBranches.length > 0) {
      const known = [...new Set(objectBranches.flatMap(({ s }) => s.required ?? []))];
      const key = Object.keys(data)[0];
      if (key === undefined)
        return { code: "MOPS102", message: "empty mapping", hint: `expected one of the keys ${known.map(quote).join(", ")}`, path, target: "value" };
      const near = closest(key, known);
      return {
        code: "MOPS104",
        message: `unknown key ${quote(key)}`,
        hint: near ? `did you mean \`${near}\`?` : `expected one of the keys ${known.map(quote).join(", ")}`,
        path: [...path, key],
        target: "key",
      };
    }
  }

  const t = jsonType(data);
  const i = branches.findIndex((b) => typesOf(b).some((bt) => bt === t || (bt === "number" && t === "integer")));
  if (i >= 0) return i;
  return wrongType(branches.flatMap(typesOf), data, path);
}

function typesOf(s: Schema): string[] {
  if (s.anyOf) return s.anyOf.flatMap((x) => typesOf(deref(x)));
  if (Array.isArray(s.type)) return s.type;
  return s.type ? [s.type] : [];
}

function jsonType(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

const TYPE_NAMES: Record<string, string> = {
  object: "a mapping",
  array: "a list",
  string: "text",
  number: "a number",
  integer: "a whole number",
  boolean: "true or false",
  null: "null",
};

function describe(v: unknown): string {
  const t = jsonType(v);
  if (t === "object" || t === "array") return TYPE_NAMES[t];
  return `${TYPE_NAMES[t]} (${JSON.stringify(v)})`;
}

function wrongType(expected: string[], data: unknown, path: SpecPath): SchemaIssue {
  const names = [...new Set(expected.map((t) => TYPE_NAMES[t] ?? t))];
  const want = names.length > 1 ? `${names.slice(0, -1).join(", ")}, or ${names[names.length - 1]}` : names[0];
  const hint =
    typeof data === "string" && expected.some((t) => t === "number" || t === "integer") && data.trim() !== "" && !isNaN(Number(data))
      ? `write it without quotes: ${data}`
      : undefined;
  return { code: "MOPS101", message: `expected ${want}, got ${describe(data)}`, hint, path, target: "value" };
}

function notAllowed(allowed: unknown[], data: unknown, path: SpecPath, description?: string): SchemaIssue {
  const words = allowed.map(String);
  const near = typeof data === "string" ? closest(data, words) : undefined;
  const list = `allowed: ${words.join(", ")}`;
  const field = [...path].reverse().find((p): p is string => typeof p === "string");
  return {
    code: "MOPS105",
    message: `${quote(data)} is not an allowed ${field ? `\`${field}\`` : "value"}${description && /^[a-z ]+:/.test(description) ? ` for ${description.split(":")[0].trim()}` : ""}`,
    hint: near ? `did you mean \`${near}\`? ${list}` : list,
    path,
    target: "value",
  };
}

const NAME_PATTERN = "^[a-z][a-z0-9_]*$";

function leaf(e: ErrorObject, path: SpecPath): SchemaIssue {
  const ps = (e.parentSchema ?? {}) as Schema;
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case "additionalProperties": {
      const key = String(p.additionalProperty);
      const keyPath = [...path, key];
      if (ps.patternProperties && path.length > 0) {
        return {
          code: "MOPS111",
          message: `${quote(key)} is not a valid name`,
          hint: `names are lower_snake_case: a letter, then letters, digits or _${snakeCase(key) ? ` (e.g. \`${snakeCase(key)}\`)` : ""}`,
          path: keyPath,
          target: "key",
        };
      }
      const allowed = Object.keys(ps.properties ?? {}).filter((k) => k !== "$schema");
      const near = closest(key, allowed);
      const top = path.length === 0;
      return {
        code: top ? "MOPS103" : "MOPS104",
        message: `unknown ${top ? "top-level key" : "key"} ${quote(key)}`,
        hint: near ? `did you mean \`${near}\`?` : `allowed keys: ${allowed.join(", ")}`,
        path: keyPath,
        target: "key",
      };
    }
    case "required": {
      const key = String(p.missingProperty);
      const desc = ps.properties?.[key] ? deref(ps.properties[key]).description : undefined;
      const hint = desc === undefined ? undefined : desc.startsWith(`${key}:`) ? desc : `\`${key}\`: ${desc}`;
      return { code: "MOPS102", message: `missing required key \`${key}\``, hint, path, target: "key" };
    }
    case "type":
      return wrongType(String(p.type).split(","), e.data, path);
    case "const":
      return notAllowed([p.allowedValue], e.data, path);
    case "enum":
      return notAllowed(p.allowedValues as unknown[], e.data, path);
    case "pattern": {
      const v = String(e.data);
      if (ps.pattern === NAME_PATTERN) {
        const s = snakeCase(v);
        return {
          code: "MOPS106",
          message: `${quote(v)} is not a valid name`,
          hint: `names are lower_snake_case: a letter, then letters, digits or _${s ? ` (e.g. \`${s}\`)` : ""}`,
          path,
          target: "value",
        };
      }
      if (/duration/.test(ps.description ?? "") || /\(m\|h\|d\|w\)/.test(String(ps.pattern)))
        return { code: "MOPS106", message: `${quote(v)} is not a duration`, hint: "write a number and a unit: 30m, 2h, 3d or 2w", path, target: "value" };
      if (path[0] === "environments" && (path[2] === "provider" || path[2] === "state") && (path.at(-1) === "token" || path.at(-1) === "url")) {
        // Never repeat a credential in a message (CI logs keep them).
        return {
          code: "MOPS106",
          message: "a literal credential is not allowed here: stack files are kept in version control",
          hint: "write `${env:NAME}` ({ env: NAME } or { file: PATH }) and set the variable; if the value was a real credential, rotate it",
          path,
          target: "value",
        };
      }
      return {
        code: "MOPS106",
        message: `${quote(v)} is not in the expected form`,
        hint: ps.description ? `expected ${ps.description}` : `expected text matching ${String(ps.pattern)}`,
        path,
        target: "value",
      };
    }
    case "minimum":
    case "exclusiveMinimum":
    case "maximum":
    case "exclusiveMaximum": {
      const low = e.keyword.endsWith("inimum");
      const strict = e.keyword.startsWith("exclusive");
      return {
        code: "MOPS107",
        message: `${JSON.stringify(e.data)} is ${low ? "below" : "above"} the ${low ? "minimum" : "maximum"} of ${p.limit}${strict ? " (exclusive)" : ""}`,
        hint: ps.maximum === 100 && ps.minimum === 0 ? "a percentage is between 0 and 100" : undefined,
        path,
        target: "value",
      };
    }
    case "format":
      return {
        code: "MOPS108",
        message: `${quote(e.data)} is not a valid ${p.format === "email" ? "email address" : String(p.format)}`,
        hint: p.format === "email" ? "e.g. ana@example.com" : undefined,
        path,
        target: "value",
      };
    case "minItems":
      return { code: "MOPS109", message: `needs at least ${p.limit} item${p.limit === 1 ? "" : "s"}`, path, target: "value" };
    case "minLength":
      return { code: "MOPS109", message: p.limit === 1 ? "must not be empty" : `must be at least ${p.limit} characters`, path, target: "value" };
    case "maxLength":
      return { code: "MOPS109", message: `is longer than ${p.limit} characters`, path, target: "value" };
    case "uniqueItems":
      return { code: "MOPS109", message: `${quote((e.data as unknown[])[Number(p.i)])} is listed twice`, hint: "remove the repeat", path: [...path, Number(p.i)], target: "value" };
    default:
      return { code: "MOPS199", message: e.message ?? "does not match the schema", path, target: "value" };
  }
}

/**
 * One mistake, one issue: drop repeats, and drop "missing `segment`" when the
 * same mapping has an unknown key that is its typo (`segmnt`).
 */
function dedupe(issues: SchemaIssue[]): SchemaIssue[] {
  const seen = new Set<string>();
  const typoOf = (i: SchemaIssue, missing: SchemaIssue) =>
    i.code === "MOPS104" &&
    i.hint?.startsWith(`did you mean ${missing.message.slice("missing required key ".length)}`) &&
    JSON.stringify(i.path.slice(0, -1)) === JSON.stringify(missing.path);
  return issues.filter((i) => {
    if (i.code === "MOPS102" && issues.some((j) => typoOf(j, i))) return false;
    const k = `${i.code} ${JSON.stringify(i.path)} ${i.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
