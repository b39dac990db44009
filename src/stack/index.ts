import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { KIND_OF_KEY } from "../model";
import { error, hasErrors, sortDiagnostics, type Diagnostic, type Result } from "../diagnostics";
import { assemble, type Unit } from "./assemble";
import { discover, type Found } from "./discover";
import { resolveEnvVars } from "./env-vars";
import { checkReferences } from "./references";
import { schemaIssues } from "./schema-check";
import type { LoadedStack, LoadOptions } from "./types";
import { loadTsStack } from "./typescript";
import { parseYamlFile, type ParsedFile } from "./yaml-file";

export type { LoadedStack, LoadOptions, SourceIndex, SpecPath } from "./types";
export { CODES, type Code } from "./codes";
export { defaultStackPath, discover } from "./discover";

/**
 * Load a stack (YAML file, directory of YAML files, TypeScript file or
 * directory with mops.ts) for one environment: parse with positions, resolve
 * `${env:…}`, check the schema, merge files and overrides, check references.
 * `value` is present when there is no error.
 */
export async function loadStack(path: string, opts: LoadOptions = {}): Promise<Result<LoadedStack>> {
  const read = await readStack(path, opts);
  return "diagnostics" in read ? read : resolveFor(read, opts.environment);
}

/**
 * The pipeline of `mops validate`. With no environment named, every declared
 * environment is resolved, so an override that breaks `production` is caught
 * in a pull request even though the default is `sandbox`; the value is the
 * default environment's. Analysis diagnostics are appended by the caller.
 */
export async function validateStack(path: string, opts: LoadOptions = {}): Promise<Result<LoadedStack>> {
  const r = await loadEnvironments(path, opts);
  return { ...(r.value ? { value: r.value[0] } : {}), diagnostics: r.diagnostics };
}

/**
 * The stack resolved for `opts.environment`, or for every declared
 * environment (the default one first), with the files read and parsed once.
 * A diagnostic several environments share is reported once.
 */
export async function loadEnvironments(path: string, opts: LoadOptions = {}): Promise<Result<LoadedStack[]>> {
  const read = await readStack(path, opts);
  if ("diagnostics" in read) return { diagnostics: read.diagnostics };
  const first = resolveFor(read, opts.environment);
  if (!first.value) return { diagnostics: first.diagnostics };
  if (opts.environment) return { value: [first.value], diagnostics: first.diagnostics };
  const seen = new Set(first.diagnostics.map(key));
  const diagnostics = [...first.diagnostics];
  const loaded = [first.value];
  for (const env of Object.keys(first.value.stack.environments)) {
    if (env === first.value.stack.environment) continue;
    const r = resolveFor(read, env);
    if (r.value) loaded.push(r.value);
    for (const d of r.diagnostics) if (!seen.has(key(d))) seen.add(key(d)), diagnostics.push(d);
  }
  return { ...(hasErrors(diagnostics) ? {} : { value: loaded }), diagnostics: sortDiagnostics(diagnostics) };
}

const key = (d: Diagnostic) => `${d.code} ${d.range?.file}:${d.range?.line}:${d.range?.col} ${d.message}`;

interface Read {
  found: Found;
  parsed: ParsedFile[];
  texts: Map<string, string>;
  env: NodeJS.ProcessEnv;
}

/** Discover and parse the files once; resolving per environment is cheap. */
async function readStack(path: string, opts: LoadOptions): Promise<Read | Result<LoadedStack>> {
  const found = discover(path);
  if ("code" in found) return { diagnostics: [found] };
  const texts = new Map<string, string>();
  const parsed: ParsedFile[] = [];
  if (found.kind === "ts") parsed.push(await loadTsStack(found.files[0]));
  else
    for (const file of found.files) {
      const text = readFileSync(file, "utf8");
      texts.set(file, text);
      parsed.push(parseYamlFile(file, text));
    }
  return { found, parsed, texts, env: opts.env ?? process.env };
}

function resolveFor({ found, parsed, texts, env }: Read, environment: string | undefined): Result<LoadedStack> {
  const diagnostics: Diagnostic[] = [];
  const units: Unit[] = [];
  for (const p of parsed) {
    diagnostics.push(...p.diagnostics);
    if (p.value === undefined) continue;
    if (!p.value || typeof p.value !== "object" || Array.isArray(p.value)) {
      diagnostics.push(
        error("MOPS101", "a stack file must be a mapping of keys (`stack:`, `segments:`, …)", { range: p.locator.locate([]), hint: "see `mops init` for an example" }),
      );
      continue;
    }
    const resolved = resolveEnvVars(p.value, env);
    const issues = [...resolved.issues, ...schemaIssues(resolved.value)];
    diagnostics.push(...issues.map((i) => error(i.code, i.message, { hint: i.hint, range: p.locator.locate(i.path, i.target), ...addressOf(i.path) })));
    // The model keeps the references: they are resolved only in the request that needs them.
    units.push({ file: p.file, value: p.value as Record<string, unknown>, locator: p.locator });
  }

  // A file that did not parse would make every cross-file check wrong.
  if (units.length < parsed.length) return { diagnostics: sortDiagnostics(diagnostics) };
  const a = assemble(units, texts, environment);
  diagnostics.push(...a.diagnostics);
  if (a.stack && !hasErrors(diagnostics)) diagnostics.push(...checkReferences(a.stack, a.sources));

  const policy = a.stack ? policyFile(found.baseDir, units) : undefined;
  const value: LoadedStack | undefined =
    a.stack && !hasErrors(diagnostics)
      ? { stack: a.stack, sources: a.sources, files: found.files, baseDir: found.baseDir, ...(policy ? { policyFile: policy } : {}) }
      : undefined;
  return { value, diagnostics: sortDiagnostics(diagnostics) };
}

function addressOf(path: readonly (string | number)[]): { address?: string } {
  const kind = typeof path[0] === "string" ? KIND_OF_KEY[path[0]] : undefined;
  return kind && path.length >= 2 ? { address: `${kind}.${String(path[1])}` } : {};
}

function policyFile(baseDir: string, units: Unit[]): string | undefined {
  const named = units.map((u) => u.value.policy).find((p): p is string => typeof p === "string");
  if (named) return resolve(baseDir, named);
  return ["policy.yaml", "policy.yml"].map((f) => resolve(baseDir, f)).find((f) => existsSync(f));
}
