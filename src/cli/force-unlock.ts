import type { Command } from "commander";

export function register(program: Command): void {
  program.command("force-unlock").description("(not yet built)").action(() => {
    throw new Error("mops force-unlock is not built yet");
  });
}
