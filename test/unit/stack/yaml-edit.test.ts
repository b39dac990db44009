import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { editYaml, type YamlEdit } from "../../../src/stack/yaml-edit";

const FILE = [
  "# Journeys (owned by CRM)",
  "workflows:",
  "  upsell:",
  "    status: active   # live since May",
  "    description: >-",
  "      A long text the author",
  "      folded by hand.",
  "    tags: [promotion]",
  "    trigger: { type: event, event: cart_updated }",
  "    suppression:",
  "      segments: [sunset]",
  "    steps:",
  "      - type: send",
  "        channel: email",
  "        template: hello",
  "",
  "      # the last step",
  "      - { type: exit }",
  "",
].join("\n");

const edit = (...edits: YamlEdit[]) => {
  const r = editYaml(FILE, edits);
  if ("error" in r) throw new Error(r.error);
  return r.text;
};
/** The lines of the result that are not lines of the input (in order), and whether every input line is kept. */
const added = (out: string) => out.split("\n").filter((l) => !FILE.split("\n").includes(l));
const keeps = (out: string, except: string[] = []) => FILE.split("\n").filter((l) => !except.includes(l)).every((l) => out.split("\n").includes(l));

describe("editYaml", () => {
  it("sets a scalar in place and keeps everything else byte for byte", () => {
    const out = edit({ path: ["workflows", "upsell", "status"], op: "set", value: "paused" });
    expect(out).toBe(FILE.replace("status: active", "status: paused"));
  });

  it("changes one word of a text where it is written, so folded, block and quoted text keep their style", () => {
    const out = edit({ path: ["workflows", "upsell", "description"], op: "set", value: "A long text the writer folded by hand." });
    expect(out).toBe(FILE.replace("the author", "the writer"));
    // A change the source cannot show verbatim is written out whole.
    const whole = edit({ path: ["workflows", "upsell", "description"], op: "set", value: "Short." });
    expect(parse(whole).workflows.upsell.description).toBe("Short.");
    const lines = edit({ path: ["workflows", "upsell", "description"], op: "set", value: "Two\nlines." });
    expect(parse(lines).workflows.upsell.description).toBe("Two\nlines.");
    expect(keeps(lines, ["    description: >-", "      A long text the author", "      folded by hand."])).toBe(true);
  });

  it("adds keys under a block mapping, creating the ones on the way", () => {
    const out = edit({ path: ["workflows", "upsell", "goal"], op: "set", value: { event: "placed_order", within: "1d" } });
    expect(added(out)).toEqual(["    goal:", "      event: placed_order", "      within: 1d"]);
    expect(keeps(out)).toBe(true);
    expect(parse(out).workflows.upsell.goal).toEqual({ event: "placed_order", within: "1d" });
    const deep = edit({ path: ["workflows", "upsell", "suppression", "events"], op: "append", value: { event: "support_ticket_opened", within: "7d" } });
    expect(added(deep)).toEqual(["      events:", "        - { event: support_ticket_opened, within: 7d }"]);
    expect(parse(deep).workflows.upsell.suppression).toEqual({ segments: ["sunset"], events: [{ event: "support_ticket_opened", within: "7d" }] });
  });

  it("appends to flow and block lists in their own style", () => {
    const flow = edit({ path: ["workflows", "upsell", "suppression", "segments"], op: "append", value: "complainers" });
    expect(flow).toBe(FILE.replace("segments: [sunset]", "segments: [sunset, complainers]"));
    const block = edit({ path: ["workflows", "upsell", "steps"], op: "append", value: { type: "wait", duration: "1d" } });
    expect(added(block)).toEqual(["      - { type: wait, duration: 1d }"]);
    expect(parse(block).workflows.upsell.steps).toHaveLength(3);
    expect(keeps(block)).toBe(true);
  });

  it("adds a key to a flow mapping and replaces a block list item with one flow line", () => {
    const out = edit({ path: ["workflows", "upsell", "trigger", "where"], op: "set", value: [{ property: "items", op: "gte", value: 3 }] });
    expect(out).toContain("trigger: { type: event, event: cart_updated, where: [{ property: items, op: gte, value: 3 }] }");
    const wrapped = edit({ path: ["workflows", "upsell", "steps", 0], op: "set", value: { type: "branch", condition: { consent: "news" }, then: [{ type: "exit" }] } });
    expect(parse(wrapped).workflows.upsell.steps[0]).toEqual({ type: "branch", condition: { consent: "news" }, then: [{ type: "exit" }] });
    expect(wrapped).toContain("      # the last step\n      - { type: exit }");
  });

  it("removes a key, a list item and a whole resource", () => {
    expect(edit({ path: ["workflows", "upsell", "tags"], op: "remove" })).toBe(FILE.replace("    tags: [promotion]\n", ""));
    const step = edit({ path: ["workflows", "upsell", "steps", 0], op: "remove" });
    expect(parse(step).workflows.upsell.steps).toEqual([{ type: "exit" }]);
    // The last entry of a mapping takes its key along: `workflows:` with nothing under it would be null.
    expect(parse(edit({ path: ["workflows", "upsell"], op: "remove" }))).toBeNull();
    expect(parse(edit({ path: ["workflows", "upsell", "suppression", "segments"], op: "remove" })).workflows.upsell.suppression).toBeUndefined();
    expect(edit({ path: ["workflows", "nope"], op: "remove" })).toBe(FILE);
    // A list emptied by removals is `steps:` with nothing after it; appending fills it again.
    const refilled = edit({ path: ["workflows", "upsell", "steps", 1], op: "remove" }, { path: ["workflows", "upsell", "steps", 0], op: "remove" },
      { path: ["workflows", "upsell", "steps"], op: "append", value: { type: "exit" } });
    expect(parse(refilled).workflows.upsell.steps).toEqual([{ type: "exit" }]);
  });

  it("adds a resource kind the file does not have yet, and refuses a path through a scalar", () => {
    const out = edit({ path: ["frequency_caps", "sms_weekly"], op: "set", value: { max: 2, period: "7d", channels: ["sms"] } });
    expect(parse(out).frequency_caps).toEqual({ sms_weekly: { max: 2, period: "7d", channels: ["sms"] } });
    expect(out.startsWith(FILE)).toBe(true);
    expect(editYaml(FILE, [{ path: ["workflows", "upsell", "status", "x"], op: "set", value: 1 }])).toEqual({ error: expect.stringMatching(/not a mapping/) });
  });
});
