import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { KIND_OF_KEY } from "../model";
import { error, hasErrors, sortDiagnostics, warning, type Diagnostic, type Result } from "../diagnostics";
import { assemble, type Unit } from "./assemble";
import { discover, type Found } from "./discover";
import { readTextFile } from "./files";
import { expand } from "./glob";
import { configOf, type RepoConfig } from "./repo-config";
import { resolveEnvVars } from "./env-vars";
import { checkReferences } from "./references";
import { schemaIssues } from "./schema-check";
import type { LoadedStack, LoadOptions } from "./types";
import { loadTsStack } from "./typescript";
import { displayPath } from "./where";
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

/**
 * Every file a stack is made from: its own, those it includes, its policy
 * file (its own or the repository config's) and that config. `mops plan
 * --changed` plans the stacks a change touches through any of them.
 */
export async function stackInputs(path: string): Promise<Result<string[]>> {
  const read = await readStack(path, {});
  if ("diagnostics" in read) return { diagnostics: read.diagnostics };
  const policy = policyFile(read.found.baseDir, read.parsed.map((p) => p.value)) ?? read.config?.policy;
  const files = [...read.found.files, ...(policy ? [policy] : []), ...(read.config ? [read.config.file] : [])];
  return { value: files, diagnostics: read.problems };
}

/**
 * The name and environment of a stack that may not load, as far as its files
 * say: a failed plan's comment keeps the marker its fixed plan will update.
 */
export async function stackIdentity(path: string, environment?: string): Promise<{ name?: string; environment?: string }> {
  const read = await readStack(path, {}).catch(() => undefined);
  if (!read || "diagnostics" in read) return {};
  const header = (k: string) => read.parsed.map((p) => (p.value as Record<string, unknown> | undefined)?.[k]);
  const name = header("stack").find((v): v is string => typeof v === "string");
  const envs = header("environments").flatMap((e) => (e && typeof e === "object" ? Object.keys(e) : []));
  const def = header("default_environment").find((v): v is string => typeof v === "string");
  const shared = read.config?.defaultEnvironment;
  const env = environment ?? def ?? (shared !== undefined && envs.includes(shared) ? shared : (envs[0] ?? "sandbox"));
  return { ...(name ? { name } : {}), environment: env };
}

const key = (d: Diagnostic) => `${d.code} ${d.range?.file}:${d.range?.line}:${d.range?.col} ${d.message}`;

interface Read {
  found: Found;
  parsed: ParsedFile[];
  texts: Map<string, string>;
  env: NodeJS.ProcessEnv;
  tsTimeoutMs?: number;
  /** The repository config that lists this stack: its shared policy and default environment. */
  config?: RepoConfig;
  /** Problems reading the config and the included files. */
  problems: Diagnostic[];
}

/** Discover and parse the files once (those the stack includes too); resolving per environment is cheap. */
async function readStack(path: string, opts: LoadOptions): Promise<Read | Result<LoadedStack>> {
  const found = discover(path);
  if ("code" in found) return { diagnostics: [found] };
  const cfg = configOf(path);
  if (hasErrors(cfg.diagnostics)) return { diagnostics: cfg.diagnostics };
  // A file that cannot be read would make every cross-file check wrong, like one that does not parse.
  const problems = [...found.problems];
  const texts = new Map<string, string>();
  const parsed: ParsedFile[] = [];
  const read = async (file: string) => {
    const r = readTextFile(file);
    if ("code" in r) problems.push(r);
    else if (found.kind === "ts") parsed.push(await loadTsStack(file, { tsTimeoutMs: opts.tsTimeoutMs }));
    else {
      texts.set(file, r.text);
      parsed.push(parseYamlFile(file, r.text));
    }
  };
  for (const file of found.files) await read(file);
  // An included file may include others; each is read once.
  const included: Diagnostic[] = [];
  for (let i = 0; i < parsed.length; i++) {
    for (const { file, problem } of includesOf(parsed[i]!)) {
      if (problem) included.push(problem);
      else if (!texts.has(file)) {
        found.files.push(file);
        await read(file);
      }
    }
  }
  if (problems.length > 0) return { diagnostics: sortDiagnostics([...problems, ...parsed.flatMap((p) => p.diagnostics)]) };
  return {
    found,
    parsed,
    texts,
    env: opts.env ?? process.env,
    ...(opts.tsTimeoutMs ? { tsTimeoutMs: opts.tsTimeoutMs } : {}),
    ...(cfg.value ? { config: cfg.value } : {}),
    problems: [...cfg.diagnostics, ...included],
  };
}

