import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { capabilities, capabilityTable } from "../../../providers/braze/capabilities";

const doc = readFileSync(new URL("../../../docs/braze.md", import.meta.url), "utf8");
const golden = (name: string) => readFileSync(new URL(`./__golden__/${name}`, import.meta.url), "utf8").trimEnd();
/** The plain (no language) fenced blocks of the page. */
function plainBlocks(text: string): string[] {
  const out: string[] = [];
  let open: { plain: boolean; lines: string[] } | undefined;
  for (const line of text.split("\n")) {
    if (!open && line.startsWith("```")) open = { plain: line === "```", lines: [] };
    else if (open && line === "```") {
      if (open.plain) out.push(open.lines.join("\n"));
      open = undefined;
    } else open?.lines.push(line);
  }
  return out;
}
const blocks = plainBlocks(doc);

describe("docs/braze.md", () => {
  it("shows the capability table the provider declares, and so does the README", () => {
    const table = /<!-- capability-table[^>]*-->\n([\s\S]*?)\n<!-- \/capability-table -->/.exec(doc)?.[1];
    expect(table).toBe(capabilityTable(capabilities));
    expect(readFileSync(new URL("../../../README.md", import.meta.url), "utf8")).toContain(`Braze capabilities:\n\n${capabilityTable(capabilities)}\n`);
  });

  it("shows mops audit's real output and the Canvas editor clicks as the tests produce them", () => {
    expect(blocks).toContain(golden("audit.txt"));
    expect(blocks).toContain(golden("canvas-undo-dashboard-edit.txt"));
  });

  it("calls a kind managed only when the API creates, updates and deletes it", () => {
    const rows = capabilityTable().split("\n").slice(2).map((r) => r.split(" | ").slice(0, 2).join(" "));
    expect(rows).toEqual(expect.arrayContaining(["| `user` managed", "| `template` written, not deleted", "| `workflow` read-only", "| `frequency_cap` manual"]));
  });
});
