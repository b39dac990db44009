import { Option, type Command } from "commander";
import { writeFileSync } from "node:fs";
import { stackFileSchema } from "../model";
import { PolicySchema } from "../model/policy";
import { RepoConfigSchema } from "../model/repo-config";
import { guard } from "./render";

/** Each file Mops reads has its own schema, so editors check all of them like stacks. */
const SCHEMAS = {
  stack: () => stackFileSchema(),
  policy: () => PolicySchema,
  config: () => RepoConfigSchema,
};

export function register(program: Command): void {
  program
    .command("schema")
    .description("print the JSON Schema of stack files (for editors: `# yaml-language-server: $schema=./mops.schema.json`)")
    .option("-o, --out <file>", "write it to a file instead of stdout")
    .addOption(new Option("--policy", "the schema of policy files (policy.yaml) instead").conflicts("config"))
    .option("--config", "the schema of the repository config (mops.config.yaml) instead")
    .action(
      guard((opts: { out?: string; policy?: boolean; config?: boolean }) => {
        const which = opts.policy ? "policy" : opts.config ? "config" : "stack";
        const text = JSON.stringify(SCHEMAS[which](), null, 2) + "\n";
        if (!opts.out) return void process.stdout.write(text);
        writeFileSync(opts.out, text);
        process.stderr.write(`wrote ${opts.out}\n`);
      }),
    );
}
