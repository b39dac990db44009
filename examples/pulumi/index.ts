/**
 * A Pulumi program that manages the quickstart stack's marketing resources,
 * plus one workflow declared in Pulumi itself, through the same provider
 * adapters as `mops apply`. Run it with the tsx loader (see README.md):
 *
 *   NODE_OPTIONS="--import tsx" pulumi up
 */
import * as pulumi from "@pulumi/pulumi";
import { fileURLToPath } from "node:url";
import type { ProviderConfig } from "../../src/model";
import * as mops from "../../src/pulumi";
import { loadStack } from "../../src/stack";

const config = new pulumi.Config();

// The platform. The token is a reference (an environment variable's name),
// never its value: Pulumi state holds `${env:HUBSPOT_TOKEN}`, marked secret.
const provider: ProviderConfig =
  config.get("platform") === "hubspot"
    ? { type: "hubspot", token: "${env:HUBSPOT_TOKEN}" }
    : { type: "sandbox", data_dir: config.get("sandboxDir") ?? ".mops/sandbox/pulumi" };

// 1. A whole Mops stack: every resource, each depending on what it refers to.
const loaded = await loadStack(fileURLToPath(new URL("../quickstart/mops.yaml", import.meta.url)), { env: process.env });
const errors = loaded.diagnostics.filter((d) => d.severity === "error");
if (!loaded.value || errors.length) throw new Error(`the stack does not load:\n${errors.map((d) => `${d.code}: ${d.message}`).join("\n")}`);
const made = mops.stackResources(loaded.value.stack, { provider });
if (!made.value) throw new Error(made.diagnostics.map((d) => d.message).join("\n"));
const stack = made.value;

// 2. One more workflow, declared here. Naming the stack's resources through their
// outputs makes Pulumi create them first (and delete this workflow before them).
const vip = stack["segment.vip"] as mops.Segment;
const thanks = stack["template.vip_thanks"] as mops.Template;
export const anniversary = new mops.Workflow("vip_anniversary", {
  provider,
  spec: pulumi.all([vip.name, thanks.name]).apply(([segment, template]) => ({
    status: "draft" as const,
    owner: "lifecycle",
    purpose: "Thank VIPs again a month after they became VIPs.",
    trigger: { type: "segment_entry" as const, segment },
    steps: [
      { type: "wait" as const, duration: "4w" },
      { type: "send" as const, channel: "email" as const, template },
    ],
  })),
});

export const workflowIds = Object.fromEntries(
  Object.entries(stack).filter(([address]) => address.startsWith("workflow.")).map(([address, r]) => [address, r.id]),
);
