import type { Command } from "commander";

export function register(program: Command): void {
  program.command("quickstart").description("(not yet built)").action(() => {
    throw new Error("mops quickstart is not built yet");
  });
}
