import type { SchemaIssue } from "./schema-check";
import type { SpecPath } from "./types";

const REF = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * Provider and state settings are checked as written: their references are
 * read by the provider registry and the state backend when they connect.
 */
const isSecretPath = (p: SpecPath): boolean =>
  p.length >= 4 && p[0] === "environments" && (p[2] === "provider" || p[2] === "state");

/**
 * `${env:NAME}` stays a reference in the model, plans, state and history: any
 * field may hold a credential (a webhook URL with a token). This gives the
 * copy the schema is checked on, with each reference replaced by its value
 * (so an enum set from a variable is checked as what it will be), and an
 * issue for each variable that is not set.
 */
export function resolveEnvVars(data: unknown, env: NodeJS.ProcessEnv): { value: unknown; issues: SchemaIssue[] } {
  const issues: SchemaIssue[] = [];
  const walk = (v: unknown, path: SpecPath): unknown => {
    if (typeof v === "string") {
      if (isSecretPath(path)) return v;
      return v.replace(REF, (whole, name: string) => {
        const x = env[name];
        if (x !== undefined) return x;
        issues.push({
          code: "MOPS219",
          message: `environment variable \`${name}\` is not set`,
          hint: `set it before running mops (export ${name}=…), or remove the reference`,
          path,
          target: "value",
        });
        return whole;
      });
    }
    if (Array.isArray(v)) return v.map((x, i) => walk(x, [...path, i]));
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, [...path, k])]));
    return v;
  };
  return { value: walk(data, []), issues };
}
