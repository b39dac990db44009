import { readFileSync, statSync } from "node:fs";
import type { Command } from "commander";
import type { EngineEvent } from "../plan/events";
import { currentActor, gitCommit, runSession, type SessionResult } from "../apply";
import type { Stack } from "../model";
import { parseSavedPlan, type Plan, type PlanRequest, type ResourceChange } from "../plan";
import { planText, shownInPlanText, summaryLine } from "../report/plan-text";
import { colorEnabled } from "./render";
import {
  collectList, confirm, durationOption, engineAction, fail, intOption, isInteractive, openStack, reportDiagnostics, type StackContext,
  tsTimeoutOption,
} from "./context";
import { progress } from "./progress";
import { analyzeLoaded, approvalGate, collectApprovers, lastApplied } from "./check";
import { requestOf } from "./plan";
import { loadStackPolicy } from "../stack/policy";

export interface ExecuteOptions {
  desired: Stack;
  command: "apply" | "rollback";
  rollbackOf?: number;
  savedPlan?: Plan;
  autoApprove?: boolean;
  concurrency?: number;
  approvers?: string[];
  request?: PlanRequest;
  /** `--confirm-manual`: manual changes already made by hand (`all` for every one). */
  confirmManual?: string[];
  lockTimeoutMs?: number;
}

/** Manual changes confirmed up front, or asked one by one at a terminal once the plan is approved. */
function manualConfirmation(o: ExecuteOptions): readonly string[] | ((pending: ResourceChange[]) => Promise<readonly string[]>) {
  const given = o.confirmManual ?? [];
  return async (pending) => {
    if (given.includes("all")) return pending.map((c) => c.address);
    const out = pending.filter((c) => given.includes(c.address)).map((c) => c.address);
    if (o.autoApprove || o.savedPlan || !isInteractive()) return out;
    for (const c of pending) {
      if (out.includes(c.address)) continue;
      const note = c.manual ?? "a manual change";
      process.stdout.write(`\n! ${c.address}:${note.includes("\n") ? `\n  ${note.replace(/\n/g, "\n  ")}` : ` ${note}`}\n`);
      if (await confirm(`Have you made this change by hand? Mops records it as done and stops asking until the stack changes it.`)) out.push(c.address);
    }
    return out;
  };
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
  const p = progress(process.stdout, ctx.loaded.sources);
  ctx.listen(p.sink);
  const counts: Record<string, number> = {};
  const sink = (e: EngineEvent) => {
    if (e.type === "op-done") counts[e.phase] = (counts[e.phase] ?? 0) + 1;
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
    const r = await runSession({
      provider: ctx.provider!, backend: ctx.backend, desired: o.desired, events: sink, signal: ac.signal,
      concurrency: o.concurrency ?? ctx.stack.environments[ctx.stack.environment]?.provider.concurrency ?? 8,
      meta: { actor, ...(commit ? { gitCommit: commit } : {}), command: o.command, rollbackOf: o.rollbackOf, approvers: o.approvers },
      savedPlan: o.savedPlan,
      request: o.request,
      lockTimeoutMs: o.lockTimeoutMs,
      // A rollback restores what was applied before: its checks ran then.
      // The stack-wide suggestion to declare events is for validate and plan, not repeated by every apply.
      findings: o.command === "apply"
        ? (await analyzeLoaded(ctx.loaded, (await lastApplied(ctx.loaded, ctx.backend)).stack, policy)).filter((d) => d.code !== "event/no-catalogue")
        : [],
      gate: approvalGate(policy, o.desired, o.approvers ?? []),
      confirm: async (plan) => {
        p.done();
        // A saved plan was reviewed already: applying it just says so (Terraform's way), so its notes show here.
        reportDiagnostics(o.savedPlan ? plan.diagnostics : plan.diagnostics.filter((d) => !shownInPlanText(d)), ctx.loaded);
        if (o.savedPlan) {
          process.stdout.write(`Applying the saved plan: ${summaryLine(plan).replace(/^Plan: /, "")}\n`);
          return true;
        }
        process.stdout.write(planText(plan, { color }));
        if (o.autoApprove) return true;
        return confirm(o.command === "rollback" ? `Do you want to roll back to version ${o.rollbackOf}?` : "Do you want to apply these changes?");
      },
      confirmManual: manualConfirmation(o),
    });
    p.done();
    report(r, o, counts, ac.signal.aborted, color);
  } finally {
    process.off("SIGINT", onSigint);
    process.off("SIGTERM", onSigint);
  }
}

