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
