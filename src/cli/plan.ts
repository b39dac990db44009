import { Option, type Command } from "commander";
import { hasErrors } from "../diagnostics";
import { hasChanges, type Plan, type PlanRequest } from "../plan";
import type { Stack } from "../model";
import { planMarkdown } from "../report/markdown";
import { planJson } from "../report/plan-json";
import { driftedChanges, driftText, planText, shownInPlanText } from "../report/plan-text";
import { colorEnabled } from "./render";
import { collectList, engineAction, openStack, planWithoutLock, reportDiagnostics, tsTimeoutOption } from "./context";
import { progress } from "./progress";
import { analyzeLoaded, lastApplied } from "./check";
import { comparisonHeadline, comparisonMarkdown } from "../report/simulate-text";
import type { Comparison } from "../simulate";
import { compareWithLastApplied, simulationInputs } from "./simulate";
import { outputProblem, writeOutput } from "./output";

export interface PlanOptions {
  env?: string;
  tsTimeout?: number;
  out?: string;
  format?: "text" | "json" | "markdown";
  detailedExitcode?: boolean;
  refreshOnly?: boolean;
  adopt?: string[];
  force?: boolean;
  simulate?: boolean;
}

/** What `--adopt` and `--force` ask of a plan (a saved plan carries it, so its apply recomputes the same). */
export const requestOf = (o: { adopt?: string[]; force?: boolean }): PlanRequest => ({
  ...(o.adopt?.length ? { adopt: [...o.adopt].sort() } : {}),
  ...(o.force ? { force: true } : {}),
});

function render(plan: Plan, opts: PlanOptions, stack: Stack, simulated?: Comparison): string {
  const color = colorEnabled(process.stdout);
  if (opts.refreshOnly) {
    return opts.format === "json" ? planJson({ ...plan, changes: driftedChanges(plan) }) : driftText(plan, { color });
  }
  if (opts.format === "json") return planJson(plan);
  if (opts.format === "markdown") return planMarkdown(plan, { stack, ...(simulated ? { simulation: comparisonMarkdown(simulated) } : {}) });
  return planText(plan, { color }) + (simulated ? `\nWhat customers would get (simulated): ${comparisonHeadline(simulated, (s) => s)}\n` : "");
}

/** `mops plan`: refresh, compare, print; returns the plan (quickstart reuses it). */
export async function runPlan(path: string, opts: PlanOptions): Promise<Plan | undefined> {
  const unwritable = opts.out ? outputProblem(opts.out) : undefined;
  if (unwritable) {
    reportDiagnostics([unwritable]);
    process.exitCode = 1;
    return undefined;
  }
  const ctx = await openStack(path, opts, { provider: true });
  if (!ctx) return undefined;
  try {
    const p = progress();
    ctx.listen(p.sink);
    const { plan } = await planWithoutLock(ctx, ctx.stack, { events: p.sink, request: requestOf(opts) });
    p.done();
    plan.diagnostics.push(...(await analyzeLoaded(ctx.loaded, await lastApplied(ctx.backend))));
    const text = !opts.format || opts.format === "text";
    reportDiagnostics(text ? plan.diagnostics.filter((d) => !shownInPlanText(d)) : plan.diagnostics, ctx.loaded);
    const inputs = opts.simulate ? simulationInputs(ctx.loaded, { days: 30 }) : undefined;
    if (opts.simulate && !inputs) return plan;
    const simulated = inputs ? await compareWithLastApplied(ctx.backend, ctx.stack, inputs, { days: 30 }) : undefined;
    process.stdout.write(render(plan, opts, ctx.stack, simulated));
    if (hasErrors(plan.diagnostics)) {
      process.exitCode = 1;
      return plan;
    }
    if (opts.out) {
      const failed = await writeOutput(opts.out, planJson(plan));
      if (failed) {
        reportDiagnostics([failed]);
        process.exitCode = 1;
        return plan;
      }
      process.stderr.write(`\nSaved the plan to ${opts.out}. Apply exactly this plan with: mops apply ${opts.out}\n`);
    }
    const changed = opts.refreshOnly ? driftedChanges(plan).length > 0 : hasChanges(plan);
    if (opts.detailedExitcode && changed) process.exitCode = 2;
    return plan;
  } finally {
    await ctx.close();
  }
}

export function register(program: Command): void {
  program
    .command("plan")
    .description("show what apply would change: the stack vs the live platform vs what Mops last applied")
    .argument("[path]", "stack file or directory", ".")
    .option("-e, --env <name>", "environment to plan for")
    .addOption(tsTimeoutOption())
    .option("--out <file>", "also save the plan as JSON, for `mops apply <file>`")
    .addOption(new Option("--format <format>", "output format").choices(["text", "json", "markdown"]).default("text"))
    .option("--detailed-exitcode", "exit 0 when there are no changes, 2 when there are, 1 on error")
    .option("--refresh-only", "show only what changed outside Mops (drift)")
    .option("--adopt <address>", "take over the unowned live object of this name (repeatable)", collectList, [])
    .option("--force", "with --adopt: adopt even an object another stack's owner mark claims")
    .option("--simulate", "also simulate 30 days of the last applied stack and this one over the population file's contacts, and say what changes for customers")
    .action(engineAction(async (path: string, opts: PlanOptions) => {
      await runPlan(path, opts);
    }));
}
