import { Option, type Command } from "commander";
import { hasErrors } from "../diagnostics";
import { summarize } from "../report/diagnostics";
import { defaultStackPath } from "../stack";
import { checkStack } from "./check";
import { tsTimeoutOption } from "./context";
import { diagnosticsJson, guard, printDiagnostics } from "./render";

interface Opts {
  env?: string;
  tsTimeout?: number;
  format: "text" | "json";
}

export function register(program: Command): void {
  program
    .command("validate")
    .description("check a stack: schema, references, marketing and governance checks; exit 1 on errors")
    .argument("[path]", "stack file or directory (default: the current directory's mops.yaml / stack.yaml / mops.ts)")
    .option("-e, --env <name>", "environment to resolve (default: the stack's default_environment, else the first)")
    .addOption(tsTimeoutOption())
    .addOption(new Option("-f, --format <format>", "output format").choices(["text", "json"]).default("text"))
    .action(guard(run));
}

async function run(path: string | undefined, opts: Opts): Promise<void> {
  const target = path ?? defaultStackPath();
  const r = typeof target === "string" ? await checkStack(target, { environment: opts.env, tsTimeoutMs: opts.tsTimeout }) : { diagnostics: [target], value: undefined };
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
