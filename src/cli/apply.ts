import { existsSync, readFileSync, statSync } from "node:fs";
import type { Command } from "commander";
import type { EngineEvent } from "../plan/events";
import { currentActor, gitCommit, runApply } from "../apply";
import type { Stack } from "../model";
import { hasChanges, type Plan } from "../plan";
import { parsePlanJson } from "../report/plan-json";
import { planText, summaryLine } from "../report/plan-text";
import { colorEnabled } from "./render";
import { confirm, engineAction, fail, intOption, isInteractive, openStack, reportDiagnostics, type StackContext } from "./context";
import { progress } from "./progress";
import { analyzeLoaded, approvalGate, collectApprovers, lastApplied } from "./check";
import { loadStackPolicy } from "../stack/policy";

export interface ExecuteOptions {
  desired: Stack;
  command: "apply" | "rollback";
  rollbackOf?: number;
  savedPlan?: Plan;
  autoApprove?: boolean;
  concurrency?: number;
  approvers?: string[];
}

/**
 * The apply path shared by `apply`, `apply plan.json`, `rollback` and
 * `quickstart`: show the plan, confirm, apply with progress, report the
 * version. Exit 1 unless everything was applied.
 */
export async function executeApply(ctx: StackContext, o: ExecuteOptions): Promise<void> {
  if (!o.autoApprove && !o.savedPlan && !isInteractive()) {
    fail(
      `${o.command} needs a confirmation, and there is no terminal to ask on`,
      "pass --auto-approve (CI), or review a saved plan: `mops plan --out plan.json`, then `mops apply plan.json`",
    );
    return;
  }
  const baseDir = ctx.loaded.baseDir;
  const actor = currentActor(baseDir);
  const commit = gitCommit(baseDir);
  // Apply progress is the command's output; refresh lines ride along.
  const p = progress(process.stdout);
  ctx.listen(p.sink);
  const counts = { create: 0, update: 0, adopt: 0, delete: 0, replace: 0 } as Record<string, number>;
  const sink = (e: EngineEvent) => {
    if (e.type === "op-done") counts[e.action] = (counts[e.action] ?? 0) + 1;
    p.sink(e);
  };

  const ac = new AbortController();
  const onSigint = () => {
    if (ac.signal.aborted) process.exit(130);
    ac.abort();
    process.stderr.write("\nInterrupted: no new operations start; running ones finish and are recorded. Press Ctrl-C again to quit at once.\n");
  };
  // A CI runner cancelling a job sends SIGTERM: the same orderly stop.
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onSigint);
  const color = colorEnabled(process.stdout);
  // The policy gives both the findings that block an apply and the approvals it needs.
  const policy = await loadStackPolicy(ctx.loaded);
  try {
    const r = await runApply({
      provider: ctx.provider!, backend: ctx.backend, desired: o.desired, events: sink, signal: ac.signal,
      concurrency: o.concurrency ?? ctx.stack.environments[ctx.stack.environment]?.provider.concurrency ?? 8,
      meta: { actor, ...(commit ? { gitCommit: commit } : {}), command: o.command, rollbackOf: o.rollbackOf, approvers: o.approvers },
      savedPlan: o.savedPlan,
      // A rollback restores what was applied before: its checks ran then.
      findings: o.command === "apply" ? await analyzeLoaded(ctx.loaded, (await lastApplied(ctx.loaded, ctx.backend)).stack, policy) : [],
      gate: approvalGate(policy, o.desired, o.approvers ?? []),
      confirm: async (plan) => {
        p.done();
        reportDiagnostics(plan.diagnostics, ctx.loaded);
        // A saved plan was reviewed already: applying it just says so (Terraform's way).
        if (o.savedPlan) {
          process.stdout.write(`Applying the saved plan: ${summaryLine(plan).replace(/^Plan: /, "")}\n`);
          return true;
        }
        process.stdout.write(planText(plan, { color }));
        if (o.autoApprove) return true;
        return confirm(o.command === "rollback" ? `Do you want to roll back to version ${o.rollbackOf}?` : "Do you want to apply these changes?");
      },
    });
    p.done();
    if (r.blocked) {
      reportDiagnostics(r.diagnostics, ctx.loaded);
      const why = { stale: "The saved plan is stale", errors: "The plan has errors", approval: "Owners' approval is missing" }[r.blocked];
      process.stderr.write(`${why}: nothing was changed.\n`);
      process.exitCode = 1;
      return;
    }
    if (r.cancelled) {
      process.stdout.write(`\n${o.command === "rollback" ? "Rollback" : "Apply"} cancelled.\n`);
      process.exitCode = 1;
      return;
    }
    if (!r.applied || (r.plan && !hasChanges(r.plan))) {
      if (r.plan) process.stdout.write(planText(r.plan, { color }));
      if (!r.applied?.version) return;
    }
    const a = r.applied!;
    const added = counts.create + counts.replace, changed = counts.update + counts.adopt, destroyed = counts.delete + counts.replace;
    const resources = `Resources: ${added} added, ${changed} changed, ${destroyed} destroyed.`;
    const word = o.command === "rollback" ? "Rollback" : "Apply";
    if (a.outcome === "complete") process.stdout.write(`\n${word} complete! ${resources}\n`);
    else {
      process.stdout.write(`\n${word} ${a.outcome}: ${a.done} done, ${a.failed} failed, ${a.skipped} skipped. ${resources}\n`);
      if (ac.signal.aborted) process.stdout.write("Interrupted before the end; run apply again to finish.\n");
      else process.stdout.write("Fix the errors above and run apply again: the next plan contains exactly what is left.\n");
      process.exitCode = 1;
    }
    if (a.version) process.stdout.write(`Recorded version ${a.version.version} (${a.version.outcome}).\n`);
    if (o.command === "rollback") {
      process.stdout.write(`The stack files still declare the newer state: revert them to version ${o.rollbackOf}'s (e.g. \`git revert\`), or the next plan proposes those changes again.\n`);
    }
    const manual = r.plan?.summary.manual ?? 0;
    if (manual) process.stdout.write(`${manual} change${manual === 1 ? "" : "s"} the platform's API cannot make: see \`! manual\` above.\n`);
  } finally {
    process.off("SIGINT", onSigint);
    process.off("SIGTERM", onSigint);
  }
}

