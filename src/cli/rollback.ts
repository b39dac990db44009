import type { Command } from "commander";
import { engineAction, fail, intOption, openStack, tsTimeoutOption } from "./context";
import { executeApply } from "./apply";
import { collectApprovers } from "./check";

export function register(program: Command): void {
  program
    .command("rollback")
    .description("make the platform match the desired state of an earlier version (plans from today's live state)")
    .argument("<version>", "version whose desired state to restore", intOption)
    .argument("[path]", "stack file or directory", ".")
    .option("-e, --env <name>", "environment")
    .addOption(tsTimeoutOption())
    .option("--auto-approve", "do not ask for confirmation (CI)")
    .option("--concurrency <n>", "operations in flight at once", intOption)
    .option("--approved-by <list>", "comma-separated reviewers who approved this rollback (protected environments; recorded in history)")
    .action(engineAction(async (n: number, path: string, opts: { env?: string; autoApprove?: boolean; concurrency?: number; approvedBy?: string }) => {
      const ctx = await openStack(path, opts, { provider: true });
      if (!ctx) return;
      try {
        const v = await ctx.backend.getVersion(n);
        if (!v) return fail(`there is no version ${n}`, "`mops history` lists the versions");
        // The resources of version N, with today's environments: credentials and endpoints may have moved since.
        const desired = { ...v.desired, environments: ctx.stack.environments, environment: ctx.stack.environment };
        await executeApply(ctx, {
          desired, command: "rollback", rollbackOf: n, autoApprove: opts.autoApprove, concurrency: opts.concurrency,
          approvers: collectApprovers(opts.approvedBy?.split(",").map((s) => s.trim()).filter(Boolean)),
        });
      } finally {
        await ctx.close();
      }
    }));
}
