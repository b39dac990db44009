import type { Command } from "commander";
import { error } from "../diagnostics";
import { createSandboxProvider, seedSandboxContacts } from "../../providers/sandbox";
import { preparePopulation, toRows } from "../simulate";
import { num, textTable } from "../report/simulate-text";
import { engineAction, reportDiagnostics } from "./context";
import { loadForReport } from "./graph";
import { simulationInputs, simulationOptions, type SimulationFlags } from "./simulate";

/**
 * `mops sandbox seed`: give a stack's sandbox a population of contacts
 * (generated from the stack and its population file, or read from a file),
 * as they stand at the start date, so it reports segment sizes and plans show
 * their blast radius.
 */
export function registerSeed(sandbox: Command): void {
  simulationOptions(
    sandbox
      .command("seed")
      .description("load contacts into the sandbox of a stack's environment (replacing those it has), for segment sizes and blast radius")
      .argument("[path]", "stack file or directory (default: the current directory's stack)")
      .option("-e, --env <name>", "environment whose sandbox gets the contacts"),
    { days: false },
  ).action(engineAction(run));
}

async function run(path: string | undefined, opts: SimulationFlags & { env?: string; tsTimeout?: number }): Promise<void> {
  const loaded = await loadForReport(path, opts.env, opts.tsTimeout);
  if (!loaded) return;
  const { stack } = loaded;
  const provider = stack.environments[stack.environment]?.provider;
  if (provider?.type !== "sandbox") {
    reportDiagnostics([error("cli/not-a-sandbox", `environment \`${stack.environment}\` uses ${provider?.type ?? "no"} provider, not the sandbox`, {
      hint: "seed the sandbox environment (`--env sandbox`); real platforms hold their own contacts",
    })]);
    process.exitCode = 1;
    return;
  }
  const inputs = simulationInputs(loaded, opts);
  if (!inputs) return;
  const { population, diagnostics } = preparePopulation({ stacks: [stack], spec: inputs.spec, rows: inputs.rows, seed: inputs.seed, start: inputs.start, days: 0 });
  reportDiagnostics(diagnostics.filter((d) => d.severity !== "info"), loaded);
  const where = { config: provider, stack: stack.name, environment: stack.environment, baseDir: loaded.baseDir, env: process.env };
  const n = await seedSandboxContacts(where, toRows(population, inputs.start));
  process.stdout.write(`Loaded ${num(n)} contacts into the sandbox of \`${stack.environment}\` (as of ${new Date(inputs.start).toISOString().slice(0, 10)}, seed ${inputs.seed}).\n`);

  // What the sandbox now reports for the segments it already holds (after an apply).
  const p = await createSandboxProvider(where);
  try {
    const refs = { idOf: () => undefined, nameOf: () => undefined };
    const live = await p.list("segment", { refs });
    if (!live.length) return void process.stdout.write("The sandbox holds no segments yet: `mops apply` creates them, and plans then show their sizes.\n");
    const rows: string[][] = [];
    for (const s of live.sort((a, b) => a.name.localeCompare(b.name))) rows.push([s.name, num((await p.segmentSize!(s.id, { refs }))!)]);
    process.stdout.write(`\n${textTable(["Segment", "contacts"], rows, new Set([1])).join("\n")}\n`);
  } finally {
    await p.close();
  }
}
