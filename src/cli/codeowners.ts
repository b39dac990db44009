import type { Command } from "commander";

export function register(program: Command): void {
  program.command("codeowners").description("(not yet built)").action(() => {
    throw new Error("mops codeowners is not built yet");
  });
}
