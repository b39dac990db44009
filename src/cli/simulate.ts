import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { InvalidArgumentError, Option, type Command } from "commander";
import { error, hasErrors, type Diagnostic } from "../diagnostics";
import type { Resource, Stack } from "../model";
import type { ContactRow, PopulationSpec } from "../model/population";
import { compareResults, preparePopulation, simulate, type Comparison, type SimulationResult } from "../simulate";
import { comparisonText, simulationText } from "../report/simulate-text";
import { simulationHtml } from "../report/simulate-html";
import type { LoadedStack } from "../stack";
import { loadContacts, loadPopulation, populationFileOf } from "../stack/population";
import type { StateBackend } from "../state/types";
import { engineAction, intOption, openStack, reportDiagnostics, tsTimeoutOption } from "./context";
import { loadForReport } from "./graph";
import { colorEnabled } from "./render";

export interface SimulationFlags {
  days: number;
  contacts?: number;
  from?: string;
  seed?: number;
  start?: number;
  warmup?: number;
  population?: string;
  follow?: string[];
}

interface Opts extends SimulationFlags {
  env?: string;
  format: "text" | "json";
  html?: string;
  compare?: boolean;
}

const DAY_MS = 86_400_000;

function seedOption(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`expected a whole number of 0 or more, got \`${v}\``);
  return n;
}

function dateOption(v: string): number {
  const t = Date.parse(v);
  if (!/^\d{4}-\d{2}-\d{2}/.test(v) || Number.isNaN(t)) throw new InvalidArgumentError(`expected an ISO date like 2026-06-01, got \`${v}\``);
  return t;
}

/** The options `simulate`, `plan --simulate` and `sandbox seed` share. */
export function simulationOptions(cmd: Command, defaults: { days: boolean }): Command {
  if (defaults.days) cmd.option("--days <n>", "length of the simulated period", intOption, 30);
  return cmd
    .option("--contacts <n>", "generate this many contacts (default: the population file's `contacts`, else 10,000)", intOption)
    .option("--from <file>", "use these contacts instead (JSON or CSV of real, anonymised contacts)")
    .option("--seed <n>", "random seed (default: the population file's `seed`, else 1)", seedOption)
    .option("--start <date>", "first day of the period, ISO (default: today, UTC)", dateOption)
    .option("--population <file>", "population file (default: population.yaml beside the stack)")
    .addOption(tsTimeoutOption());
}

export interface SimulationInputs {
  spec: PopulationSpec;
  rows?: ContactRow[];
  seed: number;
  start: number;
}

/** The population file, a contacts file and the seed and start, or undefined after printing why not. */
export function simulationInputs(loaded: LoadedStack, flags: SimulationFlags): SimulationInputs | undefined {
  const fail = (d: Diagnostic[]) => {
    reportDiagnostics(d, loaded);
    process.exitCode = 1;
    return undefined;
  };
  if (flags.contacts !== undefined && flags.from !== undefined) {
    return fail([error("cli/usage", "`--contacts` and `--from` both say who to simulate", { hint: "give one: a number to generate, or a file of contacts" })]);
  }
  const file = flags.population ? resolve(flags.population) : populationFileOf(loaded.baseDir);
  const spec = loadPopulation(file);
  if (!spec.value) return fail(spec.diagnostics);
  let rows: ContactRow[] | undefined;
  if (flags.from) {
    const properties = new Map(loaded.stack.resources.filter((r): r is Resource<"property"> => r.kind === "property").map((r) => [r.name, r.spec]));
    const read = loadContacts(resolve(flags.from), properties);
    if (!read.value) return fail(read.diagnostics);
    rows = read.value;
  }
  const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  return {
    spec: flags.contacts !== undefined ? { ...spec.value, contacts: flags.contacts } : spec.value,
    ...(rows ? { rows } : {}),
    seed: flags.seed ?? spec.value.seed ?? 1,
    start: flags.start ?? today,
  };
}

/** One run: the stack over the population. */
function runSimulation(stack: Stack, inputs: SimulationInputs, flags: SimulationFlags & { days: number }): SimulationResult {
  const prepared = preparePopulation({
    stacks: [stack], spec: inputs.spec, rows: inputs.rows, seed: inputs.seed, start: inputs.start, days: flags.days, warmupDays: flags.warmup,
  });
  const result = simulate({
    stack, population: prepared.population, assumptions: prepared.assumptions, start: inputs.start, days: flags.days,
    seed: inputs.seed, warmupDays: flags.warmup, follow: flags.follow,
  });
  return { ...result, notes: [...prepared.diagnostics, ...result.notes] };
}

