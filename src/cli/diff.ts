import type { Command } from "commander";

export function register(program: Command): void {
  program.command("diff").description("(not yet built)").action(() => {
    throw new Error("mops diff is not built yet");
  });
}
