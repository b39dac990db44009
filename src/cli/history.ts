import type { Command } from "commander";
import { error } from "../diagnostics";
import type { HistoryVersion } from "../state/types";
import { historyText } from "../report/history-text";
import { engineAction, fail, intOption, openStack, reportDiagnostics, type StackContext } from "./context";

const BROKEN_HINT = "someone edited or removed recorded versions: restore the history from a backup; nothing that reads history trusts it until then";

/** Refuses a history whose chain does not verify up to `upTo`, naming the first bad version. */
export async function verifiedUpTo(ctx: StackContext, upTo?: number): Promise<boolean> {
  const check = await ctx.backend.history.verify(upTo);
  if (check.ok) return true;
  reportDiagnostics([
    error("state/history-broken", `history does not verify at version ${check.broken?.version}: ${check.broken?.reason}`, { hint: BROKEN_HINT }),
  ]);
  process.exitCode = 1;
  return false;
}

/** Version n, after the chain up to it verified; undefined (with the error printed) otherwise. */
export async function verifiedVersion(ctx: StackContext, n: number): Promise<HistoryVersion | undefined> {
  const latest = await ctx.backend.history.latest();
  if (!latest || n > latest.version) {
    fail(`there is no version ${n}`, latest ? `versions run from 1 to ${latest.version}: \`mops history\` lists them` : "nothing has been applied yet");
    return undefined;
  }
  if (!(await verifiedUpTo(ctx, n))) return undefined;
  return ctx.backend.history.get(n);
}

interface HistoryOptions {
  env?: string;
  limit?: number;
  before?: number;
  verify?: boolean;
}

export async function runHistory(path: string, opts: HistoryOptions): Promise<void> {
  const ctx = await openStack(path, opts, { provider: false });
  if (!ctx) return;
  try {
    if (opts.verify) {
      const check = await ctx.backend.history.verify();
      if (check.ok) process.stdout.write(`History verifies: ${check.checked} version${check.checked === 1 ? "" : "s"}, every hash and link intact.\n`);
      else await verifiedUpTo(ctx);
      return;
    }
    const page = await ctx.backend.history.page({ limit: opts.limit ?? 20, ...(opts.before ? { before: opts.before } : {}) });
    process.stdout.write(historyText(page));
  } finally {
    await ctx.close();
  }
}

export function register(program: Command): void {
  program
    .command("history")
    .description("list the recorded versions, newest first: who applied what, when, from which commit, with what outcome")
    .argument("[path]", "stack file or directory", ".")
    .option("-e, --env <name>", "environment")
    .option("-n, --limit <n>", "versions to list (default 20)", intOption)
    .option("--before <version>", "list versions older than this one", intOption)
    .option("--verify", "check every version's hash and its link to the one before (the whole chain)")
    .action(engineAction(runHistory));
}
