import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openBackend } from "../../../src/state";
import { mops } from "../../helpers/cli";
import { startFakeKlaviyo, type FakeKlaviyo } from "../../fixtures/klaviyo/fake";
import { TOKEN } from "./helpers";

const STACK = [
  "stack: northwind",
  "environments:",
  "  prod:",
  "    provider: { type: klaviyo, url: URL, token: \"${env:KLAVIYO_API_KEY}\" }",
  "segments:",
  "  recent_buyers: { type: dynamic, conditions: { event: Placed Order, at_least: 1, within: 30d } }",
  "  q_buyers: { type: dynamic, conditions: { event: Placed Order, at_least: 1, within: 60d } }",
  "  season_buyers: { type: dynamic, conditions: { event: Placed Order, at_least: 1, within: 90d } }",
  "  beta_testers: { type: static }",
  "",
].join("\n");

let fake: FakeKlaviyo | undefined;
let dir: string | undefined;
afterEach(async () => {
  await fake?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/**
 * kill -9 of `mops apply` at the worst moment for a Klaviyo create: Klaviyo has
 * made the segment, the answer never arrives, and the owner mark (a tag, one
 * request later) was never attached.
 */
describe("kill -9 of an apply against Klaviyo", () => {
  it("between Klaviyo making a segment and its answer: the next apply takes the segment back by name, makes the rest, and no segment exists twice", { timeout: 240_000 }, async () => {
    let child: ChildProcess | undefined;
    let creates = 0;
    fake = await startFakeKlaviyo({
      token: TOKEN,
      beforeAnswer: async (r) => {
        if (!(r.method === "POST" && r.path === "/api/segments" && r.status === 201 && ++creates === 2) || !child) return;
        const gone = new Promise((resolve) => child!.once("exit", resolve));
        child.kill("SIGKILL");
        await gone;
      },
    });
    dir = mkdtempSync(join(tmpdir(), "mops-kl-crash-"));
    writeFileSync(join(dir, "mops.yaml"), STACK.replace("URL", fake.url));
    const env = { KLAVIYO_API_KEY: TOKEN };

    const OURS = ["beta_testers", "q_buyers", "recent_buyers", "season_buyers"];
    const killed = await mops(["apply", "--auto-approve", "--concurrency", "1"], { cwd: dir, env, onStdout: (_out, c) => (child = c) });
    expect(killed.signal, killed.stdout + killed.stderr).toBe("SIGKILL");
    const { account } = fake;
    type Named = { id: string; name: string };
    const ours = () => [
      ...(account.segments as Named[]).map((x) => ({ name: x.name, id: `segment:${x.id}` })),
      ...(account.lists as Named[]).map((x) => ({ name: x.name, id: `list:${x.id}` })),
    ].filter((x) => OURS.includes(x.name));
    // The list and the first segment answered; the second segment was made, its answer lost, its mark never attached.
    expect(ours().map((x) => x.name).sort()).toEqual(["beta_testers", "q_buyers", "recent_buyers"]);
    const lost = (account.segments as Named[]).at(-1)!;
    expect(fake.account.tags.some((t) => t.members.segments?.includes(lost.id))).toBe(false);

    const b = (await openBackend(undefined, { stack: "northwind", environment: "prod", baseDir: dir, env: {} })).value!;
    await b.locker.forceUnlock();
    await b.close();
    fake.log.length = 0;
    const next = await mops(["apply", "--auto-approve"], { cwd: dir, env });
    expect(next.stderr).not.toMatch(/^error/m);
    expect(next.code, next.stdout + next.stderr).toBe(0);
    expect(next.stdout).toMatch(/Recovered an apply by tester@example.com .* that was killed/);
    // The segment whose answer was lost is not made again: one segment create, the third.
    expect(fake.log.filter((r) => r.method === "POST" && (r.path === "/api/segments" || r.path === "/api/lists")).map((r) => r.path)).toEqual(["/api/segments"]);

    expect(ours().map((x) => x.name).sort()).toEqual(OURS);
    const s = (await openBackend(undefined, { stack: "northwind", environment: "prod", baseDir: dir, env: {} })).value!;
    const state = await s.state.read();
    expect(state.run).toBeUndefined();
    expect(Object.values(state.resources).map((r) => r.id).sort()).toEqual(ours().map((x) => x.id).sort());
    expect(await s.history.verify()).toMatchObject({ ok: true });
    await s.close();
    expect((await mops(["plan", "--detailed-exitcode"], { cwd: dir, env })).code).toBe(0);
  });
});
