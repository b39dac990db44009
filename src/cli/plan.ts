import { Option, type Command } from "commander";
import { basename, relative, resolve } from "node:path";
import { hasErrors, type Diagnostic } from "../diagnostics";
import { hasChanges, type Plan, type PlanRequest } from "../plan";
import type { Stack } from "../model";
import { combinedComments, planMarkdown, reportComments, type StackReport } from "../report/markdown";
import { planJson } from "../report/plan-json";
import { driftedChanges, driftText, planText, shownInPlanText } from "../report/plan-text";
import { colorEnabled } from "./render";
import { defaultBase, repoStacks } from "./changed";
import { stackIdentity } from "../stack";
import { collectList, engineAction, fail, openStack, planWithoutLock, reportDiagnostics, tsTimeoutOption } from "./context";
import { progress } from "./progress";
import { analyzeLoaded, lastApplied } from "./check";
import { comparisonHeadline, comparisonMarkdown } from "../report/simulate-text";
import type { Comparison } from "../simulate";
import { compareWithLastApplied, simulationInputs } from "./simulate";
import { outputProblem, writeOutput } from "./output";
import { eventsNotInAccount } from "../analysis";

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

/**
 * Plan one stack: the plan, or the diagnostics of why there is none (printed
 * on stderr as they come); a comment shows either.
 */
export async function planReport(path: string, opts: PlanOptions): Promise<StackReport & { simulated?: Comparison }> {
  const seen: Diagnostic[] = [];
  const ctx = await openStack(path, opts, { provider: true, collect: seen });
  if (!ctx) {
    const id = await stackIdentity(path === "." ? process.cwd() : path, opts.env);
    return { stack: id.name ?? basename(resolve(path)), environment: id.environment ?? "sandbox", command: "plan", diagnostics: seen };
  }
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
    const text = !opts.format || opts.format === "text";
    reportDiagnostics(text ? plan.diagnostics.filter((d) => !shownInPlanText(d)) : plan.diagnostics, ctx.loaded);
    if (hasErrors(plan.diagnostics)) process.exitCode = 1;
    const report = { stack: plan.stack, environment: plan.environment, command: "plan" as const, plan, diagnostics: [...seen, ...plan.diagnostics], model: ctx.stack };
    if (!opts.simulate) return report;
    const inputs = simulationInputs(ctx.loaded, { days: 30 });
    return inputs ? { ...report, simulated: await compareWithLastApplied(ctx.backend, ctx.stack, inputs, { days: 30 }) } : report;
  } finally {
    await ctx.close();
  }
}

/** Whether a plan would change something (with `--refresh-only`: whether something drifted). */
export const changesIn = (plan: Plan, opts: PlanOptions): boolean => (opts.refreshOnly ? driftedChanges(plan).length > 0 : hasChanges(plan));

/** `mops plan`: refresh, compare, print; returns the plan (quickstart reuses it). */
export async function runPlan(path: string, opts: PlanOptions): Promise<Plan | undefined> {
  const unwritable = opts.out ? outputProblem(opts.out) : undefined;
  if (unwritable) {
    reportDiagnostics([unwritable]);
    process.exitCode = 1;
    return undefined;
  }
  const r = await planReport(path, opts);
  // A failed plan is a comment too, so the author sees why in the pull request.
  if (!r.plan) {
    if (opts.format === "markdown") process.stdout.write(reportComments(r).join("\n"));
    return undefined;
  }
  const plan = r.plan;
  process.stdout.write(render(plan, opts, r.model!, r.simulated));
  if (hasErrors(plan.diagnostics)) return plan;
  if (opts.out) {
    const failed = await writeOutput(opts.out, planJson(plan));
    if (failed) {
      reportDiagnostics([failed]);
      process.exitCode = 1;
      return plan;
    }
    process.stderr.write(`\nSaved the plan to ${opts.out}. Apply exactly this plan with: mops apply ${opts.out}\n`);
  }
  if (opts.detailedExitcode && changesIn(plan, opts)) process.exitCode = 2;
  return plan;
}

/**
 * `mops plan --changed` / `--all`: plan each stack a git diff touches (or
 * every stack), in the config's order; the exit code is the worst of them
 * (1 for any error, else 2 for any change with `--detailed-exitcode`).
 * `--all --refresh-only` is the scheduled drift check of a whole repository.
 */
async function planMany(from: string, opts: PlanOptions & { changed?: boolean; all?: boolean; base?: string }): Promise<void> {
  if (opts.out) return fail("`--out` saves one stack's plan; plan each stack on its own to save it");
  if (opts.changed && opts.all) return fail("`--changed` or `--all`, not both");
  const found = await repoStacks(from, opts.all ? { all: true } : { base: opts.base ?? defaultBase() });
  reportDiagnostics(found.diagnostics);
  if (!found.value) return void (process.exitCode = 1);
  const { config, base, stacks } = found.value;
  const reports: StackReport[] = [];
  for (const stack of stacks) {
    const path = relative(config.dir, stack) || ".";
    process.stderr.write(`\n── ${path}\n`);
    const r = await planReport(stack, opts);
    // A drift check shows what drifted, not the plan that would undo it.
    reports.push({ ...r, path, ...(r.plan && opts.refreshOnly ? { plan: { ...r.plan, changes: driftedChanges(r.plan) } } : {}) });
  }
  const failed = reports.some((r) => !r.plan || hasErrors(r.diagnostics));
  if (opts.format === "markdown") process.stdout.write(combinedComments(reports, { ...(opts.env ? { environment: opts.env } : {}), ...(base ? { base } : {}) }).join("\n"));
  else if (opts.format === "json") {
    const out = reports.map((r) => ({ path: r.path, stack: r.stack, environment: r.environment, plan: r.plan ?? null, ...(r.plan ? {} : { diagnostics: r.diagnostics }) }));
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } else {
    if (!reports.length) process.stdout.write(`No stack of ${relative(process.cwd(), config.file) || config.file} ${base ? `changed since ${base}` : "found"}.\n`);
    for (const r of reports) if (r.plan) process.stdout.write(`\n── ${r.path} (${r.stack} → ${r.environment})\n${render(r.plan, opts, r.model!)}`);
  }
  process.exitCode = failed ? 1 : opts.detailedExitcode && reports.some((r) => changesIn(r.plan!, opts)) ? 2 : 0;
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
    .option("--changed", "plan every stack of the repository config (mops.config.yaml) that a git diff touches; [path] is where to look for the config")
    .option("--base <ref>", "with --changed: the git ref to compare with (default: origin/$GITHUB_BASE_REF in a pull request, else main)")
    .option("--all", "plan every stack of the repository config (with --refresh-only: the drift of all of them)")
    .action(engineAction(async (path: string, opts: PlanOptions & { changed?: boolean; all?: boolean; base?: string }) => {
      if (opts.changed || opts.all) return planMany(path, opts);
      if (opts.base) return fail("`--base` goes with `--changed`");
      await runPlan(path, opts);
    }));
}
