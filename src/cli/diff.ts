import type { Command } from "commander";
import { diffText } from "../report/history-text";
import { colorEnabled } from "./render";
import { engineAction, intOption, openStack } from "./context";
import { verifiedVersion } from "./history";

export function register(program: Command): void {
  program
    .command("diff")
    .description("show how the desired stack changed between two recorded versions")
    .argument("<from>", "older version number", intOption)
    .argument("<to>", "newer version number", intOption)
    .argument("[path]", "stack file or directory", ".")
    .option("-e, --env <name>", "environment")
    .action(engineAction(async (from: number, to: number, path: string, opts: { env?: string }) => {
      const ctx = await openStack(path, opts, { provider: false });
      if (!ctx) return;
      try {
        const b = await verifiedVersion(ctx, Math.max(from, to));
        const a = b && (await ctx.backend.history.get(Math.min(from, to)));
        if (!a || !b) return;
        process.stdout.write(diffText(from <= to ? a : b, from <= to ? b : a, { color: colorEnabled(process.stdout) }));
      } finally {
        await ctx.close();
      }
    }));
}