const isPlanFile = (arg: string) => arg.endsWith(".json") && existsSync(arg) && statSync(arg).isFile();

interface ApplyCliOptions {
  env?: string;
  stack?: string;
  autoApprove?: boolean;
  concurrency?: number;
  approvedBy?: string;
}

export async function runApplyCommand(target: string, opts: ApplyCliOptions): Promise<void> {
  let saved: Plan | undefined;
  let path = target;
  if (isPlanFile(target)) {
    saved = parsePlanJson(readFileSync(target, "utf8"));
    if (!saved) return fail(`${target} is not a Mops plan file`, "make one with `mops plan --out plan.json`");
    path = opts.stack ?? ".";
  }
  const ctx = await openStack(path, { env: opts.env ?? saved?.environment }, { provider: true });
  if (!ctx) return;
  try {
    await executeApply(ctx, {
      desired: ctx.stack, command: "apply", savedPlan: saved, autoApprove: opts.autoApprove, concurrency: opts.concurrency,
      approvers: collectApprovers(opts.approvedBy?.split(",").map((s) => s.trim()).filter(Boolean)),
    });
  } finally {
    await ctx.close();
  }
}

export function register(program: Command): void {
  program
    .command("apply")
    .description("make the platform match the stack (or apply a saved plan exactly), recording a version in history")
    .argument("[path]", "stack file or directory, or a plan saved with `mops plan --out`", ".")
    .option("-e, --env <name>", "environment to apply")
    .option("--stack <path>", "the stack a saved plan belongs to (default: current directory)")
    .option("--auto-approve", "do not ask for confirmation (CI)")
    .option("--concurrency <n>", "operations in flight at once (default: the provider's, else 8)", intOption)
    .option("--approved-by <list>", "comma-separated reviewers who approved this change (recorded in history)")
    .action(engineAction(runApplyCommand));
}
