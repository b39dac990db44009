import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { ProviderError, type Provider } from "../../../src/provider/types";
import { createSandboxProvider } from "../../../providers/sandbox";
import { startSandboxServer, type SandboxServer } from "../../../providers/sandbox/server";
import { context, providerAt, raw, tempDir } from "./helpers";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
async function serve(opts: Parameters<typeof startSandboxServer>[0]): Promise<SandboxServer> {
  const s = await startSandboxServer({ env: {}, ...opts });
  cleanups.push(() => s.close());
  return s;
}
async function open(url: string, extra: Record<string, unknown> = {}, retries: { reason: string; waitMs: number }[] = []): Promise<Provider> {
  const p = await providerAt(url, extra, (r) => retries.push(r));
  cleanups.push(() => p.close());
  return p;
}
const team = (name: string) => ({ kind: "team" as const, name, spec: { description: name } });

describe("sandbox rate limit and faults", () => {
  it("answers 429 with Retry-After past its rate, and the client waits and retries", async () => {
    // The bucket's clock moves only when the client retries: a burst of 8 meets a bucket of 4 on any machine.
    let now = 0;
    const server = await serve({ rateLimit: 4, clock: () => now });
    const retries: { reason: string; waitMs: number }[] = [];
    const provider = await open(server.url, {}, retries);
    const onRetry = retries.push.bind(retries);
    retries.push = (...r) => ((now += 1000), onRetry(...r));
    const ctx = context();
    const t0 = Date.now();
    const created = await Promise.all(Array.from({ length: 8 }, (_, i) => provider.create(team(`t${i}`), ctx)));
    expect(created).toHaveLength(8);
    const stats = server.stats();
    // Four tokens and no refill until a retry: the fifth request of the burst cannot get through.
    expect(stats.rateLimited).toBeGreaterThanOrEqual(1);
    expect(retries.length).toBe(stats.rateLimited);
    expect(retries.every((r) => r.reason === "rate limited (429)" && r.waitMs === 1000)).toBe(true);
    // The client really waited what Retry-After said.
    expect(Date.now() - t0).toBeGreaterThanOrEqual(990);
    expect(provider.requestCount).toBe(8 + stats.rateLimited);

    const res = await raw(server.url, "GET", "/v1/teams");
    const again = await Promise.all(Array.from({ length: 6 }, () => raw(server.url, "GET", "/v1/teams")));
    const limited = [res, ...again].find((r) => r.status === 429)!;
    expect(limited.headers.get("retry-after")).toBe("1");
    expect(limited.body.error.code).toBe("rate_limited");
  });

  it("paces itself from the server's X-RateLimit-Limit when not told a rate", async () => {
    const server = await serve({ rateLimit: 10 });
    const provider = await open(server.url);
    const ctx = context();
    const first = await raw(server.url, "GET", "/v1/teams");
    expect(first.headers.get("x-ratelimit-limit")).toBe("10");
    expect(Number(first.headers.get("x-ratelimit-remaining"))).toBeLessThan(10);
    await provider.list("team", ctx);
    // One request at a time would be 20 instant requests; paced at 10/s none bounces.
    const before = server.stats().rateLimited;
    await new Promise((r) => setTimeout(r, 1000)); // let the bucket refill
    for (let i = 0; i < 12; i++) await provider.create(team(`s${i}`), ctx);
    await Promise.all(Array.from({ length: 8 }, (_, i) => provider.create(team(`q${i}`), ctx)));
    expect(server.stats().rateLimited - before).toBe(0);
  });

  it("stays under the server's limit when the client is given it", async () => {
    const server = await serve({ rateLimit: 20 });
    const provider = await open(server.url, { rate_limit: 20 });
    await Promise.all(Array.from({ length: 25 }, (_, i) => provider.create(team(`p${i}`), context())));
    expect(server.stats().rateLimited).toBe(0);
  });

  it("injects seeded 429s with Retry-After that the client waits out and retries", async () => {
    const server = await serve({ faults: { throttleRate: 0.3, retryAfterSeconds: 0, seed: 7 } });
    const retries: { reason: string; waitMs: number }[] = [];
    const provider = await open(server.url, { max_retries: 10 }, retries);
    const ctx = context();
    for (let i = 0; i < 20; i++) await provider.create(team(`r${i}`), ctx);
    const stats = server.stats();
    expect(stats.rateLimited).toBeGreaterThan(0);
    expect(retries.length).toBe(stats.rateLimited);
    expect(retries.every((r) => r.reason === "rate limited (429)" && r.waitMs === 0)).toBe(true);
    expect((await provider.list("team", ctx)).map((t) => t.name)).toEqual(Array.from({ length: 20 }, (_, i) => `r${i}`));
  });

  it("injects seeded 5xx errors that retries absorb", async () => {
    const server = await serve({ faults: { errorRate: 0.3, seed: 42 } });
    const retries: { reason: string; waitMs: number }[] = [];
    const provider = await open(server.url, { max_retries: 10 }, retries);
    const ctx = context();
    for (let i = 0; i < 20; i++) await provider.create(team(`e${i}`), ctx);
    const stats = server.stats();
    expect(stats.injectedErrors).toBeGreaterThan(0);
    expect(retries.length).toBe(stats.injectedErrors);
    expect(retries.every((r) => r.reason === "server error (503)")).toBe(true);
    expect((await provider.list("team", ctx)).map((t) => t.name)).toEqual(Array.from({ length: 20 }, (_, i) => `e${i}`));

    // Same seed, same dice: the run can be replayed.
    const replay = await serve({ faults: { errorRate: 0.3, seed: 42 } });
    const p2 = await open(replay.url, { max_retries: 10 });
    for (let i = 0; i < 20; i++) await p2.create(team(`e${i}`), context());
    expect(replay.stats().injectedErrors).toBe(stats.injectedErrors);
  });

  it("takes faults from the admin API and from MOPS_SANDBOX_FAULTS, and refuses nonsense", async () => {
    const server = await serve({ env: { MOPS_SANDBOX_FAULTS: '{"latencyMs":5}' } });
    expect((await raw(server.url, "GET", "/_admin/faults")).body).toEqual({ latencyMs: 5 });
    expect((await raw(server.url, "POST", "/_admin/faults", { errorRate: 1 })).status).toBe(200);
    const provider = await open(server.url, { max_retries: 1 });
    const e = await provider.create(team("x"), context()).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ProviderError);
    expect((e as ProviderError).retryable).toBe(true);
    expect((e as ProviderError).status).toBe(503);
    expect((await raw(server.url, "POST", "/_admin/faults", { errorRate: 2 })).body.error.message).toContain("errorRate");
    expect((await raw(server.url, "POST", "/_admin/faults", { crashAftr: 2 })).body.error.message).toContain("unknown fault");
    await expect(startSandboxServer({ env: { MOPS_SANDBOX_FAULTS: "{nope" } })).rejects.toThrow(/not valid JSON/);
    server.setFaults({});
    expect((await provider.create(team("y"), context())).name).toBe("y");
  });

  it("requires the bearer token when one is configured, and never echoes it", async () => {
    const server = await serve({ token: "sekret-123" });
    expect((await raw(server.url, "GET", "/v1/teams")).status).toBe(401);
    const wrong = await open(server.url, { token: "${env:NOPE}" }).catch((e: unknown) => e);
    expect((wrong as ProviderError).diagnostic.code).toBe("secret/missing-env");
    const p = await createSandboxProvider({
      config: { type: "sandbox", url: server.url, token: "${env:SANDBOX_TOKEN}" },
      stack: "s", environment: "e", baseDir: "/tmp", env: { SANDBOX_TOKEN: "sekret-123" },
    });
    cleanups.push(() => p.close());
    expect(await p.list("team", context())).toEqual([]);
    const bad = await createSandboxProvider({
      config: { type: "sandbox", url: server.url, token: { env: "T" } },
      stack: "s", environment: "e", baseDir: "/tmp", env: { T: "sekret-456" },
    });
    cleanups.push(() => bad.close());
    const e = (await bad.list("team", context()).catch((x: unknown) => x)) as ProviderError;
    expect(e.diagnostic.code).toBe("sandbox/unauthorized");
    expect(JSON.stringify({ ...e, m: e.message, s: e.stack })).not.toContain("sekret");
  });
});

