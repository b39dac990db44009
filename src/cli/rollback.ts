import type { Command } from "commander";
import { confirm, durationOption, engineAction, fail, intOption, isInteractive, openStack } from "./context";
import { executeApply } from "./apply";
import { collectApprovers } from "./check";
import { verifiedVersion } from "./history";

interface RollbackOptions {
  env?: string;
  autoApprove?: boolean;
  concurrency?: number;
  approvedBy?: string;
  acceptIncomplete?: boolean;
  lockTimeout?: number;
}

export function register(program: Command): void {
  program
    .command("rollback")
    .description("make the platform match the desired state of an earlier version (plans from today's live state)")
    .argument("<version>", "version whose desired state to restore", intOption)
    .argument("[path]", "stack file or directory", ".")
    .option("-e, --env <name>", "environment")
    .option("--auto-approve", "do not ask for confirmation (CI)")
    .option("--concurrency <n>", "operations in flight at once", intOption)
    .option("--approved-by <list>", "comma-separated reviewers who approved this rollback (protected environments; recorded in history)")
    .option("--accept-incomplete", "roll back to a version whose apply did not complete (partial, failed, cancelled) without asking")
    .option("--lock-timeout <duration>", "wait this long for another run's lock (e.g. 30s)", durationOption)
    .action(engineAction(async (n: number, path: string, opts: RollbackOptions) => {
      const ctx = await openStack(path, opts, { provider: true });
      if (!ctx) return;
      try {
        // Only a version whose chain verifies up to it is restored: an edited history must not be applied.
        const v = await verifiedVersion(ctx, n);
        if (!v) return;
        if (!["complete", "recovered"].includes(v.outcome) && !opts.acceptIncomplete) {
          const what = `version ${n} was ${v.outcome}: its desired state was never fully live, so restoring it may create what never existed`;
          if (opts.autoApprove || !isInteractive()) return fail(what, "pass --accept-incomplete to roll back to it anyway, or pick a complete version (`mops history`)");
          if (!(await confirm(`Warning: ${what}. Roll back to it anyway?`))) return fail("rollback cancelled");
        }
        // The resources of version N, with today's environments: credentials and endpoints may have moved since.
        const desired = { ...v.desired, environments: ctx.stack.environments, environment: ctx.stack.environment };
        await executeApply(ctx, {
          desired, command: "rollback", rollbackOf: n, autoApprove: opts.autoApprove, concurrency: opts.concurrency,
          approvers: collectApprovers(opts.approvedBy?.split(",").map((s) => s.trim()).filter(Boolean)),
          lockTimeoutMs: opts.lockTimeout,
        });
      } finally {
        await ctx.close();
      }
    }));
}
