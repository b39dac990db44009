import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { resolveMopsToOwnSdk } from "./sdk-resolve";
import { error, type Diagnostic, type SourceRange } from "../diagnostics";
import { KIND_KEYS, KIND_OF_KEY, type Kind } from "../model";
import type { CallSite } from "../sdk";
import { stackFrames } from "../sdk/frames";
import type { Locator } from "./locator";
import { where } from "./where";
import type { ParsedFile } from "./yaml-file";

const DECLARATION = Symbol.for("mops.declaration");
const STACK = Symbol.for("mops.stack");

interface Decl {
  kind: Kind;
  name: string;
  spec: unknown;
  at?: CallSite;
}

const siteRange = (at: CallSite): SourceRange => ({ file: at.file, line: at.line, col: at.col, endLine: at.line, endCol: at.col + at.callee.length });

/**
 * Load a TypeScript stack with tsx (the same loader that runs the CLI) and
 * turn its default export into the data a YAML file of the same stack would
 * hold, so both go through one validation. Positions are the builders' call sites.
 */
export async function loadTsStack(file: string): Promise<ParsedFile> {
  const fileStart: SourceRange = { file, line: 1, col: 1, endLine: 1, endCol: 1 };
  const fallback: Locator = { file, locate: () => fileStart };
  // Call sites and error positions must be the TypeScript lines: tsx emits
  // inline source maps, which Node applies to stack traces only when asked
  // (the CLI's tsx registration does this; a host like vitest may not).
  process.setSourceMapsEnabled(true);
  let mod: { default?: unknown };
  try {
    // The loader is loaded only when a TypeScript stack is read.
    const { tsImport } = await import("tsx/esm/api");
    resolveMopsToOwnSdk();
    mod = (await tsImport(pathToFileURL(file).href, import.meta.url)) as { default?: unknown };
  } catch (e) {
    return { file, locator: fallback, diagnostics: [loadError(e, file)] };
  }
  // Outside an ES-module package, tsx loads the file as CommonJS: its default export sits one level down.
  const outer = mod.default as Record<string | symbol, unknown> | undefined;
  const def = (outer && typeof outer === "object" && !outer[STACK] && "default" in outer ? outer.default : outer) as Record<string | symbol, unknown> | undefined;
  if (!def || typeof def !== "object" || !def[STACK]) {
    return {
      file,
      locator: fallback,
      diagnostics: [
        error("MOPS004", "this TypeScript file does not export a stack", {
          range: fileStart,
          hint: 'end it with `export default defineStack({ stack: "my_stack", resources: [ … ] })` (import { defineStack } from "mops")',
        }),
      ],
    };
  }

  const stackAt = def.at as CallSite | undefined;
  const stackRange = stackAt ? siteRange(stackAt) : fileStart;
  const diagnostics: Diagnostic[] = [];
  const value: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(def)) if (k !== "resources" && k !== "at" && v !== undefined) value[k] = v;

  const decls = new Map<string, Decl>();
  const resources = Array.isArray(def.resources) ? (def.resources as unknown[]).flat() : [];
  if (!Array.isArray(def.resources))
    diagnostics.push(error("MOPS102", "missing required key `resources`", { range: stackRange, hint: "list the stack's declarations: `resources: [property(…), segment(…)]`" }));
  resources.forEach((d, i) => {
    if (!d || typeof d !== "object" || !(d as Record<symbol, unknown>)[DECLARATION]) {
      diagnostics.push(
        error("MOPS004", `resources[${i}] is not a declaration`, { range: stackRange, hint: "build each resource with property(), segment(), workflow(), template(), … from \"mops\"" }),
      );
      return;
    }
    const decl = d as Decl;
    const key = `${decl.kind}.${decl.name}`;
    const first = decls.get(key);
    if (first) {
      diagnostics.push(
        error("MOPS210", `${decl.kind} \`${decl.name}\` is declared twice`, {
          range: decl.at ? siteRange(decl.at) : stackRange,
          hint: first.at ? `first declared at ${where(siteRange(first.at))}; rename one or remove it` : "rename one or remove it",
          address: key,
        }),
      );
      return;
    }
    decls.set(key, decl);
    const map = (value[KIND_KEYS[decl.kind]] ??= {}) as Record<string, unknown>;
    map[decl.name] = decl.spec;
  });

  const locator: Locator = {
    file,
    locate(path) {
      const kind = typeof path[0] === "string" ? KIND_OF_KEY[path[0]] : undefined;
      const at = kind && path.length >= 2 ? decls.get(`${kind}.${String(path[1])}`)?.at : undefined;
      return at ? siteRange(at) : stackRange;
    },
  };
  return { file, value, locator, diagnostics };
}

/** A syntax or runtime error in the author's file, placed where it happened. */
function loadError(e: unknown, file: string): Diagnostic {
  const err = e instanceof Error ? e : new Error(String(e));
  // esbuild: "Transform failed with 1 error:\n/path/x.ts:3:7: ERROR: Expected …" (0-based column)
  const t = /^(.+?):(\d+):(\d+): ERROR: (.*)$/m.exec(err.message);
  if (t) {
    const [line, col] = [Number(t[2]), Number(t[3]) + 1];
    let text = "";
    try {
      text = readFileSync(t[1], "utf8").split("\n")[line - 1] ?? "";
    } catch {
      // the caret then covers one character
    }
    const word = /^[A-Za-z0-9_$]+/.exec(text.slice(col - 1))?.[0].length ?? 1;
    return error("MOPS003", `the TypeScript stack does not compile: ${t[4].trim()}`, {
      range: { file: t[1], line, col, endLine: line, endCol: col + word },
      hint: "fix the file; it must compile before it can be validated",
    });
  }
  const frame = stackFrames(err.stack ?? "").find((f) => !f.file.includes("/node_modules/"));
  const range = frame ? { ...frame, endLine: frame.line, endCol: frame.col + 1 } : { file, line: 1, col: 1 };
  const notFound = (err as { code?: string }).code === "ERR_MODULE_NOT_FOUND";
  return error("MOPS003", `the TypeScript stack failed to load: ${err.message.split("\n")[0]}`, {
    range,
    hint: notFound ? "check the import path; the SDK is imported as `from \"mops\"`" : "fix the error above; a stack file should only declare resources",
  });
}