function report(r: SessionResult, o: ExecuteOptions, counts: Record<string, number>, interrupted: boolean, color: boolean): void {
  const word = o.command === "rollback" ? "Rollback" : "Apply";
  if (r.blocked) {
    reportDiagnostics(r.diagnostics);
    const why = { stale: "The saved plan is not the plan made now", errors: "The plan has errors", approval: "Owners' approval is missing" }[r.blocked];
    process.stderr.write(`${why}: nothing was changed.\n`);
    process.exitCode = 1;
    return;
  }
  if (r.cancelled) {
    process.stdout.write(`\n${word} cancelled.\n`);
    process.exitCode = 1;
    return;
  }
  const a = r.applied;
  if (!a) {
    if (r.plan) process.stdout.write(planText(r.plan, { color }));
    return;
  }
  const n = (phase: string) => counts[phase] ?? 0;
  const resources = `Resources: ${n("create") + n("adopt")} added, ${n("update") + n("retire")} changed, ${n("delete")} destroyed.`;
  if (a.outcome === "complete") process.stdout.write(`\n${word} complete! ${resources}\n`);
  else {
    const c = a.executed.counts;
    process.stdout.write(`\n${word} ${a.outcome}: ${c.done} done, ${c.failed} failed, ${c.skipped} skipped. ${resources}\n`);
    if (a.executed.stopped) reportDiagnostics([a.executed.stopped]);
    if (interrupted) process.stdout.write("Interrupted before the end; run apply again to finish.\n");
    else if (a.executed.stopped) process.stdout.write("Stopped before the end; run apply again to finish once the cause is fixed.\n");
    else process.stdout.write("Fix the errors above and run apply again: the next plan contains exactly what is left.\n");
    process.exitCode = 1;
  }
  if (a.version) process.stdout.write(`Recorded version ${a.version.version} (${a.version.outcome}).\n`);
  else if (a.versionError) {
    process.stderr.write(`The version could not be recorded (${(a.versionError as Error).message ?? a.versionError}); the next run records it from the journal.\n`);
    process.exitCode = 1;
  }
  if (o.command === "rollback") {
    process.stdout.write(`The stack files still declare the newer state: revert them to version ${o.rollbackOf}'s (e.g. \`git revert\`), or the next plan proposes those changes again.\n`);
  }
  const waiting = a.executed.awaiting;
  if (waiting.length) {
    process.stdout.write(
      `${waiting.length} manual change${waiting.length === 1 ? "" : "s"} the platform's API cannot make (see \`! manual\` above). ` +
        `Once done by hand, record ${waiting.length === 1 ? "it" : "them"}: mops apply --confirm-manual ${waiting.map((c) => c.address).join(",")}\n`,
    );
  }
}

const isPlanFile = (arg: string) => {
  try {
    return arg.endsWith(".json") && statSync(arg).isFile();
  } catch {
    return false;
  }
};

interface ApplyCliOptions {
  env?: string;
  tsTimeout?: number;
  stack?: string;
  autoApprove?: boolean;
  concurrency?: number;
  approvedBy?: string;
  adopt?: string[];
  force?: boolean;
  confirmManual?: string[];
  lockTimeout?: number;
}

export async function runApplyCommand(target: string, opts: ApplyCliOptions): Promise<void> {
  let saved: Plan | undefined;
  let path = target;
  if (isPlanFile(target)) {
    const parsed = parseSavedPlan(readFileSync(target, "utf8"), target);
    if (!parsed.value) {
      reportDiagnostics(parsed.diagnostics);
      process.exitCode = 1;
      return;
    }
    saved = parsed.value;
    if (opts.adopt?.length || opts.force) return fail("--adopt and --force belong to `mops plan` when applying a saved plan", "the saved plan already carries what was asked when it was made");
    path = opts.stack ?? ".";
  }
  const ctx = await openStack(path, { env: opts.env ?? saved?.environment, tsTimeout: opts.tsTimeout }, { provider: true });
  if (!ctx) return;
  try {
    await executeApply(ctx, {
      desired: ctx.stack, command: "apply", savedPlan: saved, autoApprove: opts.autoApprove, concurrency: opts.concurrency,
      approvers: collectApprovers(opts.approvedBy?.split(",").map((s) => s.trim()).filter(Boolean)),
      request: requestOf(opts), confirmManual: opts.confirmManual, lockTimeoutMs: opts.lockTimeout,
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
    .addOption(tsTimeoutOption())
    .option("--stack <path>", "the stack a saved plan belongs to (default: current directory)")
    .option("--auto-approve", "do not ask for confirmation (CI)")
    .option("--concurrency <n>", "operations in flight at once (default: the provider's, else 8)", intOption)
    .option("--approved-by <list>", "comma-separated reviewers who approved this change (recorded in history)")
    .option("--adopt <address>", "take over the unowned live object of this name (repeatable)", collectList, [])
    .option("--force", "with --adopt: adopt even an object another stack's owner mark claims")
    .option("--confirm-manual <address>", "record a manual change as done by hand (repeatable; `all` for every one)", collectList, [])
    .option("--lock-timeout <duration>", "wait this long for another run's lock (e.g. 30s, 2m; default 0: fail at once)", durationOption)
    .action(engineAction(runApplyCommand));
}
