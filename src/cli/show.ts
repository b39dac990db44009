import { Option, type Command } from "commander";
import { showText } from "../report/history-text";
import { colorEnabled } from "./render";
import { engineAction, intOption, openStack } from "./context";
import { verifiedVersion } from "./history";

export function register(program: Command): void {
  program
    .command("show")
    .description("show one recorded version: its facts, errors and plan")
    .argument("<version>", "version number", intOption)
    .argument("[path]", "stack file or directory", ".")
    .option("-e, --env <name>", "environment")
    .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"))
    .action(engineAction(async (n: number, path: string, opts: { env?: string; format: string }) => {
      const ctx = await openStack(path, opts, { provider: false });
      if (!ctx) return;
      try {
        const v = await verifiedVersion(ctx, n);
        if (!v) return;
        process.stdout.write(opts.format === "json" ? `${JSON.stringify(v, null, 2)}\n` : showText(v, { color: colorEnabled(process.stdout) }));
      } finally {
        await ctx.close();
      }
    }));
}
