import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { capabilities, capabilityTable } from "../../../providers/klaviyo/capabilities";

describe("docs/klaviyo.md", () => {
  it("shows the capability table the provider actually declares", () => {
    const doc = readFileSync(new URL("../../../docs/klaviyo.md", import.meta.url), "utf8");
    const table = /<!-- capability-table[^>]*-->\n([\s\S]*?)\n<!-- \/capability-table -->/.exec(doc)?.[1];
    expect(table).toBe(capabilityTable(capabilities));
  });
});
