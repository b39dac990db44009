import { promises as fs } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { ACTIONS } from "../../../src/model";
import { parseSavedPlan } from "../../../src/plan";
import { LocalBackend } from "../../../src/state/local";
import { firstProblem, LockInfoSchema, StateSchema, VersionSchema } from "../../../src/state/schema";
import { StateError } from "../../../src/state/types";
import type { TSchema } from "@sinclair/typebox";
import { record, resource, versionInput } from "./fixtures";

/**
 * The files Mops reads back (state, journal, lock, a history version, a
 * saved plan), damaged mechanically (issue 17): a key dropped or misspelt, a
 * value replaced by one of the wrong type, the text cut short. Reading one is
 * either a valid value or a StateError (a diagnostic for a plan file) naming
 * the file, never another exception; and nothing is written over a damaged
 * state file.
 */
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every path to a value inside `v` (the root included). */
function paths(v: Json, at: (string | number)[] = []): (string | number)[][] {
  const out = [at];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...paths(x, [...at, i])));
  else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...at, k]));
  return out;
}

const WRONG: Json[] = [null, "oops", -1, 1.5, true, [], {}, "x".repeat(10_000), { lineage: null }];

type Damage = { kind: "drop" | "rename" | "replace"; path: number; value: number } | { kind: "cut"; at: number };

const damage: fc.Arbitrary<Damage> = fc.oneof(
  fc.record({ kind: fc.constantFrom("drop" as const, "rename" as const, "replace" as const), path: fc.nat(), value: fc.nat() }),
  fc.record({ kind: fc.constant("cut" as const), at: fc.nat() }),
);

/** `text` (JSON) with one piece of damage. */
function damaged(text: string, d: Damage): string {
  if (d.kind === "cut") return text.slice(0, d.at % text.length);
  const doc = JSON.parse(text) as Json;
  const all = paths(doc);
  const path = all[d.path % all.length]!;
  if (path.length === 0) return JSON.stringify(WRONG[d.value % WRONG.length]);
  const parent = path.slice(0, -1).reduce<Json>((o, k) => (o as Record<string, Json>)[k as string]!, doc) as Record<string, Json> | Json[];
  const key = path.at(-1)!;
  if (Array.isArray(parent)) {
    if (d.kind === "drop") parent.splice(key as number, 1);
    else parent[key as number] = WRONG[d.value % WRONG.length]!;
  } else if (d.kind === "drop") delete parent[key];
  else if (d.kind === "rename") {
    parent[`${String(key).slice(0, -1)}X`] = parent[key]!;
    delete parent[key];
  } else parent[key] = WRONG[d.value % WRONG.length]!;
  return JSON.stringify(doc);
}

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => fs.rm(d, { recursive: true, force: true }))));

/** A local state directory with two resources in state.json, one in the journal, one version and a lock. */
async function world() {
  const dir = await fs.mkdtemp(join(tmpdir(), "mops-damage-"));
  dirs.push(dir);
  const open = () => new LocalBackend({ dir, stack: "shop", environment: "prod" });
  const b = open();
  await record(b, "segment.a", resource("a"));
  await record(b, "segment.b", resource("b"));
  await b.history.append(versionInput("one"));
  return { dir, open };
}

/**
 * The outcome of `read`: a value of the file's schema (what the engine is
 * promised), or a StateError naming `file`; anything else fails the property.
 */
async function readOrRefuse(read: () => Promise<unknown>, file: string, schema: TSchema): Promise<"read" | "refused"> {
  try {
    const value = await read();
    if (value !== undefined) expect(firstProblem(schema, value), JSON.stringify(value).slice(0, 500)).toBeUndefined();
    return "read";
  } catch (e) {
    expect(e, String((e as Error)?.stack)).toBeInstanceOf(StateError);
    expect((e as StateError).message).toContain(file);
    return "refused";
  }
}

const RUNS = 60;

