import { afterEach, describe, expect, it } from "vitest";
import type { RefResolver } from "../../../src/provider/types";
import { providerError } from "../../helpers/errors";
import { TOKEN, closeWorlds, world } from "./helpers";

afterEach(closeWorlds);
const refs = (ids: Record<string, string>): RefResolver => ({
  idOf: (kind, name) => ids[`${kind}.${name}`],
  nameOf: (kind, id) => Object.entries(ids).find(([, v]) => v === id)?.[0].split(".")[1],
});

describe("Klaviyo errors", () => {
  it("turns the JSON pointer of a refused segment field into the spec path that wrote it", async () => {
    const { fake, provider } = await world();
    fake.inject((r) => r.method === "POST" && r.path === "/api/segments", {
      status: 400,
      body: { errors: [{ id: "e1", code: "invalid", title: "Invalid input.", detail: "'value' must be at least 1.", source: { pointer: "/data/attributes/definition/condition_groups/1/conditions/0/measurement_filter/value" } }] },
    });
    const e = await providerError(provider.create({
      kind: "segment", name: "buyers_de",
      spec: { type: "dynamic", conditions: { all: [{ property: "country", op: "eq", value: "DE" }, { event: "Placed Order", at_least: 2, within: "90d" }] } },
    }, { refs: refs({}) }));
    expect(e.diagnostic).toMatchObject({
      code: "klaviyo/invalid",
      address: "segment.buyers_de",
      detail: { status: 400, pointer: "/data/attributes/definition/condition_groups/1/conditions/0/measurement_filter/value", specPath: ["conditions", "all", 1], path: "conditions.all[1]" },
    });
    expect(e.diagnostic.message).toBe("segment.buyers_de.conditions.all[1]: Klaviyo refused POST /api/segments (400): 'value' must be at least 1.");
    expect(e.diagnostic.hint).toMatch(/fix the resource at the place shown/);
  });

  it("points at the workflow step whose template Klaviyo does not know (the fake's own validation)", async () => {
    const { provider } = await world();
    const e = await providerError(provider.create({
      kind: "workflow", name: "welcome",
      spec: {
        status: "draft",
        trigger: { type: "segment_entry", segment: "newsletter" },
        steps: [{ type: "wait", duration: "1d" }, { type: "send", channel: "email", template: "ghost" }],
      },
    }, { refs: refs({ "segment.newsletter": "list:LNews1", "template.ghost": "TNOPE1" }) }));
    expect(e.diagnostic.code).toBe("klaviyo/invalid");
    expect(e.diagnostic.detail).toMatchObject({ pointer: "/data/attributes/definition/actions/2/data/message/template_id", specPath: ["steps", 1, "template"] });
    expect(e.diagnostic.message).toMatch(/^workflow\.welcome\.steps\[1\]\.template: Klaviyo refused POST \/api\/flows \(400\): Template TNOPE1 does not exist/);
  });

  it("maps 404 to a drift hint, 403 to the key's scopes, and keeps the key out", async () => {
    const { fake, provider } = await world();
    fake.inject((r) => r.path === "/api/segments/S403", { status: 403, body: { errors: [{ id: "3", code: "permission_denied", title: "Forbidden", detail: "You do not have permission to perform this action." }] } });
    const forbidden = await providerError(provider.read("segment", "segment:S403", { refs: refs({}) }));
    expect(forbidden.diagnostic.code).toBe("klaviyo/permission_denied");
    expect(forbidden.diagnostic.hint).toMatch(/Settings > API keys/);
    expect(await provider.read("segment", "segment:SNONE1", { refs: refs({}) })).toBeUndefined();
    const gone = await providerError(provider.update({ kind: "segment", name: "x", spec: { type: "static" } }, { kind: "segment", id: "list:LGONE1", name: "y", spec: { type: "static" } }, { refs: refs({}) }));
    expect(gone.diagnostic.hint).toMatch(/mops drift/);
    expect(JSON.stringify([forbidden, gone])).not.toContain(TOKEN);
  });
});
