/**
 * Quota-paced apply on Klaviyo: N segment creates through the real plan and
 * apply path against the fake Klaviyo, which enforces Klaviyo's XS class
 * (1/s burst, 15/min steady, fixed windows) with 429 + Retry-After and its
 * 100-a-day cap. The bound is the exact pace: the first 15 at one a second,
 * each next 15 one minute after the first of the previous: for 100,
 * 6 × 60 s + 9 s = 369 s. Real time: this takes about six minutes.
 *
 *   npx tsx bench/klaviyo-quota.ts [N] [concurrency]     (default: 100 8)
 */
import { runSession } from "../src/apply";
import type { Resource } from "../src/model";
import { createKlaviyoProvider } from "../providers/klaviyo";
import { paceSeconds } from "../providers/klaviyo/quotas";
import { RATE_CLASSES } from "../providers/klaviyo/rates";
import { FakeBackend } from "../test/helpers/fakes";
import { startFakeKlaviyo } from "../test/fixtures/klaviyo/fake";

const n = Number(process.argv[2] ?? 100);
const concurrency = Number(process.argv[3] ?? 8);
const bound = paceSeconds(RATE_CLASSES.XS, n);
const token = "pk_bench_0000000000000000000000";

const fake = await startFakeKlaviyo({ token });
const provider = createKlaviyoProvider({ config: { type: "klaviyo", url: fake.url, token: "${env:KLAVIYO_API_KEY}" }, env: { KLAVIYO_API_KEY: token }, baseDir: process.cwd() });
const backend = new FakeBackend("bench", "bench");
try {
  const resources: Resource[] = Array.from({ length: n }, (_, i) => ({
    kind: "segment", name: `s${String(i).padStart(3, "0")}`, spec: { type: "dynamic", conditions: { property: "score", op: "gte", value: i } },
  }));
  const desired = { name: "bench", environment: "bench", environments: {}, resources };
  const posts = () => fake.log.filter((r) => r.method === "POST" && r.path === "/api/segments");
  console.log(`${n} segment creates, fake Klaviyo enforcing XS (1/s, 15/min) and 100/day; bound ${bound.toFixed(1)} s; apply concurrency ${concurrency}`);
  let t0 = performance.now();
  const r = (await runSession({
    provider, backend, desired, concurrency, meta: { actor: "bench", command: "apply" },
    // The clock starts once the plan is made: what is measured is the apply.
    confirm: async () => ((t0 = performance.now()), true),
  })).applied!.executed;
  const s = (performance.now() - t0) / 1000;
  const sent = posts();
  const first = sent[0]!.at;
  const last = sent[sent.length - 1]!.at;
  console.log(
    `outcome ${r.outcome} ${r.counts.done}/${n} | wall ${s.toFixed(1)} s (first to last create ${((last - first) / 1000).toFixed(1)} s) | ` +
      `bound ${bound.toFixed(1)} s | ratio ${(s / bound).toFixed(3)} (${((s / bound - 1) * 100).toFixed(1)} % over) | ` +
      `429s ${Object.values(fake.throttled).reduce((a, b) => a + b, 0)} | requests ${provider.requestCount}`,
  );
} finally {
  await provider.close();
  await backend.close();
  await fake.close();
}
