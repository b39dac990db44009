import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { Command } from "commander";
import { parse } from "yaml";
import { error, hasErrors, type Diagnostic, type Result } from "../diagnostics";
import { codeowners, type OwnerMap } from "../report/codeowners";
import { reportDiagnostics, tsTimeoutOption } from "./context";
import { loadForReport } from "./graph";
import { writeOutput } from "./output";
import { guard } from "./render";

interface Opts {
  env?: string;
  tsTimeout?: number;
  map?: string;
  out?: string;
  root?: string;
}

export function register(program: Command): void {
  program
    .command("codeowners")
    .description("generate a CODEOWNERS file from the owners declared in the stack")
    .argument("[path]", "stack file or directory (default: the current directory's stack)")
    .option("-e, --env <name>", "environment to resolve (default: the stack's default_environment, else the first)")
    .addOption(tsTimeoutOption())
    .option("--map <file>", "YAML mapping of stack owners to GitHub owners (`growth: \"@acme/growth\"`)")
    .option("-o, --out <file>", "write to this file instead of stdout (e.g. .github/CODEOWNERS)")
    .option("--root <dir>", "repository root that CODEOWNERS paths are relative to (default: the enclosing git repository)")
    .action(guard(run));
}

async function run(path: string | undefined, opts: Opts): Promise<void> {
  const loaded = await loadForReport(path, opts.env, opts.tsTimeout);
  if (!loaded) return;
  const map = opts.map ? readOwnerMap(resolve(opts.map)) : { value: {}, diagnostics: [] };
  if (!map.value) {
    reportDiagnostics(map.diagnostics);
    process.exitCode = 1;
    return;
  }
  const root = resolve(opts.root ?? gitRoot(loaded.baseDir) ?? process.cwd());
  const r = codeowners(loaded, { root, map: map.value });
  reportDiagnostics([...map.diagnostics, ...r.diagnostics], loaded);
  if (opts.out) {
    const failed = await writeOutput(opts.out, r.value!);
    if (failed) {
      reportDiagnostics([failed]);
      process.exitCode = 1;
      return;
    }
    process.stderr.write(`wrote ${resolve(opts.out)}\n`);
  } else {
    process.stdout.write(r.value!);
  }
}

/** owners.yaml: `owner: "@org/team"` or `owner: ["@a", "b@example.com"]`. */
export function readOwnerMap(file: string): Result<OwnerMap> {
  const bad = (message: string): Result<OwnerMap> => ({
    diagnostics: [error("codeowners/map", message, { range: { file, line: 1, col: 1 }, hint: 'write one owner per line: `growth: "@acme/growth"`' })],
  });
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return bad(`cannot read the owners map ${file}`);
  }
  let value: unknown;
  try {
    value = parse(text);
  } catch (e) {
    return bad(`the owners map is not valid YAML: ${(e as Error).message.split("\n")[0]}`);
  }
  if (value === null || value === undefined) return { value: {}, diagnostics: [] };
  if (typeof value !== "object" || Array.isArray(value)) return bad("the owners map must be a mapping of owner to GitHub owner");
  const diagnostics: Diagnostic[] = [];
  const out: OwnerMap = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === "string" || (Array.isArray(v) && v.every((x) => typeof x === "string"))) out[k] = v;
    else diagnostics.push(error("codeowners/map", `owner \`${k}\` must map to a string or a list of strings`, { range: { file, line: 1, col: 1 } }));
  }
  return hasErrors(diagnostics) ? { diagnostics } : { value: out, diagnostics };
}

function gitRoot(from: string): string | undefined {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, ".git"))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}
