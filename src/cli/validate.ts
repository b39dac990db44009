import { writeFileSync } from "node:fs";
import { Option, type Command } from "commander";
import { hasErrors, type Diagnostic, type Fix, type Result } from "../diagnostics";
import { canonicalJson } from "../model";
import { displayPath, summarize } from "../report/diagnostics";
import { defaultStackPath, type LoadedStack } from "../stack";
import { applyFixes, fixText } from "../stack/fix";
import { checkStack } from "./check";
import { tsTimeoutOption } from "./context";
import { diagnosticsJson, guard, printDiagnostics } from "./render";

interface Opts {
  env?: string;
  tsTimeout?: number;
  format: "text" | "json";
  fix?: boolean;
}

export function register(program: Command): void {
  program
    .command("validate")
    .description("check a stack: schema, references, marketing and governance checks; exit 1 on errors")
    .argument("[path]", "stack file or directory (default: the current directory's mops.yaml / stack.yaml / mops.ts)")
    .option("-e, --env <name>", "environment to resolve (default: the stack's default_environment, else the first)")
    .addOption(tsTimeoutOption())
    .addOption(new Option("-f, --format <format>", "output format").choices(["text", "json"]).default("text"))
    .option("--fix", "apply the safe fixes to the YAML files (a TypeScript stack gets them printed), then check again")
    .action(guard(run));
}

async function run(path: string | undefined, opts: Opts): Promise<void> {
  const target = path ?? defaultStackPath();
  let r = typeof target === "string" ? await checkStack(target, { environment: opts.env, tsTimeoutMs: opts.tsTimeout }) : { diagnostics: [target], value: undefined };
  if (opts.fix && typeof target === "string") r = await fixRounds(target, opts, r);
  const failed = hasErrors(r.diagnostics);
  if (opts.format === "json") {
    const s = r.value?.stack;
    const out = {
      valid: !failed,
      ...(s ? { stack: s.name, environments: opts.env ? [s.environment] : Object.keys(s.environments), resources: s.resources.length } : {}),
      summary: summarize(r.diagnostics),
      diagnostics: diagnosticsJson(r.diagnostics),
    };
    process.stdout.write(JSON.stringify(out, null, 2) + "\n");
  } else if (!r.value || r.diagnostics.some((d) => d.severity !== "info")) {
    printDiagnostics(r.diagnostics, (f) => r.value?.sources.text(f));
  } else {
    // Notes (how a cap is enforced on this platform, …) are news, not problems.
    if (r.diagnostics.length > 0) printDiagnostics(r.diagnostics, (f) => r.value?.sources.text(f), false);
    const s = r.value.stack;
    const n = s.resources.length;
    // Without --env every environment was resolved and checked: say so.
    const envs = opts.env ? [s.environment] : Object.keys(s.environments);
    process.stdout.write(`stack \`${s.name}\`: ${n} resource${n === 1 ? "" : "s"}, environment${envs.length === 1 ? "" : "s"} ${envs.join(", ")}: ${summarize(r.diagnostics)}\n`);
  }
  if (failed) process.exitCode = 1;
}

const MAX_ROUNDS = 5;

/**
 * `--fix`: the first safe fix of each finding, written into the stack's YAML
 * files (one fix per resource a round, so two fixes never rewrite one value;
 * the next round sees the result), until none is left. A TypeScript stack is
 * not rewritten: its safe fixes are printed as edits to make by hand.
 */
async function fixRounds(target: string, opts: Opts, first: Result<LoadedStack>): Promise<Result<LoadedStack>> {
  let r = first;
  const done: { title: string; files: string[] }[] = [];
  for (let round = 0; round < MAX_ROUNDS && r.value; round++) {
    const chosen = safeFixes(r.diagnostics);
    if (!chosen.length) break;
    if (!r.value.files.every((f) => /\.ya?ml$/.test(f))) {
      const lines = chosen.flatMap((f) => [`  ${f.title}:`, ...fixText(f).map((l) => `    ${l}`)]);
      process.stderr.write(`A TypeScript stack is not rewritten; make these edits to its declarations:\n${lines.join("\n")}\n\n`);
      return r;
    }
    const applied = applyFixes(r.value, chosen);
    if ("error" in applied) {
      process.stderr.write(`--fix stopped: ${applied.error}\n`);
      break;
    }
    for (const f of applied.files) writeFileSync(f.file, f.text);
    done.push(...chosen.map((f) => ({ title: f.title, files: applied.files.map((x) => displayPath(x.file)) })));
    r = await checkStack(target, { environment: opts.env, tsTimeoutMs: opts.tsTimeout });
  }
  if (done.length) {
    const files = [...new Set(done.flatMap((d) => d.files))];
    process.stderr.write(`Applied ${done.length} fix${done.length === 1 ? "" : "es"} in ${files.join(", ")}:\n${done.map((d) => `  ${d.title}`).join("\n")}\n\n`);
  }
  return r;
}

/** The first safe fix of each finding, one per resource, none twice. */
function safeFixes(ds: readonly Diagnostic[]): Fix[] {
  const out: Fix[] = [];
  const touched = new Set<string>();
  const seen = new Set<string>();
  for (const d of ds) {
    const f = d.fixes?.find((x) => x.safe);
    if (!f) continue;
    const key = canonicalJson(f.edits);
    if (seen.has(key) || f.edits.some((e) => touched.has(e.address))) continue;
    seen.add(key);
    for (const e of f.edits) touched.add(e.address);
    out.push(f);
  }
  return out;
}
