import type { Command } from "commander";

export function register(program: Command): void {
  program.command("validate").description("(not yet built)").action(() => {
    throw new Error("mops validate is not built yet");
  });
}
