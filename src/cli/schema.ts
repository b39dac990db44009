import { Option, type Command } from "commander";
import { stackFileSchema } from "../model";
import { PolicySchema } from "../model/policy";
import { PopulationSchema } from "../model/population";
import { RepoConfigSchema } from "../model/repo-config";
import { reportDiagnostics } from "./context";
import { writeOutput } from "./output";
import { guard } from "./render";

/** Each file Mops reads has its own schema, so editors check all of them like stacks. */
const SCHEMAS = {
  stack: () => stackFileSchema(),
  policy: () => PolicySchema,
  config: () => RepoConfigSchema,
  population: () => PopulationSchema,
};

export function register(program: Command): void {
  program
    .command("schema")
    .description("print the JSON Schema of stack files (for editors: `# yaml-language-server: $schema=./mops.schema.json`)")
    .option("-o, --out <file>", "write it to a file instead of stdout")
    .addOption(new Option("--policy", "the schema of policy files (policy.yaml) instead").conflicts(["config", "population"]))
    .addOption(new Option("--config", "the schema of the repository config (mops.config.yaml) instead").conflicts("population"))
    .option("--population", "the schema of population files instead (`mops simulate`, `mops sandbox seed`)")
    .action(
      guard(async (opts: { out?: string; policy?: boolean; config?: boolean; population?: boolean }) => {
        const which = opts.policy ? "policy" : opts.config ? "config" : opts.population ? "population" : "stack";
        const text = JSON.stringify(SCHEMAS[which](), null, 2) + "\n";
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
