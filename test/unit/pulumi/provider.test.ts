import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createSandboxProvider } from "../../../providers/sandbox";
import type { Kind, ProviderConfig } from "../../../src/model";
import { closePlatforms, resourceProvider, setBridgeEnvironment, type MopsInputs, type MopsOutputs } from "../../../src/pulumi";
import { registerProvider } from "../../../src/provider/registry";
import { unknownValue } from "@pulumi/pulumi/runtime/rpc";

/**
 * The dynamic provider's functions, called as Pulumi's host calls them,
 * against a real sandbox platform started in-process (no Pulumi engine here).
 */
const TOKEN = "sbx-very-secret-token";
let dir: string;
let sandbox: ProviderConfig;

// The sandbox with HubSpot's habit of not changing a segment's type in place.
registerProvider("sandbox_replace", async (o) => ({ ...(await createSandboxProvider(o)), capabilities: { segment: { read: true, create: "api", update: "api", delete: "api", replaceOn: ["type"] } } }));

// A platform whose API cannot write frequency caps (HubSpot's habit).
const CAP_NOTE = "no API: set it in Settings > Marketing > Email";
registerProvider("sandbox_capless", async (o) => ({ ...(await createSandboxProvider(o)), capabilities: { frequency_cap: { read: false, create: "manual", update: "manual", delete: "manual", note: CAP_NOTE } } }));

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "mops-pulumi-"));
  setBridgeEnvironment({ baseDir: dir, env: { SANDBOX_TOKEN: TOKEN } });
  sandbox = { type: "sandbox", data_dir: "platform", token: "${env:SANDBOX_TOKEN}" };
});
afterAll(async () => {
  await closePlatforms();
  rmSync(dir, { recursive: true, force: true });
});

const segments = resourceProvider("segment");
const inputs = <K extends Kind>(name: string, spec: MopsInputs<K>["spec"], provider = sandbox): MopsInputs<K> => ({ provider, name, spec });

describe("check", () => {
  it("reports schema errors of the spec by property path, and accepts a valid spec", async () => {
    const bad = await segments.check({} as MopsInputs<"segment">, inputs("vip", { type: "dynamc", colour: 1 } as never));
    expect(bad.failures).toEqual([
      { property: "spec.colour", reason: expect.stringContaining("unknown key `colour`") },
      { property: "spec.type", reason: expect.stringContaining("did you mean `dynamic`?") },
    ]);
    const good = await segments.check({} as MopsInputs<"segment">, inputs("vip", { type: "dynamic" }));
    expect(good.failures).toBeUndefined();
    expect(good.inputs).toEqual(inputs("vip", { type: "dynamic" }));
  });

  it("refuses a token value where a reference belongs, a bad name and an unknown platform", async () => {
    const r = await segments.check({} as MopsInputs<"segment">, inputs("Vip-Customers", { type: "static" }, { type: "nowhere", token: TOKEN } as never));
    expect(r.failures?.map((f) => f.property)).toEqual(["provider.token", "name"]);
    expect(r.failures?.[0]!.reason).toMatch(/never the token itself/);
    expect(JSON.stringify(r.failures)).not.toContain(TOKEN);
    const unknownType = await segments.check({} as MopsInputs<"segment">, inputs("vip", { type: "static" }, { type: "nowhere" }));
    expect(unknownType.failures).toEqual([{ property: "provider.type", reason: expect.stringContaining("use one of:") }]);
  });

  it("leaves values Pulumi has not computed yet (preview) for later", async () => {
    const r = await segments.check({} as MopsInputs<"segment">, inputs("vip", { type: unknownValue } as never));
    expect(r.failures).toBeUndefined();
  });
});

