import { lstatSync, readdirSync, realpathSync, statSync, type Stats } from "node:fs";
import { basename, dirname, extname, join, resolve } from "node:path";
import { error, type Diagnostic } from "../diagnostics";
import { kindOf, unreadable } from "./files";
import { displayPath } from "./where";
import { REPO_CONFIG_FILES } from "../model/repo-config";

export type Found = {
  kind: "yaml" | "ts";
  files: string[];
  baseDir: string;
  /** Files of the stack that cannot be read (a dangling link, a pipe, no permission): each an error. */
  problems: Diagnostic[];
};

const TS_ENTRIES = ["mops.ts", "stack.ts"];
const YAML = new Set([".yaml", ".yml"]);
/** Not stack files even though they sit in a stack's directory. */
const NOT_STACK = new Set<string>(["policy.yaml", "policy.yml", "population.yaml", "population.yml", ...REPO_CONFIG_FILES]);
const SKIP_DIRS = new Set(["node_modules"]);

/** `stat` following links, or the diagnostic that says why not. */
function statOf(path: string): Stats | Diagnostic {
  try {
    return statSync(path);
  } catch (e) {
    return unreadable(path, e);
  }
}

const failed = (s: Stats | Diagnostic): s is Diagnostic => "code" in s;

/**
 * What a path means as a stack: a YAML file, a TypeScript file, a directory
 * with `mops.ts`/`stack.ts`, or a directory whose YAML files (recursively,
 * skipping dot-directories and node_modules) together form one stack.
 * Only regular files are stack files: a pipe or a device is reported, never read.
 */
export function discover(path: string): Found | Diagnostic {
  const abs = resolve(path);
  if (!lstatSync(abs, { throwIfNoEntry: false }))
    return error("MOPS001", `no stack at \`${path}\`: the path does not exist`, { hint: "pass a stack file or directory, or create one with `mops init`" });
  const st = statOf(abs);
  if (failed(st)) return st;
  if (st.isFile()) {
    const ext = extname(abs);
    if (YAML.has(ext)) return { kind: "yaml", files: [abs], baseDir: dirname(abs), problems: [] };
    if (ext === ".ts" || ext === ".mts") return { kind: "ts", files: [abs], baseDir: dirname(abs), problems: [] };
    return error("MOPS001", `\`${path}\` is not a stack file`, { hint: "a stack is a .yaml/.yml file, a .ts file, or a directory of them" });
  }
  if (!st.isDirectory())
    return error("MOPS007", `\`${path}\` is ${kindOf(st)}, not a stack file or directory`, { hint: "pass a .yaml/.yml or .ts file, or a directory of them" });
  for (const entry of TS_ENTRIES.map((f) => join(abs, f))) {
    if (!lstatSync(entry, { throwIfNoEntry: false })) continue;
    const e = statOf(entry);
    return { kind: "ts", files: [entry], baseDir: abs, problems: failed(e) ? [e] : e.isFile() ? [] : [notAFile(entry, e)] };
  }
  const problems: Diagnostic[] = [];
  const files = yamlFiles(abs, true, problems, new Set([realpathSync(abs)]));
  if (files.length === 0 && problems.length === 0)
    return error("MOPS001", `no stack in \`${path}\`: no YAML files and no mops.ts`, { hint: "create one with `mops init`, or pass the stack's path" });
  return { kind: "yaml", files, baseDir: abs, problems };
}

const notAFile = (path: string, st: Stats): Diagnostic =>
  error("MOPS007", `\`${displayPath(path)}\` is ${kindOf(st)}, not a file`, { hint: "a stack's files must be regular files; remove or rename it" });

/** Every YAML file below `dir`; a directory reached twice through links is read once. */
function yamlFiles(dir: string, top: boolean, problems: Diagnostic[], seen: Set<string>): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    problems.push(unreadable(dir, e));
    return [];
  }
  const out: string[] = [];
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (e.name.startsWith(".")) continue;
    const p = join(dir, e.name);
    const isYaml = YAML.has(extname(e.name)) && !(top && NOT_STACK.has(basename(e.name)));
    if (!isYaml && !e.isDirectory() && !e.isSymbolicLink()) continue;
    const st = e.isSymbolicLink() ? statOf(p) : e.isDirectory() || e.isFile() ? undefined : statOf(p);
    if (st && failed(st)) {
      // A link that leads nowhere is the stack's problem only when it is named like a stack file.
      if (isYaml) problems.push(st);
      continue;
    }
    const isDir = st ? st.isDirectory() : e.isDirectory();
    if (isDir) {
      if (SKIP_DIRS.has(e.name)) continue;
      const real = realpathSync(p);
      if (seen.has(real)) continue;
      seen.add(real);
      out.push(...yamlFiles(p, false, problems, seen));
    } else if (isYaml) {
      if (st && !st.isFile()) problems.push(notAFile(p, st));
      else out.push(p);
    }
  }
  return out;
}

const MARKERS = ["mops.yaml", "mops.yml", "stack.yaml", "stack.yml", "mops.ts", "stack.ts"];

/** The stack a command means when given no path: the current directory, if it holds one. */
export function defaultStackPath(cwd = process.cwd()): string | Diagnostic {
  if (MARKERS.some((m) => lstatSync(join(cwd, m), { throwIfNoEntry: false }))) return cwd;
  return error("MOPS001", "no stack in the current directory (no mops.yaml, stack.yaml or mops.ts)", {
    hint: "pass the stack's path (`mops validate stacks/prod`), or create one with `mops init`",
  });
}
