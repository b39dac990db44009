import { readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { error, type Diagnostic, type SourceRange } from "../diagnostics";
import { stackFrames } from "../sdk/frames";
import { normalizeLineBreaks } from "./files";
import { fromSources } from "./sdk-resolve";
import { displayPath } from "./where";

/**
 * Mops' own code: a frame there is the SDK or this loader, never the author's
 * line. From the sources, src/; built, dist/ (where the SDK is, chunks and all).
 */
const OWN = `${fromSources(import.meta.url) ? dirname(dirname(fileURLToPath(import.meta.url))) : dirname(fileURLToPath(import.meta.resolve("mops")))}/`;

const lineOf = (file: string, line: number): string => {
  try {
    return normalizeLineBreaks(readFileSync(file, "utf8")).split("\n")[line - 1] ?? "";
  } catch {
    return "";
  }
};

/** A file the author wrote: not a package's, not Mops' own. */
export const isAuthorFile = (file: string): boolean => !file.includes("/node_modules/") && !file.startsWith(OWN);

/** The first frame of a stack trace in the author's code: not Node's, not a package's, not Mops'. */
export function authorFrame(stack: string, files: readonly string[]): SourceRange | undefined {
  const frames = stackFrames(stack);
  const f = frames.find((x) => files.includes(x.file)) ?? frames.find((x) => isAuthorFile(x.file));
  return f ? { file: f.file, line: f.line, col: f.col, endLine: f.line, endCol: f.col + 1 } : undefined;
}

/** Where a failure happened, or the start of the first file when no frame is the author's. */
export const failureAt = (stack: string, files: readonly string[]): SourceRange =>
  authorFrame(stack, files) ?? { file: files[0]!, line: 1, col: 1 };

/**
 * A module that did not load, as a diagnostic at the author's line: a syntax
 * error where esbuild found it, a missing import at the import, an exception
 * where it was thrown. `prefix` names what failed for a policy rule.
 */
export function loadFailure(e: unknown, file: string, code: string, prefix?: string): Diagnostic {
  const err = e instanceof Error ? e : new Error(String(e));
  const first = err.message.split("\n")[0]!;
  // esbuild: "Transform failed with 1 error:\n/path/x.ts:3:7: ERROR: Expected …" (0-based column)
  const t = /^(.+?):(\d+):(\d+): ERROR: (.*)$/m.exec(err.message);
  if (t) {
    const [line, col] = [Number(t[2]), Number(t[3]) + 1];
    const word = /^[A-Za-z0-9_$]+/.exec(lineOf(t[1]!, line).slice(col - 1))?.[0].length ?? 1;
    return error(code, `${prefix ?? "the TypeScript stack does not compile"}: ${t[4]!.trim()}`, {
      range: { file: t[1]!, line, col, endLine: line, endCol: col + word },
      hint: "fix the file; it must compile before it can be validated",
    });
  }
  const missing = missingImport(err);
  if (missing) {
    const site = importSite(missing.from ?? file, missing.spec);
    const spec = site?.spec ?? missing.spec;
    const at = site?.at ?? failureAt(err.stack ?? "", [file]);
    return error(code, `${prefix ?? "the TypeScript stack failed to load"}: cannot find \`${spec}\``, { range: at, hint: importHint(spec, at.file) });
  }
  return error(code, `${prefix ?? "the TypeScript stack failed to load"}: ${first}`, {
    range: failureAt(err.stack ?? "", [file]),
    hint: prefix ? undefined : "fix the error above; a stack file should only declare resources",
  });
}

/** `Cannot find module 'x'` (CommonJS) or `Cannot find package 'x' imported from /f.ts` (ESM), and who imported it. */
function missingImport(err: Error): { spec: string; from?: string } | undefined {
  const code = (err as { code?: string }).code;
  if (code !== "MODULE_NOT_FOUND" && code !== "ERR_MODULE_NOT_FOUND") return undefined;
  const spec = /Cannot find (?:module|package) '([^']+)'/.exec(err.message)?.[1];
  if (!spec) return undefined;
  const from = /imported from (\S+)/.exec(err.message)?.[1] ?? /Require stack:\n- ([^\n?]+)/.exec(err.message)?.[1];
  return { spec, from: from?.startsWith("file://") ? fileURLToPath(from) : from?.replace(/\?.*$/, "") };
}

/**
 * The line of `import … from "spec"` (or `require("spec")`) in `file`, the
 * specifier underlined. ESM names a missing relative import by its resolved
 * path: that path is matched back to the specifier written in the file.
 */
function importSite(file: string, missing: string): { spec: string; at: SourceRange } | undefined {
  let text: string;
  try {
    text = normalizeLineBreaks(readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
  for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)(["'])([^"'\n]+)\1/g)) {
    const spec = m[2]!;
    if (spec !== missing && !(isAbsolute(missing) && spec.startsWith(".") && resolve(dirname(file), spec) === missing)) continue;
    const offset = m.index! + m[0].length - spec.length - 1;
    const line = text.slice(0, offset).split("\n").length;
    const col = offset - text.lastIndexOf("\n", offset - 1);
    return { spec, at: { file, line, col, endLine: line, endCol: col + spec.length } };
  }
  return undefined;
}

function importHint(spec: string, file: string): string {
  const dir = dirname(file);
  if (spec === "mops" || spec.startsWith("mops/"))
    return `the Mops SDK is not installed where this file can find it: run \`npm install --save-dev mops\` in ${dir} (or, from a clone of Mops, \`npm link\` in the clone, then \`npm link mops\` in ${dir})`;
  if (spec.startsWith(".") || spec.startsWith("/")) return `no file \`${spec}\` (.ts, .js, or a folder with index.ts) from ${displayPath(dir)}: check the path`;
  return `the package \`${spec}\` is not installed: run \`npm install ${spec}\` in ${dir}`;
}
