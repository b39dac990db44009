import { error, type Diagnostic, type SourceRange } from "../diagnostics";
import { KIND_KEYS, type Kind } from "../model";
import { pathText } from "../model/refs";
import type { CallSite } from "../sdk";
import { LIMITS } from "./limits";
import { isAuthorFile } from "./ts-errors";
import type { TsStackData } from "./ts-protocol";
import { where } from "./where";

const DECLARATION = Symbol.for("mops.declaration");
const STACK = Symbol.for("mops.stack");

interface Decl {
  kind: Kind;
  name: string;
  spec: unknown;
  at?: CallSite;
}

/**
 * A call site only when it is in the author's files: a stack loaded as
 * CommonJS runs from a `data:` URL that stack traces do not map to its file.
 */
const authored = (at: CallSite | undefined): CallSite | undefined => (at && isAuthorFile(at.file) ? at : undefined);

export const siteRange = (at: CallSite): SourceRange => ({ file: at.file, line: at.line, col: at.col, endLine: at.line, endCol: at.col + at.callee.length });

/**
 * A TypeScript stack's default export as the data a YAML file of the same
 * stack would hold, so both go through one validation. Runs in the worker,
 * where the builders' brands and call sites are; only plain data leaves it.
 */
export function declarations(def: unknown, file: string): TsStackData {
  const fileStart: SourceRange = { file, line: 1, col: 1, endLine: 1, endCol: 1 };
  const d = def as Record<string | symbol, unknown> | undefined;
  if (!d || typeof d !== "object" || !d[STACK]) {
    return {
      sites: {},
      diagnostics: [
        error("MOPS004", "this TypeScript file does not export a stack", {
          range: fileStart,
          hint: 'end it with `export default defineStack({ stack: "my_stack", resources: [ … ] })` (import { defineStack } from "mops")',
        }),
      ],
    };
  }
  const stackAt = authored(d.at as CallSite | undefined);
  const stackRange = stackAt ? siteRange(stackAt) : fileStart;
  const diagnostics: Diagnostic[] = [];
  const header: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(d)) if (k !== "resources" && k !== "at" && v !== undefined) header[k] = v;
  const value = plainData(header, [], stackRange, diagnostics) as Record<string, unknown> | undefined;

  const sites: Record<string, CallSite> = {};
  const seen = new Set<string>();
  const resources = Array.isArray(d.resources) ? (d.resources as unknown[]).flat() : [];
  if (!Array.isArray(d.resources))
    diagnostics.push(error("MOPS102", "missing required key `resources`", { range: stackRange, hint: "list the stack's declarations: `resources: [property(…), segment(…)]`" }));
  resources.forEach((r, i) => {
    if (!r || typeof r !== "object" || !(r as Record<symbol, unknown>)[DECLARATION]) {
      diagnostics.push(
        error("MOPS004", `resources[${i}] is not a declaration`, { range: stackRange, hint: "build each resource with property(), segment(), workflow(), template(), … from \"mops\"" }),
      );
      return;
    }
    const decl = { ...(r as Decl), at: authored((r as Decl).at) };
    const key = `${decl.kind}.${decl.name}`;
    const range = decl.at ? siteRange(decl.at) : stackRange;
    if (seen.has(key)) {
      const first = sites[key];
      diagnostics.push(
        error("MOPS210", `${decl.kind} \`${decl.name}\` is declared twice`, {
          range,
          hint: first ? `first declared at ${where(siteRange(first))}; rename one or remove it` : "rename one or remove it",
          address: key,
        }),
      );
      return;
    }
    seen.add(key);
    if (decl.at) sites[key] = decl.at;
    const spec = plainData(decl.spec, [], range, diagnostics, key);
    if (value) ((value[KIND_KEYS[decl.kind]] ??= {}) as Record<string, unknown>)[decl.name] = spec;
  });
  const usable = value && !diagnostics.some((x) => x.code === "MOPS101" || x.code === "MOPS006");
  return { ...(usable ? { value } : {}), sites, ...(stackAt ? { stackAt } : {}), diagnostics };
}

/** A property of its own, whatever its name (`__proto__` included). */
const own = (o: object, k: string, v: unknown) => Object.defineProperty(o, k, { value: v, writable: true, enumerable: true, configurable: true });

