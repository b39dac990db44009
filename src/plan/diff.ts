import { canonicalJson } from "../model";
import type { AttributeChange } from "./types";

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);
const same = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);
const key = (path: string, k: string) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? (path ? `${path}.${k}` : k) : `${path}[${JSON.stringify(k)}]`);

/**
 * Per-attribute changes between two specs, with JSON paths (`steps[2].template`).
 * Arrays of equal length compare element-wise; otherwise the array is one change,
 * because positional diffs of reordered steps mislead more than they help.
 */
export function diffSpecs(before: unknown, after: unknown, path = ""): AttributeChange[] {
  if (same(before, after)) return [];
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => diffSpecs(before[k], after[k], key(path, k)));
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    return before.flatMap((b, i) => diffSpecs(b, after[i], `${path}[${i}]`));
  }
  const c: AttributeChange = { path: path || "(spec)" };
  if (before !== undefined) c.before = before;
  if (after !== undefined) c.after = after;
  return [c];
}

/** `steps[2].template` -> `steps`: the attribute a capability's replaceOn names. */
export const topAttribute = (path: string): string => /^[^.[]+/.exec(path)?.[0] ?? path;
