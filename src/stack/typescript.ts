import type { SourceRange } from "../diagnostics";
import { KIND_OF_KEY } from "../model";
import type { Locator } from "./locator";
import { DEFAULT_TS_TIMEOUT_MS, evaluate, strayProblems, unanswered } from "./ts-host";
import { siteRange } from "./ts-stack";
import type { ParsedFile } from "./yaml-file";

/**
 * Load a TypeScript stack in a worker thread (ts-host.ts) and take back the
 * data a YAML file of the same stack would hold, so both go through one
 * validation. Positions are the builders' call sites; whatever goes wrong
 * (a syntax error, a throw, an exit, a hang) is a diagnostic at the stack's line.
 */
export async function loadTsStack(file: string, opts: { tsTimeoutMs?: number } = {}): Promise<ParsedFile> {
  const timeout = opts.tsTimeoutMs ?? DEFAULT_TS_TIMEOUT_MS;
  const fileStart: SourceRange = { file, line: 1, col: 1, endLine: 1, endCol: 1 };
  const fallback: Locator = { file, locate: () => fileStart };
  const run = await evaluate({ mode: "stack", file }, timeout);
  const stray = strayProblems(run);
  const e = run.ending;
  if (e.end !== "message") return { file, locator: fallback, diagnostics: [...stray, unanswered(run, file, "MOPS003", "the TypeScript stack", timeout)] };
  if (e.message.type !== "stack") return { file, locator: fallback, diagnostics: [...stray, ...(e.message.type === "failed" ? e.message.diagnostics : [])] };
  const { value, sites, stackAt, diagnostics } = e.message.data;
  const stackRange = stackAt ? siteRange(stackAt) : fileStart;
  const locator: Locator = {
    file,
    locate(path) {
      const kind = typeof path[0] === "string" ? KIND_OF_KEY[path[0]] : undefined;
      const at = kind && path.length >= 2 ? sites[`${kind}.${String(path[1])}`] : undefined;
      return at ? siteRange(at) : stackRange;
    },
  };
  return { file, ...(value && stray.length === 0 ? { value } : {}), locator, diagnostics: [...stray, ...diagnostics] };
}
