import type { Command } from "commander";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { parse } from "yaml";
import { stackFileSchema } from "../model";
import { displayPath } from "../report/diagnostics";
import { snakeCase } from "../diagnostics/suggest";
import { exampleDir, policyPacksDir } from "./example";
import { guard } from "./render";


export function register(program: Command): void {
  program
    .command("init")
    .description("scaffold a working stack: mops.yaml (properties, segments, templates, workflows) and its JSON Schema")
    .argument("[dir]", "directory to create the stack in", ".")
    .option("--force", "overwrite an existing mops.yaml (or policy file)")
    .option("--policy <pack>", "also write a policy rule pack (`starter`); in an existing stack, only the policy")
    .action(guard(run));
}

function run(dir: string, opts: { force?: boolean; policy?: string }): void {
  const abs = resolve(dir);
  const stackFile = join(abs, "mops.yaml");
  if (opts.policy !== undefined) {
    const packs = readdirSync(policyPacksDir()).filter((f) => f.endsWith(".yaml")).map((f) => f.replace(/\.yaml$/, ""));
    if (!packs.includes(opts.policy)) {
      process.stderr.write(`error: no policy pack \`${opts.policy}\` (packs: ${packs.join(", ")})\n`);
      process.exitCode = 1;
      return;
    }
    const existing = ["mops.yaml", "mops.yml", "stack.yaml", "stack.yml"].map((f) => join(abs, f)).find((f) => existsSync(f));
    if (existing) return void addPolicy(abs, policyPath(abs, existing), opts.policy, !!opts.force);
  }
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
  if (opts.policy) writeFileSync(join(abs, "policy.yaml"), pack(opts.policy));
  process.stdout.write(
    [
      `created ${displayPath(stackFile)} (stack \`${name}\`)${opts.policy ? `, ${displayPath(join(abs, "policy.yaml"))} (the \`${opts.policy}\` rule pack)` : ""} and ${displayPath(join(abs, "mops.schema.json"))}`,
      "",
      "next:",
      `  mops validate ${shown}    check it`,
      `  mops plan ${shown}        see what would change in the sandbox`,
      "",
    ].join("\n"),
  );
}

/** The policy file a stack reads: the one its header names, else policy.yaml beside it. */
function policyPath(dir: string, stackFile: string): string {
  let named: unknown;
  try {
    named = (parse(readFileSync(stackFile, "utf8")) as { policy?: unknown } | null)?.policy;
  } catch {
    // A stack file that does not parse names no policy file here; validate will report it.
  }
  return typeof named === "string" ? resolve(dir, named) : join(dir, "policy.yaml");
}

const pack = (name: string): string => readFileSync(join(policyPacksDir(), `${name}.yaml`), "utf8");

/** A rule pack into an existing stack's policy file. */
function addPolicy(dir: string, file: string, name: string, force: boolean): void {
  if (existsSync(file) && !force) {
    process.stderr.write(`error: ${displayPath(file)} already exists (merge the pack from examples/policy-packs/${name}.yaml, or use --force to replace it)\n`);
    process.exitCode = 1;
    return;
  }
  writeFileSync(file, pack(name));
  process.stdout.write(`created ${displayPath(file)} (the \`${name}\` rule pack)\n\nnext:\n  mops validate ${displayPath(dir)}    the stack's checks, with the pack's rules\n`);
}
