/**
 * Apply throughput under a platform rate limit: N creates against a sandbox
 * server answering 429 + Retry-After above R requests/s. The bound is N / R
 * seconds (every create is one request); the ratio says how close apply gets.
 * Journaling uses the real local state backend (each operation is journaled
 * before its request and its result after, each an fdatasync'ed append).
 * Without a configured client limit the sandbox client still paces itself from
 * the server's X-RateLimit-Limit header after the first answer, so 429s are rare.
 *
 *   npx tsx bench/apply-rate.ts [N] [R]     (default: 1000 100)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runSession } from "../src/apply";
import type { Resource } from "../src/model";
import { LocalBackend } from "../src/state";
import { createSandboxProvider } from "../providers/sandbox";
import { startSandboxServer } from "../providers/sandbox/server";
import { FakeBackend } from "../test/helpers/fakes";

const n = Number(process.argv[2] ?? 1000);
const rate = Number(process.argv[3] ?? 100);
const bound = n / rate;

async function run(label: string, clientRate: number | undefined, concurrency: number, journal: "local" | "memory" = "local"): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "mops-bench-"));
  const server = await startSandboxServer({ rateLimit: rate });
  let retries = 0;
  const provider = await createSandboxProvider({
    config: { type: "sandbox", url: server.url, ...(clientRate ? { rate_limit: clientRate } : {}) },
    stack: "bench", environment: "bench", baseDir: dir, env: {}, onRetry: () => retries++,
  });
  const backend = journal === "local" ? new LocalBackend({ dir: join(dir, ".mops"), stack: "bench", environment: "bench" }) : new FakeBackend("bench", "bench");
  try {
    const resources: Resource[] = Array.from({ length: n }, (_, i) => ({
      kind: "segment", name: `s${String(i).padStart(5, "0")}`, spec: { type: "dynamic", conditions: { property: "score", op: "gte", value: i } },
    }));
    const desired = { name: "bench", environment: "bench", environments: {}, resources };
    const before = server.stats();
    let t0 = performance.now();
    const r = await runSession({
      provider, backend, desired, concurrency, meta: { actor: "bench", command: "apply" },
      // The clock starts once the plan is made: what is measured is the apply.
      confirm: async () => ((t0 = performance.now()), true),
    });
    const s = (performance.now() - t0) / 1000;
    const after = server.stats();
    const x = r.applied!.executed;
    console.log(
      `${label.padEnd(34)} | ${x.outcome} ${x.counts.done}/${n} | ${s.toFixed(1).padStart(5)} s | API calls ${after.total - before.total} ` +
        `(429s: ${after.rateLimited - before.rateLimited}, client retries ${retries}) | ratio to bound ${bound.toFixed(0)} s: ${(s / bound).toFixed(2)}`,
    );
  } finally {
    await provider.close();
    await backend.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`apply of ${n} creates, sandbox server limit ${rate} req/s, bound N/rate = ${bound.toFixed(1)} s`);
await run(`client limit ${rate}/s, concurrency 8`, rate, 8);
await run("no configured client limit, c 8", undefined, 8);
// The same with state journaled in memory: what the engine and the limit cost without disk writes.
await run(`client limit ${rate}/s, c 8, in-memory journal`, rate, 8, "memory");
await run("no configured client limit, c 8, in-memory journal", undefined, 8, "memory");
await run("no configured client limit, c 32, in-memory journal", undefined, 32, "memory");
