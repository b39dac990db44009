import type { Command } from "commander";

export function register(program: Command): void {
  program.command("graph").description("(not yet built)").action(() => {
    throw new Error("mops graph is not built yet");
  });
}
