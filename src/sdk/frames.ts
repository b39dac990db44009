import { findSourceMap, type SourceMapping } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";

export interface Frame {
  file: string;
  line: number;
  col: number;
}

// The location starts right after `(` or `at `: a `node:internal/…` frame holds a `/` too, and is not a file.
const FRAME = /(?:\(|\bat )((?:file:\/\/)?\/[^():?]+)(\?[^():]*)?:(\d+):(\d+)\)?$/;

/**
 * The file positions of a stack trace, in the TypeScript source. A host that
 * formats stacks itself (a test runner) leaves tsx's modules unmapped; those
 * frames still carry tsx's `?tsx-namespace=…` and are mapped here through the
 * module's source map (Node keeps it once source maps are enabled).
 */
export function stackFrames(stack: string): Frame[] {
  const out: Frame[] = [];
  for (const l of stack.split("\n").slice(1)) {
    const m = FRAME.exec(l.trim());
    if (!m) continue;
    const [, path, query, line, col] = m;
    const file = path.startsWith("file://") ? fileURLToPath(path) : path;
    const url = `${path.startsWith("file://") ? path : pathToFileURL(path).href}${query ?? ""}`;
    const entry = (query ? findSourceMap(url)?.findEntry(Number(line) - 1, Number(col) - 1) : undefined) as
      | Partial<SourceMapping>
      | undefined;
    out.push(
      entry?.originalLine !== undefined && entry.originalColumn !== undefined
        ? { file, line: entry.originalLine + 1, col: entry.originalColumn + 1 }
        : { file, line: Number(line), col: Number(col) },
    );
  }
  return out;
}
