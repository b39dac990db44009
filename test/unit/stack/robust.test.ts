import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { assemble } from "../../../src/stack/assemble";
import type { Locator } from "../../../src/stack/locator";
import { checkReferences } from "../../../src/stack/references";
import { schemaIssues } from "../../../src/stack/schema-check";

const here: Locator = { file: "/s.yaml", locate: () => ({ file: "/s.yaml", line: 1, col: 1 }) };

const BASE = {
  stack: "shop",
  properties: { tier: { type: "enum", values: ["a", "b"] } },
  templates: { hello: { channel: "email", body: "Hi" } },
  segments: { vip: { type: "dynamic", conditions: { all: [{ property: "tier", op: "eq", value: "b" }, { in_segment: "vip2" }] } }, vip2: { type: "static" } },
  workflows: {
    w: {
      status: "active",
      trigger: { type: "segment_entry", segment: "vip" },
      steps: [
        { id: "s1", type: "send", channel: "email", template: "hello", transactional: true },
        { type: "branch", condition: { engagement: { step: "s1", action: "opened" } }, then: [{ type: "wait", duration: "1d" }], else: [{ type: "exit" }] },
        { type: "split", paths: [{ percent: 50, steps: [] }, { percent: 50, steps: [{ type: "add_to_segment", segment: "vip2" }] }] },
      ],
    },
  },
};

/** Every path into BASE, so a mutation can land anywhere, however deep. */
function paths(v: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (!v || typeof v !== "object") return [prefix];
  const entries = Array.isArray(v) ? v.map((x, i) => [i, x] as const) : Object.entries(v);
  return [prefix, ...entries.flatMap(([k, x]) => paths(x, [...prefix, k]))];
}
const ALL = paths(BASE).filter((p) => p.length > 0);

function setAt(root: unknown, path: (string | number)[], value: unknown): unknown {
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let cur = copy;
  for (const k of path.slice(0, -1)) cur = cur[k] as Record<string | number, unknown>;
  cur[path[path.length - 1]] = value;
  return copy;
}

const json = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: "small" },
    fc.constantFrom("", "vip", "email", "3d", "wait", "send", "all", null, true, 0, 150, -1, 1.5),
    fc.string({ maxLength: 6 }),
    fc.array(tie("v"), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom("type", "all", "property", "op", "value", "steps", "x", "in_segment", "event"), tie("v"), { maxKeys: 3 }),
  ),
})).v;

describe("robustness", () => {
  it("any value anywhere gives issues or a model, never an exception", () => {
    fc.assert(
      fc.property(fc.constantFrom(...ALL), json, (path, value) => {
        const data = setAt(BASE, path, value) as Record<string, unknown>;
        const issues = schemaIssues(data);
        for (const i of issues) {
          expect(i.code).toMatch(/^MOPS1\d\d$/);
          expect(i.message).not.toBe("");
        }
        if (issues.length > 0) return;
        const a = assemble([{ file: "/s.yaml", value: data, locator: here }], new Map());
        if (a.stack) checkReferences(a.stack, a.sources);
      }),
      { numRuns: 300, seed: 42 },
    );
  });
});
