import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { Resource } from "../../../src/model";
import { emitStackYaml } from "../../../src/stack/emit";

const resources: Resource[] = [
  { kind: "workflow", name: "welcome_series", spec: { status: "active", trigger: { type: "segment_entry", segment: "newsletter" }, steps: [{ type: "send", channel: "email", template: "welcome_1" }, { type: "wait", duration: "2d" }] } },
  { kind: "segment", name: "newsletter", spec: { type: "dynamic", conditions: { consent: "marketing_information" } } },
  { kind: "template", name: "welcome_1", spec: { channel: "email", subject: "Welcome, {{ contact.firstname | default: 'explorer' }}!", body: "<p>Hi: there</p>" } },
  { kind: "segment", name: "do_not_email", spec: { type: "static" } },
];

describe("emitStackYaml", () => {
  const files = emitStackYaml(
    { name: "northwind", resources, environments: { prod: { provider: { type: "hubspot", token: "${env:HUBSPOT_TOKEN}" } } }, default_environment: "prod" },
    { source: "HubSpot account 4711", schemaUrl: "./.mops/stack.schema.json" },
  );

  it("writes mops.yaml and one file per kind, in dependency order, names sorted", async () => {
    expect(files.map((f) => f.path)).toEqual(["mops.yaml", "templates.yaml", "segments.yaml", "workflows.yaml"]);
    expect(Object.keys(parse(files[2].text).segments)).toEqual(["do_not_email", "newsletter"]);
    for (const f of files) await expect(f.text).toMatchFileSnapshot(`__snapshots__/emit/${f.path}`);
  });

  it("parses back to the same specs, secrets staying references", () => {
    const back = Object.assign({}, ...files.map((f) => parse(f.text)));
    for (const r of resources) expect(back[{ workflow: "workflows", segment: "segments", template: "templates" }[r.kind as "workflow"]][r.name]).toEqual(r.spec);
    expect(back.environments.prod.provider.token).toBe("${env:HUBSPOT_TOKEN}");
    expect(files.every((f) => f.text.startsWith("# yaml-language-server: $schema=./.mops/stack.schema.json\n"))).toBe(true);
  });
});
