import type { Command } from "commander";

export function register(program: Command): void {
  program.command("history").description("(not yet built)").action(() => {
    throw new Error("mops history is not built yet");
  });
}
