import type { Command } from "commander";
import { diffText } from "../report/history-text";
import { colorEnabled } from "./render";
import { engineAction, fail, intOption, openStack, tsTimeoutOption } from "./context";

export function register(program: Command): void {
  program
    .command("diff")
    .description("show how the desired stack changed between two recorded versions")
    .argument("<from>", "older version number", intOption)
    .argument("<to>", "newer version number", intOption)
    .argument("[path]", "stack file or directory", ".")
    .option("-e, --env <name>", "environment")
    .addOption(tsTimeoutOption())
    .action(engineAction(async (from: number, to: number, path: string, opts: { env?: string }) => {
      const ctx = await openStack(path, opts, { provider: false });
      if (!ctx) return;
      try {
        const [a, b] = [await ctx.backend.getVersion(from), await ctx.backend.getVersion(to)];
        const missing = !a ? from : !b ? to : undefined;
        if (missing !== undefined) return fail(`there is no version ${missing}`, "`mops history` lists the versions");
        process.stdout.write(diffText(a!, b!, { color: colorEnabled(process.stdout) }));
      } finally {
        await ctx.close();
      }
    }));
}
