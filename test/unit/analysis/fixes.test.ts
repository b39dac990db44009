import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Diagnostic } from "../../../src/diagnostics";
import { applyFixes } from "../../../src/stack/fix";
import { caseDirs, loadCase, ROOT } from "./corpus";

/**
 * Hints that hold: every fix a finding in the corpus offers is applied to a
 * copy of the case's files, exactly as `mops validate --fix` writes them; the
 * stack must still load, the finding must go, and no warning or error may
 * appear that was not there before.
 */
const scratch = mkdtempSync(join(tmpdir(), "mops-fixes-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const count = (ds: Diagnostic[]) => {
  const m = new Map<string, number>();
  for (const d of ds) if (d.severity !== "info") m.set(`${d.code} ${d.address ?? ""}`, (m.get(`${d.code} ${d.address ?? ""}`) ?? 0) + 1);
  return m;
};

const tried = new Map<string, number>();

describe("fixes in the analysis corpus", () => {
  for (const dir of caseDirs()) {
    const name = relative(ROOT, dir);
    it(name, async () => {
      const { loaded, findings } = await loadCase(join(dir, "bad.yaml"));
      const before = count(findings);
      let n = 0;
      for (const d of findings) {
        for (const fix of d.fixes ?? []) {
          const copy = join(scratch, `${name.replace(/\//g, "__")}-${n++}`);
          cpSync(dir, copy, { recursive: true });
          const applied = applyFixes({ files: [join(copy, "bad.yaml")], sources: relocate(loaded.sources, dir, copy) }, [fix]);
          if ("error" in applied) throw new Error(`${d.code}: ${fix.title}: ${applied.error}`);
          for (const f of applied.files) writeFileSync(f.file, f.text);
          const after = await loadCase(join(copy, "bad.yaml"));
          const key = `${d.code} ${d.address ?? ""}`;
          const was = d.severity === "info" ? findings.filter((x) => x.code === d.code && x.address === d.address).length : before.get(key)!;
          const now = after.findings.filter((x) => x.code === d.code && x.address === d.address).length;
          expect(now, `${d.code} at ${d.address} goes away after "${fix.title}"`).toBeLessThan(was);
          const grown = [...count(after.findings)].filter(([k, v]) => v > (before.get(k) ?? 0)).map(([k]) => k);
          expect(grown, `"${fix.title}" raises no new warning`).toEqual([]);
          tried.set(d.code, (tried.get(d.code) ?? 0) + 1);
        }
      }
    });
  }

  it("covers every rule whose hint proposes a concrete edit", () => {
    expect([...tried.keys()].sort()).toEqual(expect.arrayContaining([
      "cap/exceeded", "cap/uncovered-send", "conflict/overlapping-workflows", "consent/audience-not-filtered", "consent/missing-subscription",
      "event/unknown-event", "event/unknown-property", "event/wrong-type", "governance/unknown-owner", "governance/unused-segment",
      "governance/unused-template", "journey/branch-without-end", "journey/unbounded-wait", "journey/unreachable-step",
      "journey/loop-without-wait", "merge/bad-syntax", "merge/unknown-filter", "merge/unknown-property", "rollout/unsafe-activation",
      "requirement/no-cross-sell-of-recent-purchase", "requirement/no-upsell-after-complaint", "requirement/recovery-stops-at-purchase",
    ]));
  });
});

/** The loaded stack's source index, for the same files under another directory. */
function relocate(sources: Parameters<typeof applyFixes>[0]["sources"], from: string, to: string): Parameters<typeof applyFixes>[0]["sources"] {
  return {
    rangeOf: (address, path) => {
      const r = sources.rangeOf(address, path);
      return r && { ...r, file: r.file.replace(from, to) };
    },
    text: (file) => sources.text(file.replace(to, from)),
  };
}
