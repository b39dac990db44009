import type { Capabilities } from "./types";

/**
 * A provider's capabilities as the Markdown table its docs page shows (a test
 * per provider keeps page and code in step). `ui` names where manual steps
 * happen ("Klaviyo UI"). (HubSpot's capabilities.ts holds its own copy.)
 */
export function capabilityTable(caps: Capabilities, ui: string): string {
  const support = { api: "API", manual: `manual (${ui})`, none: "—" } as const;
  const rows = Object.entries(caps).map(([kind, c]) => {
    const managed = c.create === "api" && c.update === "api" && c.delete === "api" ? "managed" : c.read ? "read-only" : "manual";
    return `| \`${kind}\` | ${managed} | ${c.read ? "yes" : "no"} | ${support[c.create]} | ${support[c.update]} | ${support[c.delete]} | ${c.note ?? ""} |`;
  });
  return ["| kind | status | read | create | update | delete | notes |", "| --- | --- | --- | --- | --- | --- | --- |", ...rows].join("\n");
}