/**
 * The last applied stack and the working one over the same people and seed.
 * Workflows the change switches on start at the period's start and take in
 * their trigger segment's current members, as a platform does on activation.
 */
export async function compareWithLastApplied(
  backend: StateBackend, working: Stack, inputs: SimulationInputs, flags: SimulationFlags & { days: number },
): Promise<Comparison> {
  const previous = (await backend.history.latest())?.desired ?? { ...working, resources: [] };
  const prepared = preparePopulation({
    stacks: [working, previous], spec: inputs.spec, rows: inputs.rows, seed: inputs.seed, start: inputs.start, days: flags.days, warmupDays: flags.warmup,
  });
  const wasActive = new Set(previous.resources.filter((r) => r.kind === "workflow" && r.spec.status === "active").map((r) => r.name));
  const switchedOn = working.resources.filter((r) => r.kind === "workflow" && r.spec.status === "active" && !wasActive.has(r.name)).map((r) => r.name);
  const run = (stack: Stack, on: string[]) => {
    const r = simulate({
      stack, population: prepared.population, assumptions: prepared.assumptions, start: inputs.start, days: flags.days,
      seed: inputs.seed, warmupDays: flags.warmup, follow: flags.follow, switchedOn: on,
    });
    return { ...r, notes: [...prepared.diagnostics, ...r.notes] };
  };
  return compareResults(run(previous, []), run(working, switchedOn));
}

export function register(program: Command): void {
  simulationOptions(
    program
      .command("simulate")
      .description("run every active workflow over a population of contacts in simulated time: what customers would get, per week, per cap, per journey")
      .argument("[path]", "stack file or directory", ".")
      .option("-e, --env <name>", "environment to resolve"),
    { days: true },
  )
    .option("--warmup <days>", "days simulated before the period, so journeys are under way when it starts (default 14)", seedOption)
    .option("--follow <ids...>", "also show these contacts' timelines")
    .option("--compare", "run the last applied stack and this one on the same contacts, and show the difference")
    .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"))
    .option("--html <dir>", "also write a self-contained page with charts to DIR/index.html")
    .action(engineAction(run));
}

async function run(path: string, opts: Opts): Promise<void> {
  const output = async (text: string, page: string, what: string) => {
    process.stdout.write(text);
    if (!opts.html) return;
    const dir = resolve(opts.html);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "index.html"), page);
    process.stderr.write(`wrote ${join(dir, "index.html")} (${what})\n`);
  };
  if (!opts.compare) {
    const loaded = await loadForReport(path === "." ? undefined : path, opts.env);
    if (!loaded) return;
    const inputs = simulationInputs(loaded, opts);
    if (!inputs) return;
    const result = runSimulation(loaded.stack, inputs, opts);
    warn(result.notes, loaded);
    const text = opts.format === "json" ? `${JSON.stringify(result, null, 2)}\n` : simulationText(result, { color: colorEnabled(process.stdout) });
    return output(text, simulationHtml(result), `${result.days} days, ${result.contacts} contacts`);
  }
  const ctx = await openStack(path, opts, { provider: false });
  if (!ctx) return;
  try {
    const inputs = simulationInputs(ctx.loaded, opts);
    if (!inputs) return;
    const cmp = await compareWithLastApplied(ctx.backend, ctx.stack, inputs, opts);
    warn(cmp.after.notes, ctx.loaded);
    const text = opts.format === "json" ? `${JSON.stringify(cmp, null, 2)}\n` : comparisonText(cmp, { color: colorEnabled(process.stdout) });
    await output(text, simulationHtml(cmp.after, cmp), "this change vs the last applied stack");
  } finally {
    await ctx.close();
  }
}

/** Warnings about the inputs go to stderr; notes (assumed defaults) stay in the report. */
function warn(notes: readonly Diagnostic[], loaded: LoadedStack): void {
  const ws = notes.filter((n) => n.severity !== "info");
  if (ws.length) reportDiagnostics(ws, loaded);
  if (hasErrors(ws)) process.exitCode = 1;
}
