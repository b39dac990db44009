import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { capabilities, capabilityTable } from "../../../providers/hubspot/capabilities";

describe("docs/hubspot.md", () => {
  it("shows the capability table the provider actually declares", () => {
    const doc = readFileSync(new URL("../../../docs/hubspot.md", import.meta.url), "utf8");
    const table = /<!-- capability-table[^>]*-->\n([\s\S]*?)\n<!-- \/capability-table -->/.exec(doc)?.[1];
    expect(table).toBe(capabilityTable(capabilities));
  });

  it("calls a kind managed only when the API creates, updates and deletes it", () => {
    const rows = capabilityTable({ role: { read: true, create: "manual", update: "manual", delete: "manual" }, user: { read: true, create: "api", update: "api", delete: "api" }, frequency_cap: { read: false, create: "manual", update: "manual", delete: "manual" } }).split("\n").slice(2);
    expect(rows.map((r) => r.split(" | ")[1])).toEqual(["read-only", "managed", "manual"]);
  });
});
