import { join, resolve } from "node:path";
import { error, type Result, type SourceRange } from "../diagnostics";
import { readSecret, secretEnvName, type SecretRef, type StateConfig } from "../model";
import { LocalBackend } from "./local";
import type { StateBackend } from "./types";

export * from "./types";
export { LocalBackend } from "./local";
export { redact } from "./redact";
export type { PostgresBackend } from "./postgres";
export { newState, applyDelta } from "./delta";
export { GENESIS_HASH, hashVersion } from "./chain";

export interface BackendContext {
  stack: string;
  environment: string;
  /** The stack's directory: `.mops/` and relative `path`s are under it. */
  baseDir: string;
  /** Variables for `${env:NAME}` (usually process.env). */
  env: Record<string, string | undefined>;
  /** Where the `state:` block was declared, for diagnostics. */
  range?: SourceRange;
}

/**
 * The backend a stack's `state:` block asks for (local when absent). A
 * postgres backend is connected and its tables created here, so an unreachable
 * server or a wrong password is a diagnostic, not an exception later.
 */
export async function openBackend(cfg: StateConfig | undefined, ctx: BackendContext): Promise<Result<StateBackend>> {
  if (!cfg || cfg.backend === "local") {
    const root = cfg?.path ? resolve(ctx.baseDir, cfg.path) : join(ctx.baseDir, ".mops");
    return { value: new LocalBackend({ dir: join(root, ctx.stack, ctx.environment), stack: ctx.stack, environment: ctx.environment }), diagnostics: [] };
  }
  if (!cfg.url) {
    return fail("state/postgres-url", "the postgres state backend needs `url`", ctx, "url: ${env:MOPS_STATE_URL}");
  }
  const url = resolveSecret(cfg.url, ctx);
  if (!url.value) return { diagnostics: url.diagnostics };
  // Loaded only when used: teams on local state never pay for the driver.
  const { PostgresBackend } = await import("./postgres");
  const localDir = join(ctx.baseDir, ".mops", ctx.stack, ctx.environment);
  const backend = new PostgresBackend({ url: url.value, stack: ctx.stack, environment: ctx.environment, localDir });
  try {
    await backend.open();
  } catch (e) {
    await backend.close();
    // PostgresBackend errors are already redacted.
    return fail(
      "state/postgres-unreachable",
      `cannot use the postgres state backend: ${(e as Error).message}`,
      ctx,
      "check that the server is reachable and the connection string's user, password and database are right",
    );
  }
  return { value: backend, diagnostics: [] };
}

/** A connection string from `${env:NAME}`, `{ env }` or `{ file }`; a plain string is taken as the value itself. */
function resolveSecret(ref: SecretRef, ctx: BackendContext): Result<string> {
  if (typeof ref === "string" && secretEnvName(ref) === undefined) return { value: ref, diagnostics: [] };
  const r = readSecret(ref, ctx.env, ctx.baseDir, "the postgres state url");
  return { ...r, diagnostics: r.diagnostics.map((d) => ({ ...d, ...(ctx.range ? { range: ctx.range } : {}) })) };
}

const fail = <T>(code: string, message: string, ctx: BackendContext, hint: string): Result<T> => ({
  diagnostics: [error(code, message, { hint, ...(ctx.range ? { range: ctx.range } : {}) })],
});
