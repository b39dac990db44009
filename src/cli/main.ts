import { Command, CommanderError } from "commander";
import { readFileSync } from "node:fs";
import * as init from "./init";
import * as validate from "./validate";
import * as schema from "./schema";
import * as plan from "./plan";
import * as apply from "./apply";
import * as drift from "./drift";
import * as importCmd from "./import";
import * as history from "./history";
import * as show from "./show";
import * as diff from "./diff";
import * as rollback from "./rollback";
import * as forceUnlock from "./force-unlock";
import * as sandbox from "./sandbox";
import * as graph from "./graph";
import * as inventory from "./inventory";
import * as codeowners from "./codeowners";
import * as quickstart from "./quickstart";

const COMMANDS = [
  init, validate, schema, plan, apply, drift, importCmd, history, show, diff, rollback, forceUnlock,
  sandbox, graph, inventory, codeowners, quickstart,
];

const version = (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;

export function buildProgram(): Command {
  const program = new Command("mops")
    .description("Marketing operations as code: plan, apply, version and roll back marketing platforms.")
    .version(version, "-v, --version")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  for (const c of COMMANDS) c.register(program);
  return program;
}

/** Returns the process exit code (Terraform's: 0 ok, 1 error, 2 changes with --detailed-exitcode). */
export async function main(argv: string[]): Promise<number> {
  process.exitCode = 0;
  try {
    await buildProgram().parseAsync(argv);
    return Number(process.exitCode ?? 0);
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 1;
    throw e;
  }
}
