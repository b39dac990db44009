/**
 * History that grows without bound must not be read whole: `mops history`
 * lists a page of summaries. This writes H versions (each with the
 * quickstart's desired stack and its 16 changes, as an apply records them)
 * and times a page of P summaries in a fresh process, for several H and P,
 * with that process's peak RSS. Time should follow P, not H.
 *
 *   npx tsx bench/history.ts [H_MAX]        (default 10000)
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadStack } from "../src/stack";
import { LocalBackend } from "../src/state";
import type { VersionInput } from "../src/state/types";
import { summarize } from "../src/apply/version";

const here = fileURLToPath(import.meta.url);
const open = (dir: string) => new LocalBackend({ dir, stack: "quickstart", environment: "sandbox" });

if (process.argv[2] === "--measure") {
  // The child: one page, timed, with its own peak RSS.
  const [dir, limit] = [process.argv[3]!, Number(process.argv[4])];
  const t0 = performance.now();
  const page = await open(dir).history.page({ limit });
  const ms = performance.now() - t0;
  process.stdout.write(JSON.stringify({ ms, listed: page.versions.length, total: page.total, rssMb: process.resourceUsage().maxRSS / 1024 }));
  process.exit(0);
}

const hMax = Number(process.argv[2] ?? 10_000);
const sizes = [1_000, hMax].filter((h, i, a) => a.indexOf(h) === i && h <= hMax);
const pages = [20, 100, 1_000];
const stack = (await loadStack(join(here, "../../examples/quickstart"), { env: {} })).value!.stack;
const changes = stack.resources.map((r) => ({ address: `${r.kind}.${r.name}`, kind: r.kind, name: r.name, action: "update" as const, reasons: [{ code: "stack-changed" as const }], id: "x", paths: ["description"] }));
const version = (i: number): VersionInput => ({
  time: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
  actor: `person${i % 7}@example.com`,
  command: "apply",
  run: `run-${i}`,
  desired: stack,
  changes,
  summary: summarize(changes),
  outcome: "complete",
  stateSerial: i * 32,
});

console.log(`load average ${loadavg().map((x) => x.toFixed(1)).join(" ")} on ${cpus().length} cores; each version ${(JSON.stringify(version(1)).length / 1024).toFixed(1)} KiB`);
const dir = mkdtempSync(join(tmpdir(), "mops-bench-history-"));
try {
  const b = open(dir);
  let written = 0;
  for (const h of sizes) {
    const t0 = performance.now();
    for (; written < h; written++) await b.history.append(version(written + 1));
    console.log(`wrote versions up to ${h} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    for (const p of pages) {
      const runs = [1, 2, 3].map(() => JSON.parse(execFileSync(process.execPath, ["--import", "tsx", here, "--measure", dir, String(p)], { encoding: "utf8" })) as { ms: number; listed: number; rssMb: number });
      const ms = runs.map((r) => r.ms).sort((x, y) => x - y)[1]!;
      const rss = Math.max(...runs.map((r) => r.rssMb));
      console.log(`  history of ${String(h).padStart(6)} | page of ${String(p).padStart(5)}: ${ms.toFixed(1).padStart(7)} ms (median of 3), peak RSS ${rss.toFixed(0)} MB, ${(ms / p).toFixed(3)} ms per version listed`);
    }
  }
  const t0 = performance.now();
  const check = await b.history.verify();
  console.log(`verify the whole chain of ${check.checked} versions: ${((performance.now() - t0) / 1000).toFixed(1)} s, ${check.ok ? "intact" : "BROKEN"}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
