import { expect, it } from "vitest";
import { loadStack } from "../../../src/stack";
import { address } from "../../../src/model";
import { recordRegistrations, resolved, settled } from "./mocks";

/** examples/pulumi/index.ts, run under mocks: it must keep working as the bridge and the quickstart change. */
it("the example program registers the quickstart stack plus its own workflow, with references as dependencies", async () => {
  const registered = await recordRegistrations("mops-quickstart", "dev");

  const program = await import("../../../examples/pulumi/index");
  await settled([program.anniversary]);
  await Promise.all(Object.values(program.workflowIds).map(resolved));

  const quickstart = (await loadStack(new URL("../../../examples/quickstart/mops.yaml", import.meta.url).pathname, { env: {} })).value!.stack;
  const urn = (type: string, name: string) => `urn:pulumi:dev::mops-quickstart::pulumi-nodejs:dynamic/mops:${type}::${name}`;
  expect(registered.map((r) => r.name).sort()).toEqual([...quickstart.resources.map((r) => r.name), "vip_anniversary"].sort());
  expect(Object.keys(program.workflowIds).sort()).toEqual(quickstart.resources.filter((r) => r.kind === "workflow").map((r) => address(r.kind, r.name)).sort());

  const anniversary = registered.find((r) => r.name === "vip_anniversary")!;
  expect(anniversary.inputs).toMatchObject({ provider: { type: "sandbox" }, spec: { trigger: { type: "segment_entry", segment: "vip" }, steps: [{ type: "wait" }, { type: "send", template: "vip_thanks" }] } });
  // Naming the stack's resources through their outputs is what orders them for Pulumi.
  expect(anniversary.dependencies.sort()).toEqual([urn("Segment", "vip"), urn("Template", "vip_thanks")]);
});
