import type { Command } from "commander";
import { historyText } from "../report/history-text";
import { engineAction, openStack, reportDiagnostics, tsTimeoutOption } from "./context";
import { error } from "../diagnostics";
import type { StackContext } from "./context";

/** Says so when the hash chain is broken: a tampered history must not pass unnoticed. */
export async function checkHistory(ctx: StackContext): Promise<boolean> {
  const check = await ctx.backend.verifyHistory();
  if (check.ok) return true;
  reportDiagnostics([
    error("state/history-broken", `history does not verify at version ${check.broken?.version}: ${check.broken?.reason}`, {
      hint: "someone edited or removed recorded versions; restore them from a backup",
    }),
  ]);
  process.exitCode = 1;
  return false;
}

export async function runHistory(path: string, opts: { env?: string }): Promise<void> {
  const ctx = await openStack(path, opts, { provider: false });
  if (!ctx) return;
  try {
    process.stdout.write(historyText(await ctx.backend.listVersions()));
    await checkHistory(ctx);
  } finally {
    await ctx.close();
  }
}

export function register(program: Command): void {
  program
    .command("history")
    .description("list the recorded versions: who applied what, when, from which commit, with what outcome")
    .argument("[path]", "stack file or directory", ".")
    .option("-e, --env <name>", "environment")
    .addOption(tsTimeoutOption())
    .action(engineAction(runHistory));
}
