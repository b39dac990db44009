import { existsSync, readdirSync, statSync } from "node:fs";
import { basename, dirname, extname, join, resolve } from "node:path";
import { error, type Diagnostic } from "../diagnostics";
import { REPO_CONFIG_FILES } from "../model/repo-config";

export type Found = { kind: "yaml" | "ts"; files: string[]; baseDir: string };

const TS_ENTRIES = ["mops.ts", "stack.ts"];
const YAML = new Set([".yaml", ".yml"]);
/** Not stack files even though they sit in a stack's directory. */
const NOT_STACK = new Set<string>(["policy.yaml", "policy.yml", ...REPO_CONFIG_FILES]);
const SKIP_DIRS = new Set(["node_modules"]);

/**
 * What a path means as a stack: a YAML file, a TypeScript file, a directory
 * with `mops.ts`/`stack.ts`, or a directory whose YAML files (recursively,
 * skipping dot-directories and node_modules) together form one stack.
 */
export function discover(path: string): Found | Diagnostic {
  const abs = resolve(path);
  if (!existsSync(abs))
    return error("MOPS001", `no stack at \`${path}\`: the path does not exist`, { hint: "pass a stack file or directory, or create one with `mops init`" });
  if (statSync(abs).isFile()) {
    const ext = extname(abs);
    if (YAML.has(ext)) return { kind: "yaml", files: [abs], baseDir: dirname(abs) };
    if (ext === ".ts" || ext === ".mts") return { kind: "ts", files: [abs], baseDir: dirname(abs) };
    return error("MOPS001", `\`${path}\` is not a stack file`, { hint: "a stack is a .yaml/.yml file, a .ts file, or a directory of them" });
  }
  const entry = TS_ENTRIES.map((f) => join(abs, f)).find((f) => existsSync(f));
  if (entry) return { kind: "ts", files: [entry], baseDir: abs };
  const files = yamlFiles(abs, true);
  if (files.length === 0)
    return error("MOPS001", `no stack in \`${path}\`: no YAML files and no mops.ts`, { hint: "create one with `mops init`, or pass the stack's path" });
  return { kind: "yaml", files, baseDir: abs };
}

function yamlFiles(dir: string, top: boolean): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (e.name.startsWith(".")) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name)) out.push(...yamlFiles(p, false));
    } else if (YAML.has(extname(e.name)) && !(top && NOT_STACK.has(basename(e.name)))) out.push(p);
  }
  return out;
}

const MARKERS = ["mops.yaml", "mops.yml", "stack.yaml", "stack.yml", "mops.ts", "stack.ts"];

/** The stack a command means when given no path: the current directory, if it holds one. */
export function defaultStackPath(cwd = process.cwd()): string | Diagnostic {
  if (MARKERS.some((m) => existsSync(join(cwd, m)))) return cwd;
  return error("MOPS001", "no stack in the current directory (no mops.yaml, stack.yaml or mops.ts)", {
    hint: "pass the stack's path (`mops validate stacks/prod`), or create one with `mops init`",
  });
}
