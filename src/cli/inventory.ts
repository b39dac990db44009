import type { Command } from "commander";

export function register(program: Command): void {
  program.command("inventory").description("(not yet built)").action(() => {
    throw new Error("mops inventory is not built yet");
  });
}
