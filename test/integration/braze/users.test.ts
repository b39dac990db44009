import { describe, expect, it } from "vitest";
import type { Resource } from "../../../src/model";
import { providerError } from "../../helpers/errors";
import { eachTest, engine, ORIGIN, SCIM_TOKEN, world } from "./helpers";

const carla: Resource = { kind: "user", name: "carla", spec: { email: "carla@northwind.example", first_name: "Carla", last_name: "Reyes", role: "marketer", teams: ["lifecycle"] } };

describe("Braze dashboard users through SCIM", () => {
  const box = eachTest();

  it("round trip: create with a role and a team, read back equal, change role and teams, remove", async () => {
    const e = engine(box.w, box.dir);
    const declared = await e.adoptAll();
    // Everything live stays declared: only carla comes and goes.
    const roleAndTeams = declared;

    const created = await e.apply([...roleAndTeams, carla]);
    expect(created.applied?.outcome).toBe("complete");
    const post = box.w.fake.log.find((l) => l.method === "POST" && l.path === "/scim/v2/Users")!;
    expect(post.headers).toMatchObject({ authorization: `Bearer ${SCIM_TOKEN}`, "x-request-origin": ORIGIN });
    expect(post.body).toEqual({
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
      userName: "carla@northwind.example",
      name: { givenName: "Carla", familyName: "Reyes" },
      department: "marketing",
      permissions: {
        companyPermissions: [],
        roles: [{ roleId: "519dafcdba23dfaae7" }],
        appGroup: [{ appGroupName: "Production", appGroupPermissions: [], team: [{ teamName: "Lifecycle", teamPermissions: ["basic_access"] }] }],
      },
    });
    expect((await e.plan([...roleAndTeams, carla])).plan.changes.filter((c) => c.action !== "noop")).toEqual([]);

    const moved: Resource = { ...carla, spec: { ...carla.spec, role: "workspace_admin", teams: ["platform"] } as Resource["spec"] } as Resource;
    const updated = await e.apply([...roleAndTeams, moved]);
    expect(updated.plan!.changes.filter((c) => c.action !== "noop").map((c) => [c.address, c.action])).toEqual([["user.carla", "update"]]);
    const put = box.w.fake.log.find((l) => l.method === "PUT")!;
    expect(put.path).toMatch(/^\/scim\/v2\/Users\//);
    expect(put.body).toMatchObject({ permissions: { roles: [{ roleId: "23125dad23dfaae7" }], appGroup: [{ appGroupName: "Production", team: [{ teamName: "Platform" }] }] } });
    expect((await e.plan([...roleAndTeams, moved])).plan.changes.filter((c) => c.action !== "noop")).toEqual([]);

    const removed = await e.apply(roleAndTeams);
    expect(removed.plan!.changes.filter((c) => c.action !== "noop").map((c) => [c.address, c.action])).toEqual([["user.carla", "delete"]]);
    expect(box.w.fake.log.filter((l) => l.method === "DELETE")).toHaveLength(1);
    expect(box.w.fake.account.users.map((u) => u.userName)).toEqual(["ana@northwind.example", "ben@northwind.example"]);
  });

  it("an update keeps what the neutral model does not hold: company permissions and the workspace's other settings", async () => {
    const e = engine(box.w, box.dir);
    const declared = await e.adoptAll();
    const ben = declared.find((r) => r.kind === "user" && r.name === "ben")!;
    await e.apply(declared.map((r) => (r === ben ? { ...ben, spec: { ...ben.spec, last_name: "Okafor-Smith" } } as Resource : r)));
    const put = box.w.fake.log.find((l) => l.method === "PUT")!;
    expect(put.body).toMatchObject({ department: "engineering", permissions: { companyPermissions: ["manage_company_settings"] } });
  });

  it("a role or team Braze does not have is refused before any write, with where to create it", async () => {
    const e = engine(box.w, box.dir);
    const declared = await e.adoptAll();
    const ctx = { refs: { idOf: () => undefined, nameOf: () => undefined } };
    const writes = () => box.w.fake.log.filter((l) => l.method !== "GET").length;
    const before = writes();
    const err = await providerError(box.w.provider.create({ ...carla, spec: { ...carla.spec, role: "growth_hacker" } } as Resource, ctx));
    expect(err.diagnostic).toMatchObject({ code: "braze/unresolved-reference", hint: expect.stringContaining("Permission Settings > Roles") });
    expect(writes()).toBe(before);
    expect(declared.some((r) => r.kind === "role" && r.name === "marketer")).toBe(true);
  });

  it("without SCIM settings, users, roles and teams are not read, and a user write says what to configure", async () => {
    const bare = await world({ config: { scim: undefined } });
    try {
      expect(bare.provider.capabilities.user).toMatchObject({ read: false, create: "manual" });
      const ctx = { refs: { idOf: () => undefined, nameOf: () => undefined } };
      const err = await providerError(bare.provider.create(carla, ctx));
      expect(err.diagnostic.code).toBe("braze/no-scim");
    } finally {
      await bare.close();
    }
  });
});
