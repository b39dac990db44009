import type { Command } from "commander";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { stackFileSchema } from "../model";
import { displayPath } from "../report/diagnostics";
import { snakeCase } from "../diagnostics/suggest";
import { exampleDir } from "./example";
import { guard } from "./render";


export function register(program: Command): void {
  program
    .command("init")
    .description("scaffold a working stack: mops.yaml (properties, segments, templates, workflows) and its JSON Schema")
    .argument("[dir]", "directory to create the stack in", ".")
    .option("--force", "overwrite an existing mops.yaml")
    .action(guard(run));
}

function run(dir: string, opts: { force?: boolean }): void {
  const abs = resolve(dir);
  const stackFile = join(abs, "mops.yaml");
  if (existsSync(stackFile) && !opts.force) {
    process.stderr.write(`error: ${displayPath(stackFile)} already exists (use --force to overwrite it)\n`);
    process.exitCode = 1;
    return;
  }
  mkdirSync(abs, { recursive: true });
  const name = snakeCase(basename(abs)) || "my_stack";
  // The scaffold is the quickstart example itself, so what `init` writes is
  // exactly what the examples' tests keep valid.
  const text = readFileSync(join(exampleDir(), "mops.yaml"), "utf8").replace(/^stack: quickstart$/m, `stack: ${name}`);
  writeFileSync(stackFile, text);
  writeFileSync(join(abs, "mops.schema.json"), JSON.stringify(stackFileSchema(), null, 2) + "\n");
  const shown = displayPath(abs);
  process.stdout.write(
    [
      `created ${displayPath(stackFile)} (stack \`${name}\`) and ${displayPath(join(abs, "mops.schema.json"))}`,
      "",
      "next:",
      `  mops validate ${shown}    check it`,
      `  mops plan ${shown}        see what would change in the sandbox`,
      "",
    ].join("\n"),
  );
}
