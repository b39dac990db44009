import type { Command } from "commander";

export function register(program: Command): void {
  program.command("sandbox").description("(not yet built)").action(() => {
    throw new Error("mops sandbox is not built yet");
  });
}
