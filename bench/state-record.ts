/**
 * Time 1,000 `record()` calls on each state backend, as an apply of 1,000
 * creates would make them: sequentially and 8 at a time, each adding one
 * resource (~1 KB of attributes), so the state grows to 1,000 resources.
 * Prints figures; asserts nothing. Run: npx tsx bench/state-record.ts
 * Postgres runs on a throwaway local cluster with fsync on (durable commits).
 */
import { promises as fs } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import pLimit from "p-limit";
import { LocalBackend } from "../src/state/local";
import { PostgresBackend } from "../src/state/postgres";
import type { StateBackend, StateResource } from "../src/state/types";
import { findPostgresBin, startPostgres } from "../test/helpers/postgres";

const N = 1000;

const resource = (i: number): StateResource => ({
  address: `workflow.w${i}`,
  kind: "workflow",
  name: `w${i}`,
  id: `flow-${100000 + i}`,
  attributes: {
    purpose: "x".repeat(200),
    owner: "lifecycle@example.com",
    steps: Array.from({ length: 6 }, (_, s) => ({ wait: `${s}d`, send: { channel: "email", template: `tpl_${i}_${s}` } })),
  } as unknown as StateResource["attributes"],
  origin: "created",
  updatedAt: new Date(0).toISOString(),
});

async function time(label: string, make: () => StateBackend, concurrency: number): Promise<void> {
  const b = make();
  await b.state.read();
  const limit = pLimit(concurrency);
  const t0 = performance.now();
  await Promise.all(Array.from({ length: N }, (_, i) => limit(() => b.state.apply({ type: "resource", address: `workflow.w${i}`, resource: resource(i) }))));
  const ms = performance.now() - t0;
  const s = await b.state.read();
  await b.close();
  if (s.serial !== N) throw new Error(`${label}: serial ${s.serial}, expected ${N}`);
  console.log(`${label.padEnd(28)} concurrency ${String(concurrency).padStart(2)}: ${N} records in ${(ms / 1000).toFixed(2)} s = ${(ms / N).toFixed(2)} ms/record`);
}

console.log(`load average ${loadavg().map((x) => x.toFixed(1)).join(" ")} on ${cpus().length} cores (figures scale with it)`);
const dir = await fs.mkdtemp(join(tmpdir(), "mops-bench-state-"));
try {
  for (const c of [1, 8]) {
    const d = join(dir, `local-${c}`);
    await time("local (journal, fdatasync)", () => new LocalBackend({ dir: d, stack: "bench", environment: "prod" }), c);
  }
  const size = (await fs.stat(join(dir, "local-1", "state.json"))).size;
  console.log(`local state.json after ${N} resources: ${(size / 1024).toFixed(0)} KiB`);
} finally {
  await fs.rm(dir, { recursive: true, force: true });
}

if (!findPostgresBin()) {
  console.log("postgres: skipped (no PostgreSQL server binaries)");
} else {
  const pg = await startPostgres({ durable: true });
  try {
    for (const c of [1, 8]) {
      await time("postgres (fsync on)", () => new PostgresBackend({ url: pg.url, stack: `bench${c}`, environment: "prod", localDir: dir }), c);
    }
  } finally {
    await pg.stop();
  }
}