const DATA = "a stack holds text, numbers, true/false, null, lists and plain objects";

/** What a value is, when a stack cannot hold it; undefined when it can. */
function foreign(v: unknown): { what: string; hint: string } | undefined {
  switch (typeof v) {
    case "bigint":
      return { what: `a BigInt (${String(v)}n)`, hint: `write a number: ${String(v)}` };
    case "symbol":
      return { what: "a symbol", hint: "write text instead" };
    case "function":
      return { what: "a function", hint: "call it and use its result, or remove it" };
    case "number":
      return Number.isFinite(v) ? undefined : { what: String(v), hint: "write a finite number" };
    case "object": {
      if (v === null || Array.isArray(v)) return undefined;
      const proto = Object.getPrototypeOf(v) as object | null;
      if (proto === Object.prototype || proto === null) return undefined;
      if (v instanceof Date) return { what: "a Date", hint: `write the date as text: "${Number.isNaN(v.getTime()) ? "2025-01-31" : v.toISOString().slice(0, 10)}"` };
      const name = (proto as { constructor?: { name?: string } }).constructor?.name;
      return { what: name ? `a ${name}` : "an object with a prototype", hint: "build a plain object ({ … }) or a list ([ … ])" };
    }
    default:
      return undefined;
  }
}

/**
 * A copy of `v` that is plain data, walked without recursion. Each value a
 * stack cannot hold (a BigInt, a function, a Date, NaN, a cycle, a class
 * instance, nesting past the limit) is a diagnostic at the declaration that
 * holds it, naming the path; `undefined` is dropped from objects as JSON does.
 */
function plainData(v: unknown, base: (string | number)[], range: SourceRange, out: Diagnostic[], address?: string): unknown {
  const problem = (path: (string | number)[], message: string, hint: string, code = "MOPS101") =>
    out.push(error(code, `${path.length ? `\`${pathText(path)}\` is ` : ""}${message}`, { range, hint, ...(address ? { address } : {}) }));
  const root: { value?: unknown } = {};
  type Task = { src: unknown; path: (string | number)[]; put: (x: unknown) => void } | { leave: object };
  const todo: Task[] = [{ src: v, path: base, put: (x) => (root.value = x) }];
  const open = new Set<object>();
  try {
    while (todo.length > 0) {
      const t = todo.pop()!;
      if ("leave" in t) {
        open.delete(t.leave);
        continue;
      }
      const { src, path, put } = t;
      const bad = foreign(src);
      if (bad) {
        problem(path, `${bad.what}: ${DATA}`, bad.hint);
        continue;
      }
      if (src === null || typeof src !== "object") {
        put(src);
        continue;
      }
      if (open.has(src)) {
        problem(path, "a reference back to an object that holds it (a cycle)", "build the value without a cycle: a copy instead of a reference to a parent");
        continue;
      }
      if (path.length - base.length >= LIMITS.depth) {
        problem(path, `nested deeper than ${LIMITS.depth} levels`, "is the value built by a recursion that does not stop?", "MOPS006");
        continue;
      }
      open.add(src);
      todo.push({ leave: src });
      if (Array.isArray(src)) {
        const copy: unknown[] = new Array(src.length);
        put(copy);
        for (let i = src.length - 1; i >= 0; i--) {
          if (src[i] === undefined) problem([...path, i], "undefined", "remove it from the list, or give it a value");
          else todo.push({ src: src[i], path: [...path, i], put: (x) => (copy[i] = x) });
        }
      } else {
        const copy: Record<string, unknown> = {};
        put(copy);
        const entries = Object.keys(src).map((k) => [k, (src as Record<string, unknown>)[k]] as const).filter(([, x]) => x !== undefined);
        // Keys first, in order, so the copy keeps the author's key order; values are filled in as they are walked.
        for (const [k] of entries) own(copy, k, null);
        for (let i = entries.length - 1; i >= 0; i--) {
          const [k, x] = entries[i]!;
          todo.push({ src: x, path: [...path, k], put: (y) => own(copy, k, y) });
        }
      }
    }
  } catch (e) {
    problem(base, `unreadable: ${(e as Error).message}`, "a stack's values must be plain data, not getters that throw");
  }
  return root.value;
}
