import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { error, warning, type Diagnostic, type Result } from "../diagnostics";
import { REPO_CONFIG_FILES, RepoConfigSchema, type RepoConfigFile } from "../model/repo-config";
import { fileIssues } from "./file-check";
import { expand, matches } from "./glob";
import { parseYamlFile } from "./yaml-file";
// Precompiled from src/model by `npm run generate`.
import { config as validate } from "./validators.generated";

/** `mops.config.yaml`, read and checked. */
export interface RepoConfig {
  file: string;
  /** The repository root, as far as Mops is concerned: the config's directory. */
  dir: string;
  /** Globs of stacks, relative to `dir`, in apply order. */
  stacks: string[];
  /** The shared policy file (absolute), for listed stacks that have none of their own. */
  policy?: string;
  defaultEnvironment?: string;
}

/** The config above `from`, looking up to the repository's root (the directory with `.git`). */
export function findRepoConfig(from: string): string | undefined {
  let dir = resolve(from);
  for (;;) {
    const file = REPO_CONFIG_FILES.map((n) => join(dir, n)).find((f) => existsSync(f));
    if (file) return file;
    const up = dirname(dir);
    if (existsSync(join(dir, ".git")) || up === dir) return undefined;
    dir = up;
  }
}

export function loadRepoConfig(file: string): Result<RepoConfig> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return { diagnostics: [error("config/not-found", `the repository config ${file} cannot be read`)] };
  }
  const parsed = parseYamlFile(file, text);
  if (parsed.diagnostics.length) return { diagnostics: parsed.diagnostics };
  const data = parsed.value ?? {};
  if (!validate(data)) {
    return { diagnostics: fileIssues(validate.errors ?? [], parsed.locator, RepoConfigSchema as unknown as Record<string, unknown>, "config", "the repository config") };
  }
  const c = data as RepoConfigFile;
  const dir = dirname(file);
  const policy = c.policy === undefined ? undefined : resolve(dir, c.policy);
  if (policy && !existsSync(policy)) {
    return {
      diagnostics: [error("config/not-found", `the shared policy file \`${c.policy}\` does not exist`, { range: parsed.locator.locate(["policy"]), hint: "the path is relative to the repository config" })],
    };
  }
  return {
    value: { file, dir, stacks: c.stacks, ...(policy ? { policy } : {}), ...(c.default_environment ? { defaultEnvironment: c.default_environment } : {}) },
    diagnostics: [],
  };
}

/** The repository config that lists the stack at `path` (a directory or a stack file), if any. */
export function configOf(path: string): Result<RepoConfig | undefined> {
  const abs = resolve(path);
  const file = findRepoConfig(existsSync(abs) && !/\.(ya?ml|m?ts)$/.test(abs) ? abs : dirname(abs));
  if (!file) return { diagnostics: [] };
  const r = loadRepoConfig(file);
  if (!r.value) return r;
  return { value: r.value.stacks.some((p) => matches(p, r.value!.dir, abs)) ? r.value : undefined, diagnostics: [] };
}

const STACK_FILE = /\.(ya?ml|ts)$/;
const natural = new Intl.Collator("en", { numeric: true });

/**
 * Every stack the config lists, absolute: the matches of each glob in turn
 * (directories, or stack files for a glob that ends in `.yaml`/`.ts`),
 * naturally sorted within a glob: the order stacks are planned and applied in.
 */
export function listStacks(cfg: RepoConfig): Result<string[]> {
  const out: string[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const pattern of cfg.stacks) {
    const found = expand(pattern, cfg.dir, { directories: !STACK_FILE.test(pattern) }).sort((a, b) => natural.compare(a, b));
    if (!found.length) diagnostics.push(warning("config/no-match", `\`${pattern}\` names no stack`, { range: { file: cfg.file, line: 1, col: 1 }, hint: "the globs of `stacks:` are relative to the repository config" }));
    for (const p of found) if (!out.includes(p)) out.push(p);
  }
  return { value: out, diagnostics };
}
