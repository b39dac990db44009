import { describe, expect, it } from "vitest";
import { canonicalJson, sha256 } from "../../../src/model/canonical";
import { GENESIS_HASH, hashVersion, sealVersion, verifyChain, type StoredVersion } from "../../../src/state/chain";
import type { HistoryVersion } from "../../../src/state/types";
import { versionInput } from "../../integration/state/fixtures";

const chain = (n: number): HistoryVersion[] => {
  const out: HistoryVersion[] = [];
  for (let i = 0; i < n; i++) out.push(sealVersion(versionInput(`v${i}`), out.at(-1)));
  return out;
};
const stored = (vs: HistoryVersion[]): StoredVersion[] => vs.map((v) => ({ slot: v.version, value: v }));

describe("history chain", () => {
  it("hashes the previous hash followed by the canonical content without the hash", () => {
    const [v1] = chain(1);
    const { hash, ...content } = v1!;
    expect(hash).toBe(sha256(GENESIS_HASH + canonicalJson(content)));
    expect(hashVersion(content, GENESIS_HASH)).toBe(hash);
    expect(content).toMatchObject({ version: 1, prevHash: GENESIS_HASH });
  });

  it("does not depend on key order, and ignores chain fields smuggled in by the caller", () => {
    const input = versionInput("x");
    const reordered = Object.fromEntries(Object.entries(input).reverse()) as typeof input;
    expect(sealVersion(reordered, undefined).hash).toBe(sealVersion(input, undefined).hash);
    const smuggled = { ...input, version: 7, prevHash: "f".repeat(64), hash: "bad" } as typeof input;
    expect(sealVersion(smuggled, undefined)).toEqual(sealVersion(input, undefined));
  });

  it("accepts an intact chain in any listing order", () => {
    expect(verifyChain(stored(chain(4)).reverse())).toEqual({ ok: true, checked: 4 });
    expect(verifyChain([])).toEqual({ ok: true, checked: 0 });
  });

  it("names the first broken version and why", () => {
    const vs = chain(4);
    const edited = stored(vs.map((v) => (v.version === 3 ? { ...v, outcome: "failed" as const } : v)));
    expect(verifyChain(edited).broken).toEqual({ version: 3, reason: expect.stringContaining("content edited") });

    const gap = stored(vs.filter((v) => v.version !== 2));
    expect(verifyChain(gap).broken).toEqual({ version: 2, reason: expect.stringContaining("missing") });

    const renumbered = stored(vs).map((s) => (s.slot === 4 ? { ...s, slot: 5 } : s));
    expect(verifyChain(renumbered).broken?.version).toBe(4);

    const moved = stored(vs).map((s) => (s.slot === 2 ? { slot: 2, value: vs[2] } : s));
    expect(verifyChain(moved).broken).toEqual({ version: 2, reason: expect.stringContaining("content says version 3") });

    const unreadable: StoredVersion[] = [...stored(vs.slice(0, 1)), { slot: 2, problem: "000002.json is not valid JSON" }];
    expect(verifyChain(unreadable).broken).toEqual({ version: 2, reason: "000002.json is not valid JSON" });

    const noHash = stored(vs).map((s) => (s.slot === 1 ? { slot: 1, value: { ...vs[0], hash: undefined } } : s));
    expect(verifyChain(noHash).broken).toEqual({ version: 1, reason: expect.stringContaining("no hash") });
  });

  it("catches a rewritten version at the next one, since it no longer links", () => {
    const vs = chain(3);
    const { hash: _h, ...content } = { ...vs[1]!, actor: "mallory" };
    const forged = { ...content, hash: hashVersion(content, content.prevHash) };
    const check = verifyChain(stored([vs[0]!, forged, vs[2]!]));
    expect(check.broken).toEqual({ version: 3, reason: expect.stringContaining("chain broken") });
  });
});
