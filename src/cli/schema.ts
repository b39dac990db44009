import type { Command } from "commander";

export function register(program: Command): void {
  program.command("schema").description("(not yet built)").action(() => {
    throw new Error("mops schema is not built yet");
  });
}
