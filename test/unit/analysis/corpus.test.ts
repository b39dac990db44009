import { existsSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { caseDirs, ROOT, runCase } from "./corpus";

/**
 * The analysis corpus: test/analysis-corpus/<category>/<rule>/<case>/ holds
 * bad.yaml (one seeded defect) and good.yaml (its clean twin). bad.yaml's
 * header says what must be found:
 *   #@ expect <code> at "<text>"   the finding starts where <text> first appears below the header
 *                                  (or at its `^`, when it has one)
 *   #@ witness {json}              (optional) the witness contact contains this
 *   #@ severity <level>            (optional)
 * policy.yaml and previous.yaml (the last applied stack) beside them are used when present.
 */
/** `- ^type: send`: the first place the text (without `^`) appears below the header; `^` marks the column. */
function expectedAt(file: string, text: string, marked: string): { line: number; col: number } {
  const headerEnd = text.split("\n").findIndex((l) => !l.startsWith("#"));
  const bodyStart = text.split("\n").slice(0, headerEnd).join("\n").length + 1;
  const caret = Math.max(0, marked.indexOf("^"));
  const token = marked.replace("^", "");
  const found = text.indexOf(token, bodyStart);
  if (found < 0) throw new Error(`${file}: "${token}" not found`);
  const at = found + caret;
  const before = text.slice(0, at);
  return { line: before.split("\n").length, col: at - before.lastIndexOf("\n") };
}

const dirs = caseDirs();

describe("analysis corpus", () => {
  it("has at least 40 cases, each with a clean twin", () => {
    expect(dirs.length).toBeGreaterThanOrEqual(40);
    for (const d of dirs) expect(existsSync(join(d, "good.yaml")), d).toBe(true);
  });

  for (const dir of dirs) {
    const name = relative(ROOT, dir);
    it(name, async () => {
      const badFile = join(dir, "bad.yaml");
      const text = readFileSync(badFile, "utf8");
      const [, code, token] = /^#@ expect (\S+) at (".*")$/m.exec(text)!;
      const witness = /^#@ witness (.*)$/m.exec(text)?.[1];
      const severity = /^#@ severity (\S+)$/m.exec(text)?.[1];

      const bad = (await runCase(badFile)).filter((d) => d.code === code);
      expect(bad, `${name}: exactly one ${code}`).toHaveLength(1);
      const [f] = bad;
      const where = expectedAt(badFile, text, JSON.parse(token));
      expect({ file: f.range?.file, line: f.range?.line, col: f.range?.col }).toEqual({ file: badFile, ...where });
      expect(f.message.length).toBeGreaterThan(10);
      expect(f.hint, "every finding says how to fix it").toBeTruthy();
      if (severity) expect(f.severity).toBe(severity);
      if (witness) expect(f.detail?.witness).toMatchObject(JSON.parse(witness));

      const good = (await runCase(join(dir, "good.yaml"))).filter((d) => d.code === code);
      expect(good, `${name}: the clean twin has no ${code}`).toEqual([]);
    });
  }
});