describe("damaged state files", () => {
  it("state.json: read whole or refused naming it, and never written over", async () => {
    const { dir, open } = await world();
    const file = join(dir, "state.json");
    const good = await fs.readFile(file, "utf8");
    // The journal would be folded into state.json on the next write: start each case from the snapshot alone.
    await fs.rm(join(dir, "journal.jsonl"), { force: true });
    const outcomes = new Set<string>();
    await fc.assert(
      fc.asyncProperty(damage, async (d) => {
        const text = damaged(good, d);
        await fs.writeFile(file, text);
        const outcome = await readOrRefuse(() => open().state.read(), file, StateSchema);
        outcomes.add(outcome);
        if (outcome === "refused") {
          await expect(record(open(), "segment.c", resource("c"))).rejects.toBeInstanceOf(StateError);
          expect(await fs.readFile(file, "utf8")).toBe(text);
        }
      }),
      { numRuns: RUNS },
    );
    expect(outcomes).toContain("refused");
  });

  it("a journal entry: read or refused naming the journal", async () => {
    const { dir, open } = await world();
    const file = join(dir, "journal.jsonl");
    const lines = (await fs.readFile(file, "utf8")).trimEnd().split("\n");
    await fc.assert(
      fc.asyncProperty(damage, async (d) => {
        // A cut last line is a torn write, which the store drops by design: damage a line with one after it.
        await fs.writeFile(file, `${[damaged(lines[0]!, d), ...lines.slice(1)].join("\n")}\n`);
        await readOrRefuse(() => open().state.read(), file, StateSchema);
      }),
      { numRuns: RUNS },
    );
  });

  it("lock.json: read or refused naming it, and force-unlock always clears it", async () => {
    const { dir, open } = await world();
    const lock = await open().locker.lock("apply", "ana");
    const file = join(dir, "lock.json");
    const good = await fs.readFile(file, "utf8");
    await lock.release();
    await fc.assert(
      fc.asyncProperty(damage, async (d) => {
        await fs.writeFile(file, damaged(good, d));
        await readOrRefuse(() => open().locker.current(), file, LockInfoSchema);
        await open().locker.forceUnlock();
        expect(await open().locker.current()).toBeUndefined();
      }),
      { numRuns: RUNS },
    );
  });

  it("a history version: read or refused naming it; verify says whether the chain holds, never throws", async () => {
    const { dir, open } = await world();
    const file = join(dir, "history", "000001.json");
    const good = await fs.readFile(file, "utf8");
    await fc.assert(
      fc.asyncProperty(damage, async (d) => {
        await fs.writeFile(file, damaged(good, d));
        await readOrRefuse(() => open().history.get(1), file, VersionSchema);
        const check = await open().history.verify();
        expect(typeof check.ok).toBe("boolean");
      }),
      { numRuns: RUNS },
    );
  });
});

describe("a damaged saved plan", () => {
  it("is a value or a plan/file-* diagnostic naming the file, never an exception", async () => {
    const plan = JSON.stringify({
      formatVersion: 2,
      stack: "shop",
      environment: "prod",
      provider: "sandbox",
      createdAt: "2026-01-01T00:00:00.000Z",
      changes: [{ address: "segment.vip", kind: "segment", name: "vip", action: "create", reasons: [{ code: "new" }], after: { type: "static" } }],
      steps: [{ id: "segment.vip:create", change: "segment.vip", phase: "create", after: [] }],
      summary: { add: 1, change: 0, replace: 0, destroy: 0 },
      fingerprints: { desired: "d", lineage: "L", stateSerial: 0, state: "s", live: "l" },
      diagnostics: [],
    });
    expect(parseSavedPlan(plan, "plan.json").diagnostics).toEqual([]);
    fc.assert(
      fc.property(damage, (d) => {
        const r = parseSavedPlan(damaged(plan, d), "plan.json");
        // What apply reads of a plan it accepted: its changes, each with an action it knows.
        if (r.value) {
          expect(r.value.changes.every((c) => (ACTIONS as readonly string[]).includes(c.action) && typeof c.address === "string")).toBe(true);
          return;
        }
        expect(r.diagnostics).toHaveLength(1);
        expect(r.diagnostics[0]!.code).toMatch(/^plan\/file-/);
        expect(r.diagnostics[0]!.message).toContain("plan.json");
      }),
      { numRuns: 300 },
    );
  });
});