describe("create, read, diff, update, delete against the sandbox", () => {
  let id: string;
  let created: MopsOutputs<"segment">;

  it("creates, and reads back the same outputs", async () => {
    const r = await segments.create(inputs("vip", { type: "dynamic", description: "Best customers", conditions: { property: "lifetime_value", op: "gte", value: 500 } }));
    id = r.id;
    created = r.outs;
    expect(id).toMatch(/\S/);
    expect(created).toMatchObject({ name: "vip", provider: sandbox, spec: { type: "dynamic", description: "Best customers" } });
    expect(created.version).toBeDefined();
    const read = await segments.read(id, created);
    expect(read).toEqual({ id, props: created });
    // The token is referenced by name only; its value appears in nothing Pulumi stores.
    expect(JSON.stringify([created, read])).not.toContain(TOKEN);
  });

  it("diff: no change for an equal spec, a change for an edited one", async () => {
    const same = await segments.diff(id, created, inputs("vip", { conditions: { property: "lifetime_value", op: "gte", value: 500 }, description: "Best customers", type: "dynamic" }));
    expect(same.changes).toBe(false);
    const edited = await segments.diff(id, created, inputs("vip", { ...created.spec, description: "Top 5%" }));
    expect(edited).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
  });

  it("updates in place, and the platform holds the new spec", async () => {
    const r = await segments.update(id, created, inputs("vip", { ...created.spec, description: "Top 5%" }));
    expect(r.outs.spec.description).toBe("Top 5%");
    expect(r.outs.version).not.toBe(created.version);
    const read = await segments.read(id, created);
    expect(read.props?.spec.description).toBe("Top 5%");
    created = r.outs;
  });

  it("refresh reports drift made outside Pulumi", async () => {
    // A second adapter on the same data directory shares the embedded platform: someone editing in the UI.
    const direct = await createSandboxProvider({ config: sandbox, stack: "t", environment: "t", baseDir: dir, env: { SANDBOX_TOKEN: TOKEN } });
    const live = (await direct.read("segment", id, { refs: { idOf: () => undefined, nameOf: () => undefined } }))!;
    await direct.update({ kind: "segment", name: "vip", spec: { ...live.spec, description: "edited in the UI" } as never }, live, { refs: { idOf: () => undefined, nameOf: () => undefined } });
    await direct.close();
    const read = await segments.read(id, created);
    expect(read.props?.spec.description).toBe("edited in the UI");
    const diff = await segments.diff(id, read.props!, inputs("vip", created.spec));
    expect(diff.changes).toBe(true);
  });

  it("resolves references by name both ways: names in specs and outputs, ids on the platform", async () => {
    const templates = resourceProvider("template");
    const workflows = resourceProvider("workflow");
    const t = await templates.create(inputs("welcome", { channel: "email", subject: "Hi", body: "Hello" }));
    const spec: MopsInputs<"workflow">["spec"] = { status: "draft", trigger: { type: "segment_entry", segment: "vip" }, steps: [{ type: "send", channel: "email", template: "welcome" }] };
    const w = await workflows.create(inputs("welcome_flow", spec));
    expect(w.outs.spec).toEqual(spec);
    expect((await workflows.read(w.id, w.outs)).props?.spec).toEqual(spec);
    expect((await workflows.diff(w.id, w.outs, inputs("welcome_flow", spec))).changes).toBe(false);

    // The platform refuses to delete what is in use: Pulumi shows the platform's words.
    await expect(templates.delete(t.id, t.outs)).rejects.toThrow(/is used by .*\[sandbox\/in_use\]/);
    await workflows.delete(w.id, w.outs);
    await templates.delete(t.id, t.outs);

    const dangling = inputs<"workflow">("orphan", { ...spec, steps: [{ type: "send", channel: "email", template: "missing" }] });
    await expect(workflows.create(dangling)).rejects.toThrow(/^workflow\.orphan: `steps\[0\]\.template` refers to template\.missing.*\[sandbox\/unresolved-reference\]/);
  });

  it("deletes; a read afterwards tells Pulumi the object is gone", async () => {
    await segments.delete(id, created);
    expect(await segments.read(id, created)).toEqual({});
  });
});

describe("replace", () => {
  it("replaces (delete first) for attributes the platform cannot change in place, and for another platform", async () => {
    const provider: ProviderConfig = { type: "sandbox_replace", data_dir: "platform", token: "${env:SANDBOX_TOKEN}" };
    const r = await segments.create(inputs("club", { type: "dynamic", conditions: { property: "tier", op: "eq", value: "gold" } }, provider));
    const toStatic = await segments.diff(r.id, r.outs, inputs("club", { type: "static" }, provider));
    expect(toStatic).toEqual({ changes: true, replaces: ["spec.type"], deleteBeforeReplace: true });
    const describedOnly = await segments.diff(r.id, r.outs, inputs("club", { ...r.outs.spec, description: "Gold tier" }, provider));
    expect(describedOnly.replaces).toEqual([]);
    const moved = await segments.diff(r.id, r.outs, inputs("club", r.outs.spec, { ...provider, data_dir: "elsewhere" }));
    expect(moved).toEqual({ changes: true, replaces: ["provider"], deleteBeforeReplace: true });

    // Why delete comes first: the platform keeps names unique.
    await expect(segments.create(inputs("club", { type: "static" }, provider))).rejects.toThrow(/\[sandbox\/duplicate_name\]/);
    await segments.delete(r.id, r.outs);
    const again = await segments.create(inputs("club", { type: "static" }, provider));
    expect(again.id).not.toBe(r.id);
    expect(again.outs.spec).toEqual({ type: "static" });
  });
});

describe("capabilities", () => {
  it("refuses to write a kind the platform's API cannot, with the adapter's note", async () => {
    const caps = resourceProvider("frequency_cap");
    const provider: ProviderConfig = { type: "sandbox_capless", data_dir: "platform", token: "${env:SANDBOX_TOKEN}" };
    await expect(caps.create(inputs("weekly", { max: 3, period: "7d", channels: ["email"] }, provider))).rejects.toThrow(
      `frequency_cap.weekly: sandbox cannot create a frequency_cap through its API: ${CAP_NOTE}`,
    );
  });
});

describe("retries", () => {
  it("logs the platform's retries to Pulumi and still succeeds", async () => {
    const warn = vi.spyOn(pulumi.log, "warn").mockResolvedValue();
    // Half the requests answered 503 (seeded, so the run repeats): the adapter retries, the bridge reports it.
    setBridgeEnvironment({ baseDir: dir, env: { MOPS_SANDBOX_FAULTS: '{"errorRate":0.5,"seed":3}' } });
    try {
      const sandboxOnly = { backoff_ms: 1, max_retries: 20 };
      const flaky: ProviderConfig = { type: "sandbox", data_dir: "flaky", ...sandboxOnly };
      const r = await segments.create(inputs("flaky_vip", { type: "static" }, flaky));
      expect((await segments.read(r.id, r.outs)).props).toEqual(r.outs);
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^mops: sandbox: server error \(503\); retry 1 in \d+ ms$/));
    } finally {
      warn.mockRestore();
      setBridgeEnvironment({ baseDir: dir, env: { SANDBOX_TOKEN: TOKEN } });
    }
  });
});
