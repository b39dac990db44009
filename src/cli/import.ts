import type { Command } from "commander";

export function register(program: Command): void {
  program.command("import").description("(not yet built)").action(() => {
    throw new Error("mops import is not built yet");
  });
}
