import type { ErrorObject } from "ajv";
import { error, type Diagnostic } from "../diagnostics";
import { closest } from "../diagnostics/suggest";
import type { Locator } from "./locator";

/**
 * A small YAML file's schema errors (the policy file, the repository config)
 * as diagnostics at their line: an unknown key with "did you mean", a bad
 * value with what the schema wants. `prefix` names the file's codes
 * (`policy/unknown-key`), `what` the file in messages; `special` answers an
 * error its own way first.
 */
export function fileIssues(
  errors: readonly ErrorObject[],
  locator: Locator,
  schema: Record<string, unknown>,
  prefix: string,
  what: string,
  special?: (e: ErrorObject, path: (string | number)[]) => Diagnostic | undefined,
): Diagnostic[] {
  return errors.map((e) => {
    const path = e.instancePath.split("/").slice(1).map((s) => (/^[0-9]+$/.test(s) ? Number(s) : s.replace(/~1/g, "/").replace(/~0/g, "~")));
    const own = special?.(e, path);
    if (own) return own;
    if (e.keyword === "additionalProperties") {
      const key = String((e.params as { additionalProperty: string }).additionalProperty);
      const known = Object.keys(propertiesAt(schema, path) ?? {});
      const near = closest(key, known);
      return error(`${prefix}/unknown-key`, `unknown key \`${key}\` in ${what}`, {
        range: locator.locate([...path, key], "key"),
        hint: near ? `did you mean \`${near}\`?` : `allowed here: ${known.join(", ")}`,
      });
    }
    if (e.keyword === "required") {
      const key = String((e.params as { missingProperty: string }).missingProperty);
      return error(`${prefix}/missing-key`, `\`${key}\` is required${path.length ? ` in \`${path.join(".")}\`` : ""}`, { range: locator.locate(path) });
    }
    const described = (e.parentSchema as { description?: string } | undefined)?.description;
    return error(`${prefix}/bad-value`, `\`${path.join(".") || "the file"}\` ${e.message ?? "is not valid"}`, {
      range: locator.locate(path),
      ...(described ? { hint: described } : {}),
    });
  });
}

/** Property names allowed at a path of a schema, for "did you mean". */
function propertiesAt(schema: Record<string, unknown>, path: (string | number)[]): Record<string, unknown> | undefined {
  let s: Record<string, unknown> | undefined = schema;
  for (const seg of path) {
    if (!s) return undefined;
    if (typeof seg === "number") s = s.items as Record<string, unknown>;
    else s = (s.properties as Record<string, Record<string, unknown>> | undefined)?.[seg];
    if (s && s.anyOf) s = undefined;
  }
  return s?.properties as Record<string, unknown> | undefined;
}
