import type { Command } from "commander";

export function register(program: Command): void {
  program.command("apply").description("(not yet built)").action(() => {
    throw new Error("mops apply is not built yet");
  });
}
