import type { Command } from "commander";
import { StateError } from "../state/types";
import { engineAction, fail, openStack } from "./context";

export function register(program: Command): void {
  program
    .command("force-unlock")
    .description("release a lock left behind by a killed run (check that no run is using the state first)")
    .argument("[id]", "the lock id the refusal message named (required when a lock is held)")
    .option("--stack <path>", "stack file or directory", ".")
    .option("-e, --env <name>", "environment")
    .action(engineAction(async (id: string | undefined, opts: { stack: string; env?: string }) => {
      const ctx = await openStack(opts.stack, opts, { provider: false });
      if (!ctx) return;
      try {
        let held;
        try {
          held = await ctx.backend.locker.current();
        } catch (e) {
          if (!(e instanceof StateError)) throw e;
          // Nobody can tell who holds a damaged lock: the person asking to force it is the only judge.
          await ctx.backend.locker.forceUnlock();
          process.stdout.write(`Removed a damaged lock (${e.message}).\n`);
          return;
        }
        if (!held) {
          process.stdout.write("The state is not locked.\n");
          return;
        }
        if (id !== held.id) {
          return fail(
            id ? `lock ${id} is not the one held (held: ${held.id} by ${held.holder} since ${held.time})` : `the state is locked by ${held.holder} (${held.operation}) since ${held.time}`,
            `if that run is really gone: mops force-unlock ${held.id}`,
          );
        }
        const released = await ctx.backend.locker.forceUnlock(id);
        process.stdout.write(`Released lock ${released?.id ?? id} held by ${held.holder} (${held.operation}) since ${held.time}.\n`);
      } finally {
        await ctx.close();
      }
    }));
}
