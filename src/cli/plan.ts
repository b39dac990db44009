import { Option, type Command } from "commander";
import { hasErrors } from "../diagnostics";
import { hasChanges, type Plan, type PlanRequest } from "../plan";
import type { Stack } from "../model";
import { planMarkdown } from "../report/markdown";
import { planJson } from "../report/plan-json";
import { driftedChanges, driftText, planText } from "../report/plan-text";
import { colorEnabled } from "./render";
import { collectList, engineAction, openStack, planWithoutLock, reportDiagnostics, writeOutput } from "./context";
import { progress } from "./progress";
import { analyzeLoaded, lastApplied } from "./check";
import { eventsNotInAccount } from "../analysis";

export interface PlanOptions {
  env?: string;
  out?: string;
  format?: "text" | "json" | "markdown";
  detailedExitcode?: boolean;
  refreshOnly?: boolean;
  adopt?: string[];
  force?: boolean;
}

/** What `--adopt` and `--force` ask of a plan (a saved plan carries it, so its apply recomputes the same). */
export const requestOf = (o: { adopt?: string[]; force?: boolean }): PlanRequest => ({
  ...(o.adopt?.length ? { adopt: [...o.adopt].sort() } : {}),
  ...(o.force ? { force: true } : {}),
});

function render(plan: Plan, opts: PlanOptions, stack: Stack): string {
  const color = colorEnabled(process.stdout);
  if (opts.refreshOnly) {
    return opts.format === "json" ? planJson({ ...plan, changes: driftedChanges(plan) }) : driftText(plan, { color });
  }
  if (opts.format === "json") return planJson(plan);
  if (opts.format === "markdown") return planMarkdown(plan, { stack });
  return planText(plan, { color });
}

/** `mops plan`: refresh, compare, print; returns the plan (quickstart reuses it). */
export async function runPlan(path: string, opts: PlanOptions): Promise<Plan | undefined> {
  const ctx = await openStack(path, opts, { provider: true });
  if (!ctx) return undefined;
  try {
    const p = progress();
    ctx.listen(p.sink);
    const { plan, live } = await planWithoutLock(ctx, ctx.stack, { events: p.sink, request: requestOf(opts) });
    p.done();
    plan.diagnostics.push(...(await analyzeLoaded(ctx.loaded, (await lastApplied(ctx.loaded, ctx.backend)).stack)));
    const events = ctx.provider!.capabilities.event;
    if (events?.read) {
      const inAccount = live.filter((o) => o.kind === "event").map((o) => o.name);
      plan.diagnostics.push(...eventsNotInAccount(ctx.stack, ctx.loaded.sources, inAccount, events.create === "api"));
    }
    reportDiagnostics(plan.diagnostics, ctx.loaded);
    process.stdout.write(render(plan, opts, ctx.stack));
    if (hasErrors(plan.diagnostics)) {
      process.exitCode = 1;
      return plan;
    }
    if (opts.out) {
      if (!(await writeOutput(opts.out, planJson(plan)))) return plan;
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
    .option("--out <file>", "also save the plan as JSON, for `mops apply <file>`")
    .addOption(new Option("--format <format>", "output format").choices(["text", "json", "markdown"]).default("text"))
    .option("--detailed-exitcode", "exit 0 when there are no changes, 2 when there are, 1 on error")
    .option("--refresh-only", "show only what changed outside Mops (drift)")
    .option("--adopt <address>", "take over the unowned live object of this name (repeatable)", collectList, [])
    .option("--force", "with --adopt: adopt even an object another stack's owner mark claims")
    .action(engineAction(async (path: string, opts: PlanOptions) => {
      await runPlan(path, opts);
    }));
}
