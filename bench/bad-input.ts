/**
 * Pathological stack sizes through `mops validate`'s pipeline (load every
 * environment, analyse, render the report): wall and CPU time, peak memory
 * and the size of the printed report. Each case runs in a child process
 * bounded by BOUND_S (default 300 s), so a case that crashes or hangs prints
 * as such instead of stopping the bench. Run: npx tsx bench/bad-input.ts
 * (CASES=enum-100k,refs-10k to pick cases).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const n = (k: number) => Array.from({ length: k }, (_, i) => i);
const QUICKSTART = readFileSync(fileURLToPath(new URL("../examples/quickstart/mops.yaml", import.meta.url)), "utf8");
const steps = (k: number) =>
  n(k).map((i) => (i % 2 ? "      - { type: wait, duration: 1d }" : "      - { type: send, channel: email, template: welcome_email, subscription_type: newsletter }")).join("\n");

const CASES: Record<string, () => string> = {
  "enum-100k-block": () => `stack: s\nproperties:\n  p:\n    type: enum\n    values:\n${n(100_000).map((i) => `      - v${i}`).join("\n")}\n`,
  "enum-100k-flow": () => `stack: s\nproperties:\n  p: { type: enum, values: [${n(100_000).map((i) => `v${i}`).join(", ")}] }\n`,
  "enum-100k-wrong-type": () => `stack: s\nproperties:\n  p:\n    type: enum\n    values:\n${n(100_000).map((i) => `      - ${i}`).join("\n")}\n`,
  ...Object.fromEntries(
    [1_000, 10_000, 100_000].map((k) => [
      `undeclared-refs-${k / 1000}k`,
      () => `stack: s\nsegments:\n  s:\n    type: dynamic\n    conditions: { all: [${n(k).map((i) => `{ in_segment: nope${i} }`).join(", ")}] }\n`,
    ]),
  ),
  "bad-conditions-10k": () =>
    `stack: s\nproperties:\n  x: { type: number }\nsegments:\n  s:\n    type: dynamic\n    conditions:\n      all:\n${n(10_000).map(() => "        - { property: x, op: eqq, value: 1 }").join("\n")}\n`,
  "steps-missing-keys-10k": () => `stack: s\nworkflows:\n  w:\n    status: draft\n    trigger: { type: manual }\n    steps:\n${n(10_000).map(() => "      - { type: send }").join("\n")}\n`,
  "teams-10k": () => `stack: s\nteams:\n${n(10_000).map((i) => `  t${i}: { description: Team ${i} }`).join("\n")}\n`,
  "teams-50k": () => `stack: s\nteams:\n${n(50_000).map((i) => `  t${i}: {}`).join("\n")}\n`,
  "merges-10k": () => `stack: s\nx-t: &t { description: Shared }\nteams:\n${n(10_000).map((i) => `  t${i}: { <<: *t }`).join("\n")}\n`,
  "workflow-1k-steps": () => `${QUICKSTART}  big:\n    status: active\n    owner: lifecycle\n    purpose: p\n    trigger: { type: segment_entry, segment: vip }\n    entry_filter: { consent: newsletter }\n    steps:\n${steps(1_000)}\n`,
  "workflow-10k-steps": () => `${QUICKSTART}  big:\n    status: active\n    owner: lifecycle\n    purpose: p\n    trigger: { type: segment_entry, segment: vip }\n    entry_filter: { consent: newsletter }\n    steps:\n${steps(10_000)}\n`,
  "nesting-10k": () => `stack: s\nx-deep: ${"[".repeat(10_000)}${"]".repeat(10_000)}\n`,
};

async function one(name: string): Promise<void> {
  const { checkStack } = await import("../src/cli/check");
  const { renderDiagnostics } = await import("../src/report/diagnostics");
  const dir = mkdtempSync(join(tmpdir(), "mops-bench-"));
  const file = join(dir, "mops.yaml");
  const text = CASES[name]!();
  writeFileSync(file, text);
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  const r = await checkStack(dir, { env: {} });
  const report = renderDiagnostics(r.diagnostics, { source: (f) => readFileSync(f, "utf8") });
  const ms = performance.now() - t0;
  const used = process.cpuUsage(cpu);
  const rss = process.resourceUsage().maxRSS * 1024;
  process.stdout.write(JSON.stringify({ bytes: text.length, ms, cpuMs: (used.user + used.system) / 1000, rss, diagnostics: r.diagnostics.length, report: report.length }));
}

const size = (b: number) => (b >= 1 << 20 ? `${(b / (1 << 20)).toFixed(1)} MB` : `${Math.round(b / 1024)} KB`);

function main(): void {
  const bound = Number(process.env.BOUND_S ?? 300) * 1000;
  const names = process.env.CASES ? process.env.CASES.split(",") : Object.keys(CASES);
  console.log("case                        input     wall      cpu  peak RSS  diagnostics    report");
  for (const name of names) {
    const r = spawnSync(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), name], {
      cwd: fileURLToPath(new URL("..", import.meta.url)), encoding: "utf8", timeout: bound, killSignal: "SIGKILL", maxBuffer: 1 << 26,
    });
    let line: string;
    try {
      const j = JSON.parse(r.stdout) as { bytes: number; ms: number; cpuMs: number; rss: number; diagnostics: number; report: number };
      line = `${size(j.bytes).padStart(8)} ${(j.ms / 1000).toFixed(1).padStart(7)} s ${(j.cpuMs / 1000).toFixed(1).padStart(6)} s ${size(j.rss).padStart(9)} ${j.diagnostics.toLocaleString("en-US").padStart(12)} ${size(j.report).padStart(9)}`;
    } catch {
      const killed = r.signal === "SIGKILL" && (r.error as NodeJS.ErrnoException | undefined)?.code === "ETIMEDOUT";
      const why = killed ? `killed after ${bound / 1000} s` : `failed: ${(r.stderr || "").split("\n").find((l) => /Error|error/.test(l))?.trim() ?? `exit ${r.status ?? r.signal}`}`;
      line = `  ${why}`;
    }
    console.log(`${name.padEnd(26)} ${line}`);
  }
}

if (process.argv[2]) await one(process.argv[2]);
else main();