/** The files a parsed stack file's `include:` names, or why one cannot be read. */
function includesOf(p: ParsedFile): { file: string; problem?: Diagnostic }[] {
  const list = (p.value as { include?: unknown } | undefined)?.include;
  if (!Array.isArray(list)) return [];
  return list.flatMap((entry, i) => {
    if (typeof entry !== "string") return [];
    const range = p.locator.locate(["include", i]);
    const files = expand(entry, dirname(p.file));
    if (!files.length) {
      return [{ file: entry, problem: error("MOPS225", `\`${entry}\` names no file`, { range, hint: "paths and globs in `include:` are relative to the file that names them" }) }];
    }
    return files.map((file) =>
      /\.ya?ml$/.test(file) ? { file } : { file, problem: error("MOPS225", `\`${entry}\` names ${file}, which is not a YAML file`, { range, hint: "include YAML stack files only" }) },
    );
  });
}

function resolveFor({ found, parsed, texts, env, tsTimeoutMs, config, problems }: Read, environment: string | undefined): Result<LoadedStack> {
  const diagnostics: Diagnostic[] = [...problems];
  const units: Unit[] = [];
  for (const p of parsed) {
    // Loops, not push(...xs): a file can hold a million mistakes, more than a call takes arguments.
    for (const d of p.diagnostics) diagnostics.push(d);
    if (p.value === undefined) continue;
    if (!p.value || typeof p.value !== "object" || Array.isArray(p.value)) {
      diagnostics.push(
        error("MOPS101", "a stack file must be a mapping of keys (`stack:`, `segments:`, …)", { range: p.locator.locate([]), hint: "see `mops init` for an example" }),
      );
      continue;
    }
    if (declaresNothing(p.value as Record<string, unknown>)) {
      diagnostics.push(
        warning("MOPS005", `\`${displayPath(p.file)}\` declares nothing: no stack settings and no resources`, {
          range: { file: p.file, line: 1, col: 1 },
          hint: "is it empty or commented out? Remove it if it is not part of the stack",
        }),
      );
    }
    const resolved = resolveEnvVars(p.value, env);
    const issues = [...resolved.issues, ...schemaIssues(resolved.value)];
    for (const i of issues) diagnostics.push(error(i.code, i.message, { hint: i.hint, range: p.locator.locate(i.path, i.target), ...addressOf(i.path) }));
    // The model keeps the references: they are resolved only in the request that needs them.
    units.push({ file: p.file, value: p.value as Record<string, unknown>, locator: p.locator });
  }

  // A file that did not parse would make every cross-file check wrong.
  if (units.length < parsed.length) return { diagnostics: sortDiagnostics(diagnostics) };
  const a = assemble(units, texts, environment, config?.defaultEnvironment);
  for (const d of a.diagnostics) diagnostics.push(d);
  if (a.stack && !hasErrors(diagnostics)) for (const d of checkReferences(a.stack, a.sources)) diagnostics.push(d);

  const policy = a.stack ? (policyFile(found.baseDir, units.map((u) => u.value)) ?? config?.policy) : undefined;
  const value: LoadedStack | undefined =
    a.stack && !hasErrors(diagnostics)
      ? { stack: a.stack, sources: a.sources, files: found.files, baseDir: found.baseDir, ...(policy ? { policyFile: policy } : {}), ...(tsTimeoutMs ? { tsTimeoutMs } : {}) }
      : undefined;
  return { value, diagnostics: sortDiagnostics(diagnostics) };
}

/** Only comments, `x-` anchors and empty kind mappings: nothing a stack would miss if the file were gone. */
function declaresNothing(v: Record<string, unknown>): boolean {
  return Object.entries(v).every(([k, x]) => k.startsWith("x-") || k === "$schema" || (k in KIND_OF_KEY && (x === null || (typeof x === "object" && Object.keys(x as object).length === 0))));
}

function addressOf(path: readonly (string | number)[]): { address?: string } {
  const kind = typeof path[0] === "string" ? KIND_OF_KEY[path[0]] : undefined;
  return kind && path.length >= 2 ? { address: `${kind}.${String(path[1])}` } : {};
}

function policyFile(baseDir: string, values: readonly unknown[]): string | undefined {
  const named = values.map((v) => (v as { policy?: unknown } | undefined)?.policy).find((p): p is string => typeof p === "string");
  if (named) return resolve(baseDir, named);
  return ["policy.yaml", "policy.yml"].map((f) => resolve(baseDir, f)).find((f) => existsSync(f));
}
