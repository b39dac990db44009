import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { Option, type Command } from "commander";
import { warning } from "../diagnostics";
import { inventoryHtml } from "../report/html";
import { inventory, inventoryCsv, inventoryJson, inventoryMarkdown, inventoryText, type InventoryRow } from "../report/inventory";
import type { LoadedStack } from "../stack";
import { openBackend, type HistoryVersion } from "../state";
import { reportDiagnostics, tsTimeoutOption } from "./context";
import { loadForReport } from "./graph";
import { guard } from "./render";

interface Opts {
  env?: string;
  tsTimeout?: number;
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
    .addOption(tsTimeoutOption())
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
  const loaded = await loadForReport(path, opts.env, opts.tsTimeout);
  if (!loaded) return;
  const history = opts.history ? await readHistory(loaded) : [];
  const rows = inventory(loaded.stack, history);
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

/** History is a nice-to-have here: an unreachable backend costs the column, not the inventory. */
async function readHistory(loaded: LoadedStack): Promise<HistoryVersion[]> {
  const { stack } = loaded;
  const be = await openBackend(stack.environments[stack.environment]?.state, {
    stack: stack.name, environment: stack.environment, baseDir: loaded.baseDir, env: process.env,
  });
  if (!be.value) {
    reportDiagnostics([
      ...be.diagnostics.map((d) => ({ ...d, severity: "warning" as const })),
      warning("inventory/no-history", "history is not available: the \"last changed\" column stays empty"),
    ], loaded);
    return [];
  }
  try {
    return await be.value.listVersions();
  } finally {
    await be.value.close();
  }
}
