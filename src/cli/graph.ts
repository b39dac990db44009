import type { Command } from "commander";
import { error, hasErrors } from "../diagnostics";
import type { Resource } from "../model";
import { stackGraph, workflowFlowchart } from "../report/mermaid";
import { defaultStackPath, loadStack, type LoadedStack } from "../stack";
import { suggestion } from "../diagnostics/suggest";
import { reportDiagnostics, tsTimeoutOption } from "./context";
import { guard } from "./render";

interface Opts {
  stack?: string;
  env?: string;
  tsTimeout?: number;
}

export function register(program: Command): void {
  program
    .command("graph")
    .description("print a Mermaid diagram: one workflow's journey, or the whole stack (segments → workflows → templates)")
    .argument("[workflow]", "a workflow name (`cart_recovery` or `workflow.cart_recovery`); the whole stack when omitted")
    .option("-s, --stack <path>", "stack file or directory (default: the current directory's stack)")
    .option("-e, --env <name>", "environment to resolve (default: the stack's default_environment, else the first)")
    .addOption(tsTimeoutOption())
    .action(guard(run));
}

async function run(workflow: string | undefined, opts: Opts): Promise<void> {
  const loaded = await loadForReport(opts.stack, opts.env, opts.tsTimeout);
  if (!loaded) return;
  if (workflow === undefined) {
    process.stdout.write(stackGraph(loaded.stack));
    return;
  }
  const name = workflow.replace(/^workflow\./, "");
  const workflows = loaded.stack.resources.filter((r): r is Resource<"workflow"> => r.kind === "workflow");
  const wf = workflows.find((w) => w.name === name);
  if (!wf) {
    reportDiagnostics([
      error("cli/unknown-workflow", `no workflow \`${name}\` in stack \`${loaded.stack.name}\``, {
        hint: suggestion(name, workflows.map((w) => w.name), "workflows"),
      }),
    ]);
    process.exitCode = 1;
    return;
  }
  process.stdout.write(workflowFlowchart(wf));
}

/**
 * Load a stack for a read-only report (graph, inventory, codeowners): no
 * provider, no state. On a user error, prints the diagnostics, sets exit
 * code 1 and returns undefined.
 */
export async function loadForReport(path: string | undefined, environment?: string, tsTimeoutMs?: number): Promise<LoadedStack | undefined> {
  const target = path ?? defaultStackPath();
  if (typeof target !== "string") {
    reportDiagnostics([target]);
    process.exitCode = 1;
    return undefined;
  }
  const r = await loadStack(target, { environment, env: process.env, tsTimeoutMs });
  reportDiagnostics(r.diagnostics.filter((d) => d.severity !== "info"), r.value);
  if (!r.value || hasErrors(r.diagnostics)) {
    process.exitCode = 1;
    return undefined;
  }
  return r.value;
}
