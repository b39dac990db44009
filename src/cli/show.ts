import type { Command } from "commander";

export function register(program: Command): void {
  program.command("show").description("(not yet built)").action(() => {
    throw new Error("mops show is not built yet");
  });
}
