import { readFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { error, type Result } from "../diagnostics";
import type { SecretRef } from "./stack";

/** The variable a `${env:NAME}` / `{ env: NAME }` reference names, if it is one. */
export function secretEnvName(ref: SecretRef): string | undefined {
  if (typeof ref === "string") return /^\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(ref)?.[1];
  return "env" in ref ? ref.env : undefined;
}

/**
 * Read a secret (`${env:NAME}`, `{ env }`, `{ file }`) at the moment it is
 * used: stacks, state, plans and history hold the reference, never the value.
 * A diagnostic names the variable or file, never a value. `what` says what
 * the secret is for ("the HubSpot token").
 */
export function readSecret(ref: SecretRef, env: NodeJS.ProcessEnv, baseDir: string, what: string): Result<string> {
  const name = secretEnvName(ref);
  if (name !== undefined) {
    const v = env[name];
    if (v) return { value: v, diagnostics: [] };
    return {
      diagnostics: [error("secret/missing-env", `${what}: the environment variable \`${name}\` is not set`, { hint: `export ${name}=… before running mops` })],
    };
  }
  if (typeof ref === "object" && "file" in ref) {
    const path = isAbsolute(ref.file) ? ref.file : resolve(baseDir, ref.file);
    try {
      return { value: readFileSync(path, "utf8").trim(), diagnostics: [] };
    } catch {
      return { diagnostics: [error("secret/unreadable-file", `${what}: cannot read the file ${path}`, { hint: "create the file, readable by this user" })] };
    }
  }
  return { diagnostics: [error("secret/invalid", `${what}: a secret must be \${env:NAME}, {env: NAME} or {file: PATH}`)] };
}

/** `${env:NAME}` inside any string of a resource: a secret that stays a reference until the request. */
const REF = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** What a secret the platform holds is shown as when it no longer matches the stack's reference. */
export const MASKED = "(sensitive value)";

export const hasSecretRef = (s: string): boolean => s.includes("${env:") && new RegExp(REF.source).test(s);

/** The variables a value's strings refer to. */
export function secretRefNames(value: unknown, out = new Set<string>()): Set<string> {
  if (typeof value === "string") for (const m of value.matchAll(REF)) out.add(m[1]!);
  else if (Array.isArray(value)) for (const v of value) secretRefNames(v, out);
  else if (value && typeof value === "object") for (const v of Object.values(value)) secretRefNames(v, out);
  return out;
}

/**
 * `value` with every `${env:NAME}` replaced by the variable's value: only for
 * the request that needs it. `secrets` lists the values put in, so that
 * whatever the platform answers can be cleaned of them.
 */
export function resolveSecretRefs<T>(value: T, env: NodeJS.ProcessEnv): { value: T; missing: string[]; secrets: string[] } {
  const missing = new Set<string>();
  const secrets = new Set<string>();
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") {
      if (!hasSecretRef(v)) return v;
      return v.replace(REF, (whole, name: string) => {
        const x = env[name];
        if (x === undefined) {
          missing.add(name);
          return whole;
        }
        if (x) secrets.add(x);
        return x;
      });
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return { value: walk(value) as T, missing: [...missing], secrets: [...secrets] };
}

/**
 * A live spec as Mops may store and show it: wherever `reference` (the
 * stack's spec, or what Mops last applied) holds a `${env:…}` reference, the
 * platform's value is put back as that reference when it is what the
 * reference resolves to, and masked when it is not (the plan then shows a
 * change, never the value).
 */
export function maskSecrets<T>(live: T, reference: unknown, env: NodeJS.ProcessEnv): T {
  const walk = (l: unknown, r: unknown): unknown => {
    if (typeof r === "string") {
      if (!hasSecretRef(r) || typeof l !== "string") return l;
      const resolved = resolveSecretRefs(r, env);
      return resolved.missing.length === 0 && resolved.value === l ? r : l === r ? l : MASKED;
    }
    if (Array.isArray(r) && Array.isArray(l)) return l.map((x, i) => walk(x, r[i]));
    if (r && typeof r === "object" && l && typeof l === "object" && !Array.isArray(l) && !Array.isArray(r)) {
      const out: Record<string, unknown> = { ...(l as Record<string, unknown>) };
      for (const [k, rv] of Object.entries(r as Record<string, unknown>)) if (k in out) out[k] = walk(out[k], rv);
      return out;
    }
    return l;
  };
  return walk(live, reference) as T;
}

/** `text` with every secret value cut out (a platform may echo what it was sent in an error). */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join("***");
  return out;
}

/**
 * Where the stack schema marks a field `x-sensitive` (see kinds.ts), as paths
 * inside a spec: a template's `url`, a webhook step's `url` at any depth.
 */
const SENSITIVE_PATHS: Partial<Record<string, RegExp>> = {
  template: /^url$/,
  workflow: /^steps\[\d+\](?:\.(?:then|else)\[\d+\]|\.paths\[\d+\]\.steps\[\d+\])*\.url$/,
};

export const isSensitivePath = (kind: string, path: string): boolean => SENSITIVE_PATHS[kind]?.test(path) ?? false;

/**
 * What a sensitive field shows in place of a literal value: a URL keeps its
 * origin (a reviewer sees where data goes, not the token in its path or
 * query). References show as themselves: they are not secrets.
 */
export function maskedValue(v: unknown): unknown {
  if (typeof v !== "string" || hasSecretRef(v) || v === MASKED) return v;
  try {
    const u = new URL(v);
    if (u.protocol === "http:" || u.protocol === "https:") return `${u.protocol}//${u.host}/… (sensitive)`;
  } catch {
    // not a URL: nothing of it is shown
  }
  return "(sensitive)";
}

/** `value`, found at `path` in a spec of `kind`, with every sensitive field's literal masked, for rendering. */
export function maskSensitive<T>(kind: string, value: T, path = ""): T {
  if (path && isSensitivePath(kind, path)) return maskedValue(value) as T;
  if (Array.isArray(value)) return value.map((x, i) => maskSensitive(kind, x, `${path}[${i}]`)) as T;
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, x]) => [k, maskSensitive(kind, x, path ? `${path}.${k}` : k)])) as T;
  }
  return value;
}
