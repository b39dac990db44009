import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { discover } from "../../../src/stack/discover";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import fc from "fast-check";
import { parseDocument } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { mops } from "../../helpers/cli";
import { analyzeLoaded, type StackPolicy } from "../../../src/cli/check";
import { hasErrors, type Diagnostic } from "../../../src/diagnostics";
import { KIND_KEYS } from "../../../src/model";
import { renderDiagnostics } from "../../../src/report/diagnostics";
import { loadEnvironments } from "../../../src/stack";
import { loadStackPolicy } from "../../../src/stack/policy";

/**
 * The demo stacks, damaged the ways a fuzzer (or a tired author) damages
 * them. Whatever the damage, validation ends with diagnostics or a model,
 * never an exception; each error says where; damage with a place is reported
 * at it; and a resource never disappears without a word.
 */
const ROOT = resolve(import.meta.dirname, "../../..");
const STACKS = ["examples/quickstart", "stacks/northwind-outfitters", "stacks/northwind-b2b"];
const STACK_TRACE = /^\s+at .+:\d+:\d+\)?$/m;
const KIND_KEY_SET = new Set<string>(Object.values(KIND_KEYS));

interface Mutant {
  text: string;
  /** The damaged line (1-based), when the damage has a place and must be reported there. */
  line?: number;
  /** Codes one of which the damage must produce. */
  codes?: string[];
}

type Op = (text: string, n: number) => Mutant;

