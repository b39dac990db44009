import type { SchemaIssue } from "./schema-check";
import type { SpecPath } from "./types";

const REF = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * Provider and state settings stay references (`${env:HUBSPOT_TOKEN}`) in the
 * model, state, plans and history: any of them may carry a credential (a
 * token, an API key, a URL with a password). The provider registry and the
 * state backend read them when they connect.
 */
const isSecretPath = (p: SpecPath): boolean =>
  p.length >= 4 && p[0] === "environments" && (p[2] === "provider" || p[2] === "state");

/** Replace `${env:NAME}` in every string of a stack file, except secret fields. */
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
