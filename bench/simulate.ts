/**
 * `mops simulate` at scale: the northwind demo stack (10 journeys, 17
 * segments, 3 caps) over 10,000 and 100,000 generated contacts, 30 days
 * (plus 14 days of warm-up), one process per size so each one's peak memory
 * is its own. Prints wall time, CPU time, peak RSS and the 10k -> 100k time
 * ratio (10 is linear); asserts nothing. Targets for 100,000 contacts: at most
 * 20 s and 1 GB. Run: npx tsx bench/simulate.ts   (CONTACTS=50000 for one size)
 */
import { execFileSync } from "node:child_process";
import { cpus, loadavg } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { preparePopulation, simulate } from "../src/simulate";
import { loadStack } from "../src/stack";
import { loadPopulation, populationFileOf } from "../src/stack/population";

const ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));
const START = Date.parse("2026-06-01T00:00:00Z");
const DAYS = 30;

interface Figures { contacts: number; events: number; generateMs: number; simulateMs: number; cpuMs: number; rssMb: number; messages: number }

/** One size, in this process: what the child prints as JSON. */
async function measure(contacts: number): Promise<Figures> {
  const { value: loaded } = await loadStack(join(ROOT, "stacks/northwind-outfitters"), { env: {} });
  const spec = loadPopulation(populationFileOf(loaded!.baseDir)).value!;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const { population, assumptions } = preparePopulation({ stacks: [loaded!.stack], spec, contacts, seed: 7, start: START, days: DAYS });
  const t1 = performance.now();
  const result = simulate({ stack: loaded!.stack, population, assumptions, start: START, days: DAYS, seed: 7 });
  const t2 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  return {
    contacts, events: population.events.count, generateMs: t1 - t0, simulateMs: t2 - t1, cpuMs: (cpu.user + cpu.system) / 1000,
    rssMb: process.resourceUsage().maxRSS / 1024, messages: result.messages.total,
  };
}

if (process.argv[2] === "--child") {
  process.stdout.write(JSON.stringify(await measure(Number(process.argv[3]))));
} else {
  const sizes = process.env.CONTACTS ? [Number(process.env.CONTACTS)] : [10_000, 100_000];
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  console.log(`mops simulate bench: northwind_outfitters, ${DAYS} days (+14 warm-up) from 2026-06-01, seed 7`);
  console.log(`Node ${process.version}, ${cpus().length} CPUs, load average ${loadavg().map((x) => x.toFixed(1)).join(" ")} at start\n`);
  const rows: Figures[] = [];
  for (const n of sizes) {
    const out = execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), "--child", String(n)], { encoding: "utf8", maxBuffer: 1 << 20 });
    rows.push(JSON.parse(out) as Figures);
  }
  console.log("contacts   events      generate   simulate   total wall   CPU time   peak RSS   messages");
  for (const r of rows) {
    console.log([
      r.contacts.toLocaleString("en-US").padEnd(10), r.events.toLocaleString("en-US").padEnd(11), s(r.generateMs).padEnd(10), s(r.simulateMs).padEnd(10),
      s(r.generateMs + r.simulateMs).padEnd(12), s(r.cpuMs).padEnd(10), `${Math.round(r.rssMb)} MB`.padEnd(10), r.messages.toLocaleString("en-US"),
    ].join(" "));
  }
  const [small, big] = [rows.find((r) => r.contacts === 10_000), rows.find((r) => r.contacts === 100_000)];
  if (small && big) {
    const wall = (r: Figures) => r.generateMs + r.simulateMs;
    console.log(`\n10k -> 100k: wall time x${(wall(big) / wall(small)).toFixed(1)}, CPU time x${(big.cpuMs / small.cpuMs).toFixed(1)} (linear: x10)`);
    console.log(`100k targets: wall ${s(wall(big))} (<= 20 s), peak RSS ${Math.round(big.rssMb)} MB (<= 1024 MB)`);
  }
  console.log("\nWall time on a machine shared with other jobs grows with its load; CPU time is the process's own work.");
}
