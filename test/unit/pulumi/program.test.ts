import * as pulumi from "@pulumi/pulumi";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Stack } from "../../../src/model";
import { loadStack } from "../../../src/stack";
import { recordRegistrations, resolved, SECRET_SIG, settled, type Registration } from "./mocks";

/**
 * Pulumi programs run under `pulumi.runtime.setMocks`: no engine, no CRUD
 * (mocks stand in for the provider), but the real registration path, so the
 * inputs, secrets and dependencies Pulumi would receive can be asserted.
 */
let registrations: Registration[];
beforeAll(async () => {
  registrations = await recordRegistrations("shop", "dev");
});

const urnOf = (r: pulumi.Resource) => resolved(r.urn);
const secret = (r: Registration) => (r.inputs.provider as Record<string, unknown>)[SECRET_SIG] !== undefined;

describe("a Pulumi program under mocks", () => {
  it("registers one resource per declaration, typed by kind, with its inputs", async () => {
    const mops = await import("../../../src/pulumi");
    const vip = new mops.Segment("vip", { provider: { type: "sandbox" }, spec: { type: "dynamic", conditions: { property: "lifetime_value", op: "gte", value: 500 } } });
    const thanks = new mops.Template("vip_thanks", { provider: { type: "sandbox" }, spec: { channel: "email", subject: "Thanks", body: "Hi" } });
    const flow = new mops.Workflow(
      "vip-welcome",
      {
        provider: { type: "sandbox" },
        name: "vip_welcome",
        spec: { status: "active", trigger: { type: "segment_entry", segment: "vip" }, steps: [{ type: "send", channel: "email", template: "vip_thanks" }] },
      },
      { dependsOn: [vip, thanks] },
    );
    await settled([vip, thanks, flow]);
    expect(await resolved(flow.name)).toBe("vip_welcome");
    expect(await resolved(vip.spec)).toEqual({ type: "dynamic", conditions: { property: "lifetime_value", op: "gte", value: 500 } });

    const reg = registrations.find((r) => r.name === "vip-welcome")!;
    expect(reg.type).toBe("pulumi-nodejs:dynamic/mops:Workflow");
    expect(reg.inputs).toMatchObject({ name: "vip_welcome", provider: { type: "sandbox" }, spec: { status: "active" } });
    expect(reg.dependencies.sort()).toEqual([await urnOf(thanks), await urnOf(vip)].sort());
    // The serialised provider names the bridge module instead of carrying a copy of the engine.
    expect(reg.inputs.__provider).toMatch(/src\/pulumi\/provider\.ts/);
    expect((reg.inputs.__provider as string).length).toBeLessThan(5000);
  });

  it("keeps a token reference out of plain-text state", async () => {
    const mops = await import("../../../src/pulumi");
    const s = new mops.Segment("locked", { provider: { type: "hubspot", token: "${env:HUBSPOT_TOKEN}" }, spec: { type: "static" } });
    const open = new mops.Segment("open", { provider: { type: "sandbox" }, spec: { type: "static" } });
    await settled([s, open]);
    expect(secret(registrations.find((r) => r.name === "locked")!)).toBe(true);
    expect(secret(registrations.find((r) => r.name === "open")!)).toBe(false);
  });

  it("turns a loaded stack into resources that depend on what their specs refer to", async () => {
    const mops = await import("../../../src/pulumi");
    const loaded = await loadStack(join(import.meta.dirname, "fixtures/shop.yaml"), { env: {} });
    expect(loaded.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const made = mops.stackResources(loaded.value!.stack);
    expect(made.diagnostics).toEqual([]);
    const rs = made.value!;
    expect(Object.keys(rs).sort()).toEqual(["property.lifetime_value", "segment.recent_buyers", "segment.vip", "template.vip_thanks", "workflow.vip_welcome"]);
    await settled(Object.values(rs));

    const reg = (name: string) => registrations.filter((r) => r.name === name).at(-1)!;
    expect(reg("vip_welcome").type).toBe("pulumi-nodejs:dynamic/mops:Workflow");
    expect(reg("vip_welcome").inputs).toMatchObject({ provider: { type: "sandbox" }, name: "vip_welcome", spec: loaded.value!.stack.resources.find((r) => r.name === "vip_welcome")!.spec });
    expect(reg("vip_welcome").dependencies.sort()).toEqual(
      (await Promise.all([rs["segment.recent_buyers"]!, rs["segment.vip"]!, rs["template.vip_thanks"]!].map(urnOf))).sort(),
    );
    expect(reg("vip").dependencies).toEqual([await urnOf(rs["property.lifetime_value"]!)]);
    expect(reg("recent_buyers").dependencies).toEqual([]);
    expect(reg("lifetime_value").dependencies).toEqual([]);
  });

  it("uses the chosen environment's provider, or the one passed in", async () => {
    const mops = await import("../../../src/pulumi");
    const loaded = await loadStack(join(import.meta.dirname, "fixtures/shop.yaml"), { environment: "production", env: {} });
    await settled(Object.values(mops.stackResources(loaded.value!.stack).value!));
    expect(registrations.filter((r) => r.name === "vip").at(-1)!.inputs.provider).toMatchObject({ value: { type: "hubspot", token: "${env:HUBSPOT_TOKEN}" } });
    await settled(Object.values(mops.stackResources(loaded.value!.stack, { provider: { type: "sandbox", data_dir: "rehearsal" } }).value!));
    expect(registrations.filter((r) => r.name === "vip").at(-1)!.inputs.provider).toEqual({ type: "sandbox", data_dir: "rehearsal" });
  });

  it("reports a reference cycle as a diagnostic and registers nothing", async () => {
    const mops = await import("../../../src/pulumi");
    const stack: Stack = {
      name: "loop",
      environment: "dev",
      environments: { dev: { provider: { type: "sandbox" } } },
      resources: [
        { kind: "segment", name: "a", spec: { type: "dynamic", conditions: { in_segment: "b" } } },
        { kind: "segment", name: "b", spec: { type: "dynamic", conditions: { in_segment: "a" } } },
      ],
    };
    const before = registrations.length;
    const r = mops.stackResources(stack);
    expect(r.value).toBeUndefined();
    expect(r.diagnostics.map((d) => d.code)).toEqual(["graph/cycle"]);
    expect(registrations.length).toBe(before);
  });
});
