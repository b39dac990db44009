import { Command, CommanderError } from "commander";
// Inlined by the build: `--version` reads no file.
import { version } from "../../package.json";

interface CommandModule {
  register(program: Command): void;
}

/**
 * Every command, loaded on demand: a run loads only the module of the command
 * it names (each pulls in its own share of the engine), so `mops validate`
 * does not pay for the browser-page renderer or the postgres driver. Help
 * and unknown commands load them all.
 */
const COMMANDS: Record<string, () => Promise<CommandModule>> = {
  init: () => import("./init"),
  validate: () => import("./validate"),
  schema: () => import("./schema"),
  plan: () => import("./plan"),
  apply: () => import("./apply"),
  drift: () => import("./drift"),
  audit: () => import("./audit"),
  import: () => import("./import"),
  history: () => import("./history"),
  show: () => import("./show"),
  diff: () => import("./diff"),
  rollback: () => import("./rollback"),
  "force-unlock": () => import("./force-unlock"),
  sandbox: () => import("./sandbox"),
  graph: () => import("./graph"),
  inventory: () => import("./inventory"),
  codeowners: () => import("./codeowners"),
  quickstart: () => import("./quickstart"),
};

/** The program with the named commands registered. */
export async function buildProgram(names: readonly string[] = Object.keys(COMMANDS)): Promise<Command> {
  const program = new Command("mops")
    .description("Marketing operations as code: plan, apply, version and roll back marketing platforms.")
    .version(version, "-v, --version")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  for (const m of await Promise.all(names.map((n) => COMMANDS[n]!()))) m.register(program);
  return program;
}

/** Returns the process exit code (Terraform's: 0 ok, 1 error, 2 changes with --detailed-exitcode). */
export async function main(argv: string[]): Promise<number> {
  process.exitCode = 0;
  const args = argv.slice(2);
  const first = args.find((a) => !a.startsWith("-"));
  const versionOnly = first === undefined && args.some((a) => a === "-v" || a === "--version");
  const names = versionOnly ? [] : first !== undefined && first in COMMANDS ? [first] : undefined;
  try {
    await (await buildProgram(names)).parseAsync(argv);
    return Number(process.exitCode ?? 0);
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 1;
    throw e;
  }
}
