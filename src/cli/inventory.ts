import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { Option, type Command } from "commander";
import { warning } from "../diagnostics";
import { inventoryHtml } from "../report/html";
import { inventory, inventoryCsv, inventoryJson, inventoryMarkdown, inventoryText, type InventoryRow, type LastChanges } from "../report/inventory";
import type { LoadedStack } from "../stack";
import { openBackend } from "../state";
import { reportDiagnostics } from "./context";
import { loadForReport } from "./graph";
import { guard } from "./render";

interface Opts {
  env?: string;
  format: "table" | "markdown" | "csv" | "json";
  html?: string;
  history: boolean;
}

export function register(program: Command): void {
  program
    .command("inventory")
    .description("list every workflow: purpose, trigger, audience, channels, owner, status and the version that last changed it")
    .argument("[path]", "stack file or directory (default: the current directory's stack)")
    .option("-e, --env <name>", "environment to resolve (default: the stack's default_environment, else the first)")
    .addOption(new Option("-f, --format <format>", "output format").choices(["table", "markdown", "csv", "json"]).default("table"))
    .option("--html <dir>", "write a self-contained page with every journey's diagram to DIR/index.html")
    .option("--no-history", "do not read the state backend's history (no \"last changed\" column)")
    .action(guard(run));
}

const RENDER: Record<Opts["format"], (rows: InventoryRow[]) => string> = {
  table: inventoryText,
  markdown: inventoryMarkdown,
  csv: inventoryCsv,
  json: inventoryJson,
};

async function run(path: string | undefined, opts: Opts): Promise<void> {
  const loaded = await loadForReport(path, opts.env);
  if (!loaded) return;
  const rows = inventory(loaded.stack, opts.history ? await readLastChanges(loaded) : new Map());
  if (opts.html) {
    const dir = resolve(opts.html);
    await mkdir(dir, { recursive: true });
    const file = join(dir, "index.html");
    await writeFile(file, inventoryHtml(rows, loaded.stack));
    process.stdout.write(`wrote ${file} (${rows.length} workflows)\n`);
    return;
  }
  process.stdout.write(RENDER[opts.format](rows));
}

/**
 * The version that last changed each workflow: state says which (each
 * resource records the version of the run that last wrote it), history says
 * when. History is a nice-to-have here: an unreachable backend costs the
 * column, not the inventory.
 */
async function readLastChanges(loaded: LoadedStack): Promise<LastChanges> {
  const { stack } = loaded;
  const be = await openBackend(stack.environments[stack.environment]?.state, {
    stack: stack.name, environment: stack.environment, baseDir: loaded.baseDir, env: process.env,
  });
  if (!be.value) {
    reportDiagnostics([
      ...be.diagnostics.map((d) => ({ ...d, severity: "warning" as const })),
      warning("inventory/no-history", "history is not available: the \"last changed\" column stays empty"),
    ], loaded);
    return new Map();
  }
  try {
    const state = await be.value.state.read();
    const out = new Map<string, { version: number; time: string }>();
    const times = new Map<number, string | undefined>();
    for (const r of Object.values(state.resources)) {
      if (r.kind !== "workflow" || r.changedIn === undefined) continue;
      if (!times.has(r.changedIn)) times.set(r.changedIn, (await be.value.history.get(r.changedIn))?.time);
      const time = times.get(r.changedIn);
      if (time) out.set(r.address, { version: r.changedIn, time });
    }
    return out;
  } finally {
    await be.value.close();
  }
}