const lines = (t: string) => t.split("\n");
/** Lines `key: value` with a plain scalar value (no list item, no flow collection). */
const scalarLines = (t: string) =>
  lines(t)
    .map((l, i) => ({ l, i, m: /^(\s*(?:- )?)([A-Za-z_][\w-]*):\s+([^\s{[#&*!|>][^#]*?)\s*(#.*)?$/.exec(l) }))
    .filter((x) => x.m);
const pick = <T>(xs: T[], n: number): T | undefined => (xs.length ? xs[n % xs.length] : undefined);
const setLine = (t: string, i: number, l: string) => lines(t).map((x, k) => (k === i ? l : x)).join("\n");

/** Replace the value of one `key: value` line. */
const value = (make: (n: number) => string, codes?: string[], placed = true): Op => (t, n) => {
  const x = pick(scalarLines(t), n);
  if (!x) return { text: t };
  return { text: setLine(t, x.i, `${x.m![1]}${x.m![2]}: ${make(n)}`), ...(placed ? { line: x.i + 1 } : {}), ...(codes ? { codes } : {}) };
};

const OPS: Record<string, Op> = {
  "alias to no anchor": value((n) => `*nowhere_${n % 7}`, ["MOPS008"]),
  "merge of no anchor": (t, n) => {
    const ls = lines(t);
    const at = ls.map((l, i) => i).filter((i) => /^\s*[a-z_]+:\s*$/.test(ls[i]!) && /^\s+[a-z_]+:/.test(ls[i + 1] ?? "") && indent(ls[i + 1]!) > indent(ls[i]!));
    const i = pick(at, n);
    if (i === undefined) return { text: t };
    ls.splice(i + 1, 0, `${" ".repeat(indent(ls[i + 1]!))}<<: *nothing_here`);
    return { text: ls.join("\n"), line: i + 2, codes: ["MOPS008"] };
  },
  "alias bomb under x- keys": (t) => {
    let bomb = 'x-a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n';
    for (let k = 1; k < 9; k++) bomb += `x-${"abcdefghij"[k]}: &${"abcdefghij"[k]} [${Array(9).fill(`*${"abcdefghij"[k - 1]}`).join(", ")}]\n`;
    return { text: `${t}\n${bomb}`, codes: ["MOPS008"] };
  },
  "empty value": value(() => ""),
  "null value": value(() => "null"),
  "deep nesting": value(() => `${"[".repeat(150)}${"]".repeat(150)}`, ["MOPS006"]),
  "CR line breaks": (t) => ({ text: t.replace(/\n/g, "\r") }),
  "CR LF line breaks": (t) => ({ text: t.replace(/\n/g, "\r\n") }),
  "truncated": (t, n) => ({ text: t.slice(0, n % Math.max(1, t.length)) }),
  "line deleted": (t, n) => ({ text: lines(t).filter((_, i) => i !== n % lines(t).length).join("\n") }),
  "line duplicated": (t, n) => {
    const ls = lines(t), i = n % ls.length;
    ls.splice(i, 0, ls[i]!);
    return { text: ls.join("\n") };
  },
  "lines swapped": (t, n) => {
    const ls = lines(t), i = n % Math.max(1, ls.length - 1);
    [ls[i], ls[i + 1]] = [ls[i + 1] ?? "", ls[i]!];
    return { text: ls.join("\n") };
  },
  "indent changed": (t, n) => {
    const ls = lines(t), i = n % ls.length;
    ls[i] = n % 2 ? ` ${ls[i]}` : ls[i]!.replace(/^ {1,2}/, "");
    return { text: ls.join("\n") };
  },
  "tab indent": (t, n) => {
    const ls = lines(t), at = ls.map((l, i) => i).filter((i) => /^ +\S/.test(ls[i]!)), i = pick(at, n);
    if (i === undefined) return { text: t };
    ls[i] = ls[i]!.replace(/^ +/, "\t");
    return { text: ls.join("\n") };
  },
  "stray character": (t, n) => {
    const at = n % Math.max(1, t.length), c = "[]{}:,&*!|>'\"#%@`-?"[n % 19]!;
    return { text: t.slice(0, at) + c + t.slice(at) };
  },
  "emptied": (_t, n) => ({ text: n % 2 ? "" : "# nothing here any more\n" }),
  "commented out": (t) => ({ text: lines(t).map((l) => `# ${l}`).join("\n") }),
  "resource renamed": (t, n) => {
    const ls = lines(t), at = ls.map((l, i) => i).filter((i) => /^ {2}[a-z][a-z0-9_]*:/.test(ls[i]!));
    const i = pick(at, n);
    if (i === undefined) return { text: t };
    ls[i] = ls[i]!.replace(/^( {2}[a-z][a-z0-9_]*)/, "$1_renamed");
    return { text: ls.join("\n") };
  },
  "list for a value": value(() => "[1, 2, three]"),
  "mapping for a value": value(() => "{ a: 1, b: [x] }"),
  "huge text": value(() => `"${"x".repeat(20_000)}"`),
  "special number": value((n) => [".nan", ".inf", "-.inf", "1e400", "0x1F", "99999999999999999999", "-1", "1.5"][n % 8]!),
  "YAML tag": value((n) => ["!!binary aGVsbG8=", "!!timestamp 2001-12-14", "!!set { a, b }", "!!str 5", "!unknown x"][n % 5]!),
  "key repeated": (t, n) => {
    const x = pick(scalarLines(t).filter((y) => !y.m![1]!.includes("-")), n);
    if (!x) return { text: t };
    const ls = lines(t);
    ls.splice(x.i + 1, 0, ls[x.i]!);
    return { text: ls.join("\n"), line: x.i + 2, codes: ["MOPS110"] };
  },
  "second document": (t, n) => {
    const ls = lines(t), i = 1 + (n % Math.max(1, ls.length - 1));
    if (!/^[a-z]/.test(ls[i] ?? "")) return { text: t };
    ls.splice(i, 0, "---");
    return { text: ls.join("\n"), line: i + 1, codes: ["MOPS002"] };
  },
};

const indent = (l: string) => /^ */.exec(l)![0].length;

/** Resources declared in the YAML texts, read independently of the loader; undefined when a file does not parse. */
function declaredCount(texts: string[]): number | undefined {
  let n = 0;
  for (const t of texts) {
    let doc: unknown;
    try {
      const d = parseDocument(t.replace(/\r\n?/g, "\n"), { merge: true, uniqueKeys: false });
      if (d.errors.length > 0) return undefined;
      doc = d.toJS();
    } catch {
      return undefined;
    }
    if (!doc || typeof doc !== "object" || Array.isArray(doc)) continue;
    for (const [k, v] of Object.entries(doc)) if (KIND_KEY_SET.has(k) && v && typeof v === "object" && !Array.isArray(v)) n += Object.keys(v).length;
  }
  return n;
}

/** The stack's own files, as the loader finds them (not its policy or population file). */
function yamlFiles(dir: string): string[] {
  const found = discover(dir);
  if ("code" in found) throw new Error(found.message);
  return [...found.files].sort();
}

interface Copy {
  dir: string;
  files: string[];
  originals: Map<string, string>;
  policy: StackPolicy;
}
const copies = new Map<string, Copy>();

beforeAll(async () => {
  for (const s of STACKS) {
    const dir = mkdtempSync(join(tmpdir(), "mops-mutant-"));
    cpSync(join(ROOT, s), dir, { recursive: true });
    const files = yamlFiles(dir);
    const first = await loadEnvironments(dir, { env: {} });
    // The policy and custom rules are loaded once per stack: the damage is to stack files.
    copies.set(s, { dir, files, originals: new Map(files.map((f) => [f, readFileSync(f, "utf8")])), policy: await loadStackPolicy(first.value![0]!) });
  }
}, 120_000);

/** `mops validate` in this process: every environment loaded, then the marketing checks under the stack's policy. */
async function validate(c: Copy): Promise<{ diagnostics: Diagnostic[]; resources?: number }> {
  const r = await loadEnvironments(c.dir, { env: {} });
  if (!r.value) return { diagnostics: r.diagnostics };
  const findings = (await Promise.all(r.value.map((l) => analyzeLoaded(l, undefined, c.policy)))).flat();
  return { diagnostics: [...r.diagnostics, ...findings], resources: r.value[0]!.stack.resources.length };
}

const mutantArb = fc.record({
  stack: fc.constantFrom(...STACKS),
  file: fc.nat(),
  op: fc.constantFrom(...Object.keys(OPS)),
  n: fc.nat({ max: 100_000 }),
});

function damage(c: Copy, m: { file: number; op: string; n: number }): { file: string; mutant: Mutant } {
  const file = c.files[m.file % c.files.length]!;
  const mutant = OPS[m.op]!(c.originals.get(file)!, m.n);
  writeFileSync(file, mutant.text);
  return { file, mutant };
}

const restore = (c: Copy, file: string) => writeFileSync(file, c.originals.get(file)!);

describe("damaged demo stacks", () => {
  it("give diagnostics at the damage or a complete model, never an exception or a lost resource", async () => {
    await fc.assert(
      fc.asyncProperty(mutantArb, async (m) => {
        // Validation is synchronous work behind a promise: give the test runner's messages a turn between mutants.
        await new Promise((r) => setImmediate(r));
        const c = copies.get(m.stack)!;
        const { file, mutant } = damage(c, m);
        try {
          const r = await validate(c);
          for (const d of r.diagnostics) {
            expect(d.message, d.code).toBeTruthy();
            expect(`${d.message}\n${d.hint ?? ""}`).not.toMatch(STACK_TRACE);
            // Every error says where: the file, line and column.
            if (d.severity === "error") expect(d.range, `${d.code} ${d.message}`).toMatchObject({ file: expect.any(String), line: expect.any(Number), col: expect.any(Number) });
          }
          if (mutant.codes) {
            const hit = r.diagnostics.filter((d) => mutant.codes!.includes(d.code));
            expect(hit.map((d) => d.code), `${m.op} in ${relative(c.dir, file)}`).not.toEqual([]);
            if (mutant.line) expect(hit.map((d) => `${d.range?.file}:${d.range?.line}`)).toContain(`${file}:${mutant.line}`);
          }
          // No resource silently dropped: the model holds every resource the texts declare, or a diagnostic says why not.
          const declared = declaredCount(c.files.map((f) => readFileSync(f, "utf8")));
          if (declared === undefined) expect(hasErrors(r.diagnostics), `${m.op}: unparseable text must be an error`).toBe(true);
          else if (r.resources !== undefined && r.resources !== declared)
            expect(r.diagnostics.some((d) => d.severity !== "info" && d.range?.file === file), `${m.op}: ${declared} declared, ${r.resources} loaded`).toBe(true);
          // The report stays bounded whatever the damage.
          expect(renderDiagnostics(r.diagnostics, { source: (f) => readFileSync(f, "utf8") }).length).toBeLessThan(200_000);
        } finally {
          restore(c, file);
        }
      }),
      { numRuns: 300, seed: 17 },
    );

  }, 300_000);

  it("through the CLI: exit 0 or 1, no internal error, no stack trace, file:line:col on errors, never a hang", async () => {
    // The damage that used to crash or hang the process, on each demo stack.
    const sample = [
      { stack: STACKS[0]!, file: 0, op: "alias bomb under x- keys", n: 0 },
      { stack: STACKS[0]!, file: 0, op: "empty value", n: 2 },
      { stack: STACKS[1]!, file: 3, op: "CR line breaks", n: 0 },
      { stack: STACKS[1]!, file: 5, op: "merge of no anchor", n: 1 },
      { stack: STACKS[2]!, file: 0, op: "deep nesting", n: 7 },
      { stack: STACKS[2]!, file: 0, op: "alias to no anchor", n: 11 },
    ];
    for (const m of sample) {
      const c = copies.get(m.stack)!;
      const { file } = damage(c, m);
      try {
        const r = await mops(["validate", c.dir], { cwd: ROOT, killAfterMs: 120_000 });
        const out = r.stdout + r.stderr;
        expect(r.signal, `${m.op}: killed after the process time limit`).toBeNull();
        expect([0, 1], `${m.op}: exit ${r.code}\n${out}`).toContain(r.code);
        expect(out).not.toContain("internal error");
        expect(out).not.toMatch(STACK_TRACE);
        if (r.code === 1) expect(out).toMatch(/--> .+:\d+:\d+/);
      } finally {
        restore(c, file);
      }
    }
  }, 600_000);
});

