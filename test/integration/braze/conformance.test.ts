import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Ajv from "ajv";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Resource } from "../../../src/model";
import { EmailTemplateCreate, REQUESTS, RESPONSES, routeOf, ScimCreate, ContentBlockCreate } from "../../fixtures/braze/schemas";
import type { Logged } from "../../fixtures/braze/fake";
import { engine, offline, world, type World } from "./helpers";

/**
 * Every request body the provider sends and every answer it reads, checked
 * against the shapes Braze documents (test/fixtures/braze/schemas.ts names
 * the braze-docs files). The scenario touches every endpoint Mops uses.
 */
const ajv = addFormats(new Ajv({ allErrors: true, strict: false }));
const check = (schema: object, value: unknown) => {
  const validate = ajv.compile(schema);
  return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message} ${JSON.stringify(e.params)}`);
};

describe("conformance with Braze's documented shapes", () => {
  let w: World;
  let dir: string;
  let log: Logged[];
  beforeAll(async () => {
    offline();
    w = await world();
    dir = mkdtempSync(join(tmpdir(), "mops-braze-"));
    const e = engine(w, dir);
    const declared = await e.adoptAll();
    const added: Resource[] = [
      { kind: "template", name: "digest", spec: { channel: "email", subject: "Hi {{ first_name | default: \"you\" }}", preheader: "p", body: "<p>b</p>", tags: ["newsletter"] } },
      { kind: "template", name: "legal_block", spec: { channel: "email", description: "d", body: "<p>legal</p>", tags: ["braze:content_block"] } },
      { kind: "template", name: "prefs", spec: { channel: "email", subject: "Prefs", body: "<form></form>", tags: ["braze:preference_center"] } },
      { kind: "user", name: "carla", spec: { email: "carla@northwind.example", first_name: "Carla", last_name: "Reyes", role: "marketer", teams: ["lifecycle"] } },
    ];
    await e.apply([...declared, ...added]);
    const edited = added.map((r) => (r.kind === "template" ? { ...r, spec: { ...r.spec, body: "<p>v2</p>" } } : { ...r, spec: { ...r.spec, last_name: "Reyes-Ortiz" } }) as Resource);
    await e.apply([...declared, ...edited]);
    await e.apply([...declared, ...edited.filter((r) => r.kind !== "user")]);
    log = w.fake.log;
  });
  afterAll(async () => {
    await w.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("every request body matches the documented request, and every documented write was sent", () => {
    const sent = log.filter((l) => REQUESTS[routeOf(l.method, l.path)]);
    const problems = sent.flatMap((l) => check(REQUESTS[routeOf(l.method, l.path)]!, l.body).map((p) => `${routeOf(l.method, l.path)}: ${p}`));
    expect(problems).toEqual([]);
    expect(new Set(sent.map((l) => routeOf(l.method, l.path)))).toEqual(new Set(Object.keys(REQUESTS)));
    expect(log.filter((l) => l.status === 400)).toEqual([]);
  });

  it("every answer read matches the documented response, fixtures included, and every documented read was made", () => {
    const answered = log.filter((l) => (l.status ?? 0) < 300 && RESPONSES[routeOf(l.method, l.path)]);
    const problems = answered.flatMap((l) => check(RESPONSES[routeOf(l.method, l.path)]!, l.response).map((p) => `${routeOf(l.method, l.path)}: ${p}`));
    expect(problems).toEqual([]);
    expect(new Set(answered.map((l) => routeOf(l.method, l.path)))).toEqual(new Set(Object.keys(RESPONSES)));
  });

  it("the schemas fail on an unknown field, a missing required field and a value outside an enum", () => {
    expect(check(EmailTemplateCreate, { template_name: "a", subject: "s", body: "b", from_name: "x" })[0]).toContain("must NOT have additional properties");
    expect(check(EmailTemplateCreate, { template_name: "a", body: "b" })[0]).toContain("must have required property");
    expect(check(ContentBlockCreate, { name: "a", content: "c", state: "live" }).join()).toContain("must be equal to constant");
    expect(check(ScimCreate, { schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"], userName: "a@b.example", name: { givenName: "a", familyName: "b" }, department: "sales" }).join()).toContain("must be equal to constant");
  });
});
