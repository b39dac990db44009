import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createSandboxProvider } from "../../../providers/sandbox";
import { createProvider } from "../../../src/provider/registry";
import { ProviderError } from "../../../src/provider/types";
import { context, tempDir } from "./helpers";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});
const open = (baseDir: string, config: Record<string, unknown> = {}) =>
  createSandboxProvider({ config: { type: "sandbox", ...config }, stack: "demo", environment: "staging", baseDir, env: {} });

describe("embedded sandbox", () => {
  it("starts in-process under <baseDir>/.mops/sandbox/<env>, shared by providers on the same directory", async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const ctx = context();
    const a = await open(dir, { server_rate_limit: 200 });
    const b = await open(dir);
    const team = await a.create({ kind: "team", name: "ops", spec: { description: "Ops" } }, ctx);
    expect(await b.list("team", ctx)).toEqual([team]);
    expect(JSON.parse(readFileSync(join(dir, ".mops", "sandbox", "staging", "teams.json"), "utf8"))).toHaveLength(1);
    await a.close();
    // The other provider still has its server.
    await b.create({ kind: "team", name: "dev", spec: {} }, ctx);
    await b.close();

    const c = await open(dir);
    expect((await c.list("team", ctx)).map((t) => t.name)).toEqual(["ops", "dev"]);
    await c.close();
  });

  it("honours data_dir relative to the stack, and registers itself as `sandbox`", async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const res = await createProvider({ config: { type: "sandbox", data_dir: "sbx" }, stack: "demo", environment: "prod", baseDir: dir, env: {} });
    const p = res.value!;
    expect(p.name).toBe("sandbox");
    await p.create({ kind: "property", name: "tier", spec: { type: "string" } }, context());
    await p.close();
    expect(existsSync(join(dir, "sbx", "properties.json"))).toBe(true);
  });

  it("reports bad MOPS_SANDBOX_FAULTS as a diagnostic", async () => {
    const e = await createSandboxProvider({ config: { type: "sandbox" }, stack: "d", environment: "e", baseDir: "/nonexistent", env: { MOPS_SANDBOX_FAULTS: '{"crash":1}' } }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ProviderError);
    expect((e as ProviderError).diagnostic).toMatchObject({ code: "sandbox/bad-faults", message: expect.stringContaining("unknown fault `crash`") });
  });
});
