import type { Command } from "commander";
import { stackFileSchema } from "../model";
import { PopulationSchema } from "../model/population";
import { reportDiagnostics } from "./context";
import { writeOutput } from "./output";
import { guard } from "./render";

export function register(program: Command): void {
  program
    .command("schema")
    .description("print the JSON Schema of stack files (for editors: `# yaml-language-server: $schema=./mops.schema.json`)")
    .option("-o, --out <file>", "write it to a file instead of stdout")
    .option("--population", "the schema of population files instead (`mops simulate`, `mops sandbox seed`)")
    .action(
      guard(async (opts: { out?: string; population?: boolean }) => {
        const text = JSON.stringify(opts.population ? PopulationSchema : stackFileSchema(), null, 2) + "\n";
        if (!opts.out) return void process.stdout.write(text);
        const failed = await writeOutput(opts.out, text);
        if (failed) {
          reportDiagnostics([failed]);
          process.exitCode = 1;
          return;
        }
        process.stderr.write(`wrote ${opts.out}\n`);
      }),
    );
}
