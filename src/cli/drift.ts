import type { Command } from "commander";
import { driftedChanges, driftText } from "../report/plan-text";
import { colorEnabled } from "./render";
import { engineAction, openStack, planWithoutLock } from "./context";
import { progress } from "./progress";

export function register(program: Command): void {
  program
    .command("drift")
    .description("show what changed on the platform outside Mops since the last apply (reads only)")
    .argument("[path]", "stack file or directory", ".")
    .option("-e, --env <name>", "environment to check")
    .option("--detailed-exitcode", "exit 0 when nothing drifted, 2 when something did, 1 on error")
    .action(engineAction(async (path: string, opts: { env?: string; detailedExitcode?: boolean }) => {
      const ctx = await openStack(path, opts, { provider: true });
      if (!ctx) return;
      try {
        const p = progress();
        ctx.listen(p.sink);
        const { plan } = await planWithoutLock(ctx, ctx.stack, { events: p.sink });
        p.done();
        process.stdout.write(driftText(plan, { color: colorEnabled(process.stdout) }));
        if (opts.detailedExitcode && driftedChanges(plan).length) process.exitCode = 2;
      } finally {
        await ctx.close();
      }
    }));
}
