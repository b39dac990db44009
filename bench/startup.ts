/**
 * What a `mops` command costs to start, as users run it (`bin/mops.js`): CPU time
 * (user + system) and peak RSS of the whole process, median of RUNS runs, next to
 * `node -e 0` on the same machine in the same run. Commands run round-robin so a
 * load spike hits all of them alike; one warm-up round is not counted.
 *
 * Each process reports its own `process.resourceUsage()` when it exits, through a
 * `--require` preload passed in NODE_OPTIONS (so a Node child it starts reports too,
 * and counts): plain Node, no `/usr/bin/time` needed, microsecond resolution.
 *
 * Run: npx tsx bench/startup.ts          (RUNS=15 for steadier figures)
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));
const RUNS = Number(process.env.RUNS ?? 9);
const BIN = join(ROOT, "bin", "mops.js");

const work = mkdtempSync(join(tmpdir(), "mops-bench-startup-"));
const preload = join(work, "usage.cjs");
const usageFile = join(work, "usage.jsonl");
writeFileSync(
  preload,
  `process.on("exit", () => {
  const u = process.resourceUsage();
  require("node:fs").appendFileSync(process.env.MOPS_BENCH_USAGE, JSON.stringify({ cpu: u.userCPUTime + u.systemCPUTime, rss: u.maxRSS }) + "\\n");
});
`,
);

// The build users run, from the sources as they are now (main had no build step).
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts?: Record<string, string> };
if (pkg.scripts?.build) {
  const b = spawnSync("npm", ["run", "--silent", "build"], { cwd: ROOT, stdio: "inherit" });
  if (b.status !== 0) throw new Error("npm run build failed");
}

// `plan` runs the embedded sandbox on disk: a private copy of the quickstart.
const quickstart = join(work, "quickstart");
cpSync(join(ROOT, "examples", "quickstart"), quickstart, { recursive: true, filter: (p) => !p.includes("/.mops") && !p.includes("/.sandbox") });

interface Case {
  name: string;
  args: string[];
  target?: string;
}
const mops = (...args: string[]) => [BIN, ...args];
const CASES: Case[] = [
  { name: "node -e 0", args: ["-e", "0"] },
  { name: "mops --version", args: mops("--version"), target: "≤ 1.5×" },
  { name: "mops validate examples/quickstart", args: mops("validate", join(ROOT, "examples", "quickstart")), target: "≤ 3×, ≤ 90 MB" },
  { name: "mops validate stacks/northwind-outfitters", args: mops("validate", join(ROOT, "stacks", "northwind-outfitters")), target: "≤ 5×" },
  { name: "mops plan examples/quickstart (sandbox)", args: mops("plan", quickstart) },
];

/** One run: CPU microseconds summed over every Node process it started, peak RSS in kB. */
function once(c: Case): { cpu: number; rss: number } {
  rmSync(usageFile, { force: true });
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: `--require ${preload}`, MOPS_BENCH_USAGE: usageFile, NO_COLOR: "1", CI: "true", MOPS_ACTOR: "bench@example.com" };
  const r = spawnSync(process.execPath, c.args, { cwd: work, env, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${c.name} exited ${r.status}: ${r.stderr || r.stdout}`);
  const rows = readFileSync(usageFile, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { cpu: number; rss: number });
  return { cpu: rows.reduce((s, x) => s + x.cpu, 0), rss: Math.max(...rows.map((x) => x.rss)) };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const samples = new Map<string, { cpu: number[]; rss: number[] }>(CASES.map((c) => [c.name, { cpu: [], rss: [] }]));
for (const c of CASES) once(c); // warm-up: file cache, the sandbox's data directory
for (let i = 0; i < RUNS; i++) {
  for (const c of CASES) {
    const r = once(c);
    samples.get(c.name)!.cpu.push(r.cpu);
    samples.get(c.name)!.rss.push(r.rss);
  }
}
rmSync(work, { recursive: true, force: true });

const base = median(samples.get(CASES[0].name)!.cpu);
console.log(`node ${process.version}, median of ${RUNS} runs (CPU = user + system)\n`);
console.log("| command | CPU ms | × node -e 0 | peak RSS MB | target |");
console.log("| --- | ---: | ---: | ---: | --- |");
for (const c of CASES) {
  const s = samples.get(c.name)!;
  const cpu = median(s.cpu);
  console.log(`| \`${c.name}\` | ${(cpu / 1000).toFixed(0)} | ${(cpu / base).toFixed(2)} | ${(median(s.rss) / 1024).toFixed(0)} | ${c.target ?? ""} |`);
}
