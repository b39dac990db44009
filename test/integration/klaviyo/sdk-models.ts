import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import * as sdk from "klaviyo-api";

/**
 * A strict reader of Klaviyo's official Node SDK models (klaviyo-api, the
 * conformance reference): every class's attribute map, which attributes its
 * TypeScript declaration requires and allows null, its enums, and the union
 * aliases (`export type X = A | B`). The SDK's own ObjectSerializer is
 * lenient (it drops unknown fields and accepts any member of a union), so
 * this walks the same declarations and fails on what it would let through.
 */

type AttributeMap = { name: string; baseName: string; type: string }[];
interface ModelClass {
  getAttributeTypeMap(): AttributeMap;
}
interface Declared {
  required: Set<string>;
  nullable: Set<string>;
}

const MODEL_DIR = join(dirname(createRequire(import.meta.url).resolve("klaviyo-api/package.json")), "model");
export const SDK_VERSION = (JSON.parse(readFileSync(join(MODEL_DIR, "..", "package.json"), "utf8")) as { version: string }).version;

const unions = new Map<string, string[]>();
const declared = new Map<string, Declared>();
for (const f of readdirSync(MODEL_DIR).filter((x) => x.endsWith(".ts"))) {
  const text = readFileSync(join(MODEL_DIR, f), "utf8");
  // Plain aliases end with `;`; the discriminated ones (indented, with a Helper class) do not.
  for (const m of text.matchAll(/^\s*export type (\w+) = ([^;\n]+);?$/gm)) unions.set(m[1]!, m[2]!.split("|").map((s) => s.trim()));
  const cls = /^export class (\w+) \{([\s\S]*?)static attributeTypeMap/m.exec(text);
  if (cls) {
    const d: Declared = { required: new Set(), nullable: new Set() };
    for (const a of cls[2]!.matchAll(/^\s+'(\w+)'(\?)?: ([^;=]+)/gm)) {
      if (!a[2]) d.required.add(a[1]!);
      if (/\bnull\b/.test(a[3]!)) d.nullable.add(a[1]!);
    }
    declared.set(cls[1]!, d);
  }
}

const lookup = (name: string): unknown => name.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], sdk);

/** Problems of `value` read as SDK type `type`, with JSON paths; empty when it conforms. */
export function conform(value: unknown, type: string, path = "$"): string[] {
  if (value === undefined) return [];
  const arr = /^Array<(.+)>$/.exec(type);
  if (arr) return Array.isArray(value) ? value.flatMap((v, i) => conform(v, arr[1]!, `${path}[${i}]`)) : [`${path}: expected an array (${type})`];
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) return typeof value === "object" && value !== null && !Array.isArray(value) ? Object.entries(value).flatMap(([k, v]) => conform(v, map[1]!, `${path}.${k}`)) : [`${path}: expected an object`];
  switch (type) {
    case "string":
      return typeof value === "string" ? [] : [`${path}: expected a string, got ${JSON.stringify(value)}`];
    case "number":
      return typeof value === "number" ? [] : [`${path}: expected a number, got ${JSON.stringify(value)}`];
    case "boolean":
      return typeof value === "boolean" ? [] : [`${path}: expected a boolean, got ${JSON.stringify(value)}`];
    case "Date":
      return typeof value === "string" && !Number.isNaN(Date.parse(value)) ? [] : [`${path}: expected a date-time string`];
    case "any":
    case "object":
      return [];
  }
  if (/^'.*'$/.test(type)) return value === type.slice(1, -1) ? [] : [`${path}: expected ${type}`];
  const members = unions.get(type);
  if (members) {
    const tries = members.map((m) => conform(value, m, path));
    if (tries.some((t) => t.length === 0)) return [];
    return tries.reduce((a, b) => (b.length < a.length ? b : a));
  }
  const found = lookup(type);
  if (found && typeof found === "object" && !("getAttributeTypeMap" in found)) {
    const allowed = Object.values(found as Record<string, unknown>);
    return allowed.includes(value) ? [] : [`${path}: ${JSON.stringify(value)} is not one of ${type} (${allowed.map((v) => JSON.stringify(v)).join(", ")})`];
  }
  const cls = found as ModelClass | undefined;
  if (typeof cls?.getAttributeTypeMap !== "function") return [`${path}: the SDK has no model ${type}`];
  if (typeof value !== "object" || value === null || Array.isArray(value)) return [`${path}: expected a ${type} object, got ${JSON.stringify(value)}`];
  const attrs = cls.getAttributeTypeMap();
  const d = declared.get(type) ?? { required: new Set<string>(), nullable: new Set<string>() };
  const out: string[] = [];
  const o = value as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!attrs.some((a) => a.baseName === k)) out.push(`${path}.${k}: not a field of ${type}`);
  for (const a of attrs) {
    const v = o[a.baseName];
    if (v === undefined) {
      if (d.required.has(a.name)) out.push(`${path}.${a.baseName}: required by ${type}`);
      continue;
    }
    if (v === null) {
      if (!d.nullable.has(a.name)) out.push(`${path}.${a.baseName}: null is not allowed by ${type}`);
      continue;
    }
    out.push(...conform(v, a.type, `${path}.${a.baseName}`));
  }
  return out;
}
