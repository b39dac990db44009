import { createHash } from "node:crypto";

/**
 * JSON with object keys sorted and `undefined` dropped, so equal values give
 * equal text: the basis of fingerprints, history hashes and "is this a diff".
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map((x) => (x === undefined ? null : sortKeys(x)));
  if (v && typeof v === "object" && !(v instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v as object).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = sortKeys(x);
    }
    return out;
  }
  return v;
}

export const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

export const fingerprint = (value: unknown): string => sha256(canonicalJson(value));

export const deepEqual = (a: unknown, b: unknown): boolean => canonicalJson(a) === canonicalJson(b);