describe("sandbox persistence and crashes", () => {
  it("keeps its data on disk across a restart", async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const first = await startSandboxServer({ dataDir: dir, env: {} });
    const p1 = await providerAt(first.url);
    const ctx = context();
    const role = ctx.refs.learn(await p1.create({ kind: "role", name: "admin", spec: { permissions: [{ kinds: ["workflow"], actions: ["view", "edit"] }] } }, ctx));
    const user = ctx.refs.learn(await p1.create({ kind: "user", name: "dee", spec: { email: "d@x.example", role: "admin" } }, ctx));
    await p1.close();
    await first.close();
    expect(JSON.parse(readFileSync(join(dir, "users.json"), "utf8"))).toHaveLength(1);

    const second = await serve({ dataDir: dir });
    const p2 = await open(second.url);
    expect(await p2.list("user", ctx)).toEqual([user]);
    expect(await p2.list("role", ctx)).toEqual([role]);
    // The reference index is rebuilt on load: the role is still in use.
    const e = (await p2.delete("role", role.id, ctx).catch((x: unknown) => x)) as ProviderError;
    expect(e.diagnostic.code).toBe("sandbox/in_use");
  });

  it("crashAfterWrites in server mode: the Nth write is on disk, then the server is gone", async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const server = await serve({ dataDir: dir, faults: { crashAfterWrites: 3, crashMode: "server" } });
    const provider = await open(server.url, { max_retries: 1 });
    const ctx = context();
    const outcomes: string[] = [];
    for (let i = 0; i < 5; i++) {
      outcomes.push(await provider.create(team(`c${i}`), ctx).then(() => "ok", (e: ProviderError) => e.diagnostic.code));
    }
    expect(outcomes).toEqual(["ok", "ok", "provider/network", "provider/network", "provider/network"]);
    const onDisk = JSON.parse(readFileSync(join(dir, "teams.json"), "utf8")) as { name: string }[];
    expect(onDisk.map((t) => t.name)).toEqual(["c0", "c1", "c2"]);

    const restarted = await serve({ dataDir: dir });
    const p2 = await open(restarted.url);
    expect((await p2.list("team", ctx)).map((t) => t.name)).toEqual(["c0", "c1", "c2"]);
  });

  it("crashAfterWrites in process mode kills the whole process (a killed apply) after the Nth write", () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const script = fileURLToPath(new URL("./crash-child.ts", import.meta.url));
    const child = spawnSync(process.execPath, ["--import", "tsx", script, dir], {
      env: { ...process.env, MOPS_SANDBOX_FAULTS: JSON.stringify({ crashAfterWrites: 4 }) },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(child.signal).toBe("SIGKILL");
    expect(child.stdout).not.toContain("survived");
    // The 4th create reached the disk but its answer never reached the client.
    expect(child.stdout.trim().split("\n")).toEqual(["created team_0", "created team_1", "created team_2"]);
    const file = join(dir, ".mops", "sandbox", "test", "teams.json");
    expect(existsSync(file)).toBe(true);
    expect((JSON.parse(readFileSync(file, "utf8")) as { name: string }[]).map((t) => t.name)).toEqual(["team_0", "team_1", "team_2", "team_3"]);
  }, 60_000);
});
