import { execFileSync } from "node:child_process";
import { readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { analyze } from "../../../src/analysis";
import { routes } from "../../../src/analysis/steps";
import { checkStack } from "../../../src/cli/check";
import { outputProblem } from "../../../src/cli/output";
import { hasErrors, type Diagnostic } from "../../../src/diagnostics";
import type { Step } from "../../../src/model";
import { renderDiagnostics } from "../../../src/report/diagnostics";
import { loadStack } from "../../../src/stack";
import { LIMITS } from "../../../src/stack/limits";
import { loadCustomRules } from "../../../src/stack/policy";
import { tempDir } from "../../helpers/files";
import { stackOf } from "../analysis/helpers";

/**
 * Bad input, one case per test: each gives located diagnostics (or loads),
 * never an exception, a hang or a silently missing resource (issue 17).
 */
const ROOT = resolve(import.meta.dirname, "../../..");
const QUICKSTART = readFileSync(join(ROOT, "examples/quickstart/mops.yaml"), "utf8");

const stackDir = (files: Record<string, string>) => tempDir(files, "mops-bad-");

const load = (path: string) => loadStack(path, { env: {} });
const codes = (ds: readonly Diagnostic[]) => ds.map((d) => d.code);
const at = (d: Diagnostic | undefined) => (d?.range ? `${d.range.line}:${d.range.col}` : undefined);
const render = (ds: readonly Diagnostic[]) => renderDiagnostics(ds, { source: (f) => readFileSync(f, "utf8") });

describe("YAML aliases and merge keys", () => {
  it("an alias to an undefined anchor is MOPS008 at the alias, with a hint", async () => {
    const r = await load(stackDir({ "s.yaml": "stack: shop\nteams:\n  t:\n    description: *nowhere\n" }));
    expect(codes(r.diagnostics)).toEqual(["MOPS008"]);
    expect(at(r.diagnostics[0])).toBe("4:18");
    expect(r.diagnostics[0]!.hint).toContain("&nowhere");
  });

  it("an alias before its anchor says where the anchor is", async () => {
    const r = await load(stackDir({ "s.yaml": "stack: shop\nteams:\n  a: { description: *d }\n  b: { description: &d hi }\n" }));
    expect(codes(r.diagnostics)).toEqual(["MOPS008"]);
    expect(r.diagnostics[0]!.hint).toMatch(/set later, at line 4/);
  });

  it("a merge key of an undefined anchor is MOPS008 at the alias", async () => {
    const r = await load(stackDir({ "s.yaml": "stack: shop\nteams:\n  t:\n    <<: *nothing_here\n    description: x\n" }));
    expect(codes(r.diagnostics)).toEqual(["MOPS008"]);
    expect(at(r.diagnostics[0])).toBe("4:9");
  });

  it("a merge key of a list is MOPS008 at the alias", async () => {
    const r = await load(stackDir({ "s.yaml": "stack: shop\nx-l: &l [a, b]\nteams:\n  t:\n    <<: *l\n" }));
    expect(codes(r.diagnostics)).toEqual(["MOPS008"]);
    expect(at(r.diagnostics[0])).toBe("5:9");
    expect(r.diagnostics[0]!.message).toBe("`<<` merges mappings, but `*l` names a list of other things");
  });

  it("an alias blow-up (billion laughs) under x- keys stops at the alias that crosses the limit", async () => {
    let text = 'stack: shop\nx-a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n';
    for (let k = 1; k < 9; k++) text += `x-${"abcdefghi"[k]}: &${"abcdefghi"[k]} [${Array(9).fill(`*${"abcdefghi"[k - 1]}`).join(", ")}]\n`;
    const r = await load(stackDir({ "s.yaml": text }));
    expect(codes(r.diagnostics)).toEqual(["MOPS008"]);
    expect(r.diagnostics[0]!.message).toMatch(/more than 100,000 values/);
    expect(r.diagnostics[0]!.range!.line).toBe(7);
  });

  it("an alias inside the value it names is MOPS008, not an endless value", async () => {
    const r = await load(stackDir({ "s.yaml": "stack: shop\nx-a: &a [1, *a]\n" }));
    expect(codes(r.diagnostics)).toEqual(["MOPS008"]);
    expect(at(r.diagnostics[0])).toBe("2:13");
  });

  it("one anchor merged 2,000 times loads (the yaml package's alias heuristic refused it)", async () => {
    const teams = Array.from({ length: 2000 }, (_, i) => `  t${i}: { <<: *team }`).join("\n");
    const r = await load(stackDir({ "s.yaml": `stack: shop\nx-team: &team { description: Lifecycle }\nteams:\n${teams}\n` }));
    expect(r.diagnostics).toEqual([]);
    expect(r.value!.stack.resources).toHaveLength(2000);
  });
});

describe("null and extreme values", () => {
  it("an empty default_environment is a schema error at its line, not a crash", async () => {
    const r = await load(stackDir({ "s.yaml": "stack: shop\ndefault_environment:\n" }));
    expect(codes(r.diagnostics)).toEqual(["MOPS101"]);
    expect(r.diagnostics[0]!.range!.line).toBe(2);
    expect(r.diagnostics[0]!.message).toContain("got nothing");
  });

  it("any field of the quickstart left empty or null gives located diagnostics, never an exception", async () => {
    const lines = QUICKSTART.split("\n");
    const keyed = lines.map((l, i) => ({ l, i })).filter(({ l }) => /^\s*(- )?[a-z_]+:/.test(l));
    expect(keyed.length).toBeGreaterThan(100);
    const dir = stackDir({});
    for (const { l, i } of keyed) {
      // The key's value goes, and with it every line nested under it.
      const indent = /^\s*(- )?/.exec(l)![0].length;
      let end = i + 1;
      while (end < lines.length && (lines[end]!.trim() === "" || /^\s*/.exec(lines[end]!)![0].length > indent)) end++;
      for (const empty of ["", " null"]) {
        const text = [...lines.slice(0, i), l.replace(/:.*$/, `:${empty}`), ...lines.slice(end)].join("\n");
        writeFileSync(join(dir, "mops.yaml"), text);
        const r = await checkStack(dir, { env: {} });
        for (const d of r.diagnostics.filter((x) => x.severity === "error")) expect(d.range, `${l.trim()} -> ${d.code} ${d.message}`).toBeDefined();
      }
    }
  }, 300_000);

  it("10,000 nested levels are MOPS006 where the nesting passes the limit", async () => {
    const r = await load(stackDir({ "s.yaml": `stack: shop\nx-deep: ${"[".repeat(10_000)}${"]".repeat(10_000)}\n` }));
    expect(codes(r.diagnostics)).toEqual(["MOPS006"]);
    expect(r.diagnostics[0]!.message).toBe(`mappings and lists nest deeper than ${LIMITS.depth} levels here`);
    // The top-level mapping is level 1, so the 101st level is the 100th bracket.
    expect(at(r.diagnostics[0])).toBe(`2:${"x-deep: ".length + LIMITS.depth}`);
    const block = Array.from({ length: 150 }, (_, i) => `${" ".repeat(i + 2)}a:`).join("\n");
    const b = await load(stackDir({ "s.yaml": `stack: shop\nx-deep:\n${block}\n` }));
    expect(codes(b.diagnostics)).toEqual(["MOPS006"]);
    // Line 1 holds the top-level mapping, line 3 the second level: level 101 is on line 102.
    expect(b.diagnostics[0]!.range!.line).toBe(LIMITS.depth + 2);
  });

  it("a workflow with 10,000 steps is MOPS006 at its steps; one with the limit's 1,000 validates", async () => {
    const steps = (n: number) =>
      Array.from({ length: n }, (_, i) => (i % 2 ? "      - { type: wait, duration: 1d }" : "      - { type: send, channel: email, template: welcome_email, subscription_type: newsletter }")).join("\n");
    const workflow = (n: number) =>
      `${QUICKSTART}  big:\n    status: active\n    owner: lifecycle\n    purpose: A long one.\n    trigger: { type: segment_entry, segment: vip }\n    entry_filter: { consent: newsletter }\n    steps:\n${steps(n)}\n`;
    const over = await load(stackDir({ "mops.yaml": workflow(10_000) }));
    expect(codes(over.diagnostics)).toEqual(["MOPS006"]);
    expect(over.diagnostics[0]!.message).toBe("workflow `big` has 10,000 steps; a workflow may have at most 1,000");
    expect(over.diagnostics[0]!.range!.line).toBe(QUICKSTART.split("\n").length + 6);
    const limit = await checkStack(stackDir({ "mops.yaml": workflow(LIMITS.steps) }), { env: {} });
    expect(limit.value).toBeDefined();
    expect(codes(limit.diagnostics)).not.toContain("MOPS006");
  }, 120_000);

  it("the journey walkers take 10,000 steps without recursion (the loader's limit is not their only guard)", () => {
    const steps: Step[] = Array.from({ length: 10_000 }, (_, i) =>
      i % 3 === 2
        ? { type: "branch", condition: { property: "ltv", op: "gt", value: 5 }, then: [{ type: "wait", duration: "1h" }] }
        : i % 3 ? { type: "wait", duration: "1d" } : { type: "send", channel: "email", template: "t", transactional: true },
    ) as Step[];
    expect(routes(steps, 4)).toHaveLength(4);
    const stack = stackOf([{ kind: "workflow", name: "w", spec: { status: "active", owner: "x", purpose: "y", trigger: { type: "manual" }, steps } }]);
    expect(() => analyze(stack)).not.toThrow();
  });

  it("a BigInt, a function, a symbol, a Date, NaN, Infinity, a cycle, a class instance and a hole in a TypeScript stack are MOPS101 at their declarations", async () => {
    const r = await load(join(ROOT, "test/fixtures/bad-input/ts/values.ts"));
    expect(r.value).toBeUndefined();
    expect(r.diagnostics.map((d) => `${d.code} ${d.range!.line} ${d.message.split(":")[0]}`)).toEqual([
      "MOPS101 15 `conditions.value` is a BigInt (10n)",
      "MOPS101 16 `description` is a function",
      "MOPS101 17 `description` is a symbol",
      "MOPS101 18 `description` is a Date",
      "MOPS101 19 `conditions.value` is NaN",
      "MOPS101 20 `conditions.value` is Infinity",
      "MOPS101 21 `self` is a reference back to an object that holds it (a cycle)",
      "MOPS101 22 `description` is a Tier",
      "MOPS101 23 `conditions.all[1]` is undefined",
    ]);
  }, 60_000);

  it(".nan, .inf and value-changing tags in YAML are MOPS101 at the value", async () => {
    const lines = ["stack: shop", "properties:", "  a: { type: number, fallback: .nan }", "  b: { type: string, label: !!binary aGk= }"];
    const r = await load(stackDir({ "s.yaml": `${lines.join("\n")}\n` }));
    expect(r.diagnostics.map((d) => `${d.code} ${at(d)}`)).toEqual([`MOPS101 3:${lines[2]!.indexOf(".nan") + 1}`, `MOPS101 4:${lines[3]!.indexOf("aGk=") + 1}`]);
  });

  it("a second YAML document in a stack file is MOPS002 at its marker", async () => {
    const r = await load(stackDir({ "s.yaml": "stack: shop\n---\nteams: {}\n" }));
    expect(codes(r.diagnostics)).toEqual(["MOPS002"]);
    expect(at(r.diagnostics[0])).toBe("2:1");
  });
});

describe("pathological sizes", () => {
  const values = (n: number, item: (i: number) => string) => Array.from({ length: n }, (_, i) => `      - ${item(i)}`).join("\n");

  it("an enum of 100,000 values in block style loads", async () => {
    const r = await load(stackDir({ "s.yaml": `stack: shop\nproperties:\n  tier:\n    type: enum\n    values:\n${values(100_000, (i) => `v${i}`)}\n` }));
    expect(r.diagnostics).toEqual([]);
    expect((r.value!.stack.resources[0]!.spec as { values: string[] }).values).toHaveLength(100_000);
  }, 120_000);

  it("100,000 wrong enum values: ten diagnostics shown, the rest counted", async () => {
    const r = await load(stackDir({ "s.yaml": `stack: shop\nproperties:\n  tier:\n    type: enum\n    values:\n${values(100_000, (i) => String(i))}\n` }));
    expect(r.diagnostics).toHaveLength(100_000);
    const text = render(r.diagnostics);
    expect(text).toContain("… and 99,990 more like this (error MOPS101 in");
    expect(text).toMatch(/\n100,000 errors\n$/);
    expect(text.length).toBeLessThan(5_000);
  }, 120_000);

  it.each([1_000, 10_000, 100_000])("%i undeclared references on one line: a bounded report, excerpts cut around the column", async (n) => {
    const refs = Array.from({ length: n }, (_, i) => `{ in_segment: nope${i} }`).join(", ");
    const r = await load(stackDir({ "s.yaml": `stack: shop\nsegments:\n  s:\n    type: dynamic\n    conditions: { all: [${refs}] }\n` }));
    expect(r.diagnostics).toHaveLength(n);
    expect(new Set(codes(r.diagnostics))).toEqual(new Set(["MOPS201"]));
    const text = render(r.diagnostics);
    expect(text).toContain(`… and ${(n - 10).toLocaleString("en-US")} more like this (error MOPS201 in`);
    expect(text.length).toBeLessThan(5_000);
    for (const line of text.split("\n")) expect(line.length).toBeLessThan(120);
    // The tenth is shown at its column, in a window of the line.
    expect(text).toMatch(/\n5 \| …[^\n]*\{ in_segment: nope9 \}/);
  }, 120_000);

  it("a file over the size limit is MOPS006 naming it, before it is read", async () => {
    const dir = stackDir({ "a.yaml": "stack: shop\n", "big.yaml": `# ${"x".repeat(LIMITS.fileBytes)}\n` });
    const r = await load(dir);
    expect(codes(r.diagnostics)).toEqual(["MOPS006"]);
    expect(r.diagnostics[0]!.message).toMatch(/^`.*big\.yaml` is 8 MB; a stack file may be at most 8 MB$/);
  });

  it("a stack over the resource limit is MOPS006 at the first resource past it", async () => {
    const teams = Array.from({ length: LIMITS.resources + 1 }, (_, i) => `  t${i}: {}`).join("\n");
    const r = await load(stackDir({ "s.yaml": `stack: shop\nteams:\n${teams}\n` }));
    expect(codes(r.diagnostics)).toEqual(["MOPS006"]);
    expect(r.diagnostics[0]!.range!.line).toBe(3 + LIMITS.resources);
  }, 120_000);
});

describe("lost content", () => {
  const text = "# a comment first\nstack: shop\nteams:\n  lifecycle: { description: Lifecycle }\n  growth: { descripton: Growth }\n";

  it.each([["CR", "\r"], ["CR LF", "\r\n"]])("%s line breaks: every line is read, at the same line and column", async (_name, nl) => {
    const lf = await load(stackDir({ "s.yaml": text }));
    const other = await load(stackDir({ "s.yaml": text.replace(/\n/g, nl) }));
    expect(codes(other.diagnostics)).toEqual(["MOPS104"]);
    expect(at(other.diagnostics[0])).toBe(at(lf.diagnostics[0]));
    expect(at(other.diagnostics[0])).toBe("5:13");
    expect(render(other.diagnostics)).toContain("5 |   growth: { descripton: Growth }");
  });

  it("a file that yields nothing is a warning, and the rest of the stack loads", async () => {
    const r = await load(stackDir({ "a.yaml": "stack: shop\nteams:\n  t: {}\n", "b.yaml": "# teams:\n#   u: {}\n", "c.yaml": "x-defaults: &d { status: draft }\n" }));
    expect(r.diagnostics.map((d) => `${d.severity} ${d.code} ${d.range!.file.split("/").pop()}`)).toEqual(["warning MOPS005 b.yaml", "warning MOPS005 c.yaml"]);
    expect(r.value!.stack.resources).toHaveLength(1);
  });
});

describe("the file system", () => {
  it("a symbolic link loop as the stack path is one error naming it", async () => {
    const dir = stackDir({});
    symlinkSync("loop.yaml", join(dir, "loop.yaml"));
    const r = await load(join(dir, "loop.yaml"));
    expect(r.diagnostics.map((d) => [d.code, d.message])).toEqual([["MOPS007", `\`${join(dir, "loop.yaml")}\` is a symbolic link that leads back to itself`]]);
  });

  it("a dangling link names where it points", async () => {
    const dir = stackDir({});
    symlinkSync("gone.yaml", join(dir, "stack.yaml"));
    const r = await load(join(dir, "stack.yaml"));
    expect(codes(r.diagnostics)).toEqual(["MOPS007"]);
    expect(r.diagnostics[0]!.message).toContain("is a symbolic link to `gone.yaml`, which does not exist");
  });

  it("/dev/null and a pipe (what a process substitution is) are refused without reading", async () => {
    expect((await load("/dev/null")).diagnostics.map((d) => d.message)).toEqual(["`/dev/null` is a device, not a stack file or directory"]);
    const dir = stackDir({});
    execFileSync("mkfifo", [join(dir, "fifo")]);
    expect((await load(join(dir, "fifo"))).diagnostics[0]!.message).toContain("is a pipe");
  });

  it("in a directory stack, a FIFO, a dangling link or a link loop named like a stack file is an error, a directory link loop is followed once", async () => {
    const dir = stackDir({ "mops.yaml": "stack: shop\n" });
    execFileSync("mkfifo", [join(dir, "extra.yaml")]);
    symlinkSync("nowhere.yaml", join(dir, "gone.yaml"));
    symlinkSync(".", join(dir, "again"));
    const r = await load(dir);
    expect(r.diagnostics.map((d) => `${d.code} ${d.message.replace(dir, "")}`)).toEqual([
      "MOPS007 `/extra.yaml` is a pipe (a FIFO or a process substitution), not a file",
      "MOPS007 `/gone.yaml` is a symbolic link to `nowhere.yaml`, which does not exist",
    ]);
  });

  it("an output file in a missing folder or onto a directory is refused before any work, naming the path", () => {
    const dir = stackDir({});
    expect(outputProblem(join(dir, "nope", "plan.json"))!.message).toBe(`cannot write \`${join(dir, "nope", "plan.json")}\`: the folder ${join(dir, "nope")} does not exist`);
    expect(outputProblem(dir)!.message).toBe(`\`${dir}\` is a directory`);
    expect(outputProblem(join(dir, "plan.json"))).toBeUndefined();
  });
});

describe("custom policy rules run bounded", () => {
  it("a rule that loops, ends the process or throws is a diagnostic; the others still give their findings", async () => {
    const dir = stackDir({
      "a-throws.ts": "export default () => {\n  throw new Error(\"no\");\n};\n",
      "b-exits.ts": "export default () => process.exit(3);\n",
      "c-fine.ts": 'export default { code: "custom/fine", check: () => [{ code: "", severity: "warning", message: "fine" }] };\n',
    });
    execFileSync("mkfifo", [join(dir, "d-pipe.ts")]);
    // None of these runs long: a generous bound costs nothing, and a loaded machine cannot trip it.
    const rules = await loadCustomRules(dir, { tsTimeoutMs: 60_000 });
    expect(rules.diagnostics.map((d) => `${d.code} ${d.message.replace(dir, "")}`)).toEqual(["policy/bad-custom-rule /d-pipe.ts is a pipe (a FIFO or a process substitution), not a file"]);
    const found = analyze(stackOf([]), { customRules: rules.value }).filter((d) => d.code.startsWith("custom/") || d.code.startsWith("policy/"));
    expect(found.map((d) => `${d.code} ${d.message} ${d.range ? `${d.range.file.split("/").pop()}:${d.range.line}` : ""}`)).toEqual([
      "policy/custom-rule-failed custom rule custom/a-throws threw: no a-throws.ts:2",
      "policy/custom-rule-failed a custom rule called process.exit(3) b-exits.ts:1",
      "policy/custom-rule-failed custom rule custom/fine was not run: custom rule custom/b-exits ended its worker c-fine.ts:1",
    ]);
    const loop = await loadCustomRules(stackDir({ "loop.ts": "export default () => { for (;;) {} };\n" }), { tsTimeoutMs: 1_000 });
    const stopped = analyze(stackOf([]), { customRules: loop.value }).filter((d) => d.code.startsWith("policy/"));
    // On a loaded machine the second may already pass while the file loads: stopped then, in the same words.
    const all = [...loop.diagnostics, ...stopped];
    expect(all.map((d) => d.message)).toEqual([expect.stringMatching(/^(the )?custom rule (custom\/loop|loop\.ts) did not finish within 1 s$/)]);
    expect(hasErrors(all)).toBe(true);
  }, 120_000);
});
