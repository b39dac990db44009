import type { Command } from "commander";

export function register(program: Command): void {
  program.command("drift").description("(not yet built)").action(() => {
    throw new Error("mops drift is not built yet");
  });
}
