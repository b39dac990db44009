import { readFileSync } from "node:fs";
import type { Diagnostic } from "../diagnostics";
import { displayPath, renderDiagnostics } from "../report/diagnostics";

/** Colour only on a terminal, and never when NO_COLOR is set (no-color.org). */
export function colorEnabled(stream: { isTTY?: boolean } = process.stdout): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== "") return false;
  return !!stream.isTTY && process.env.TERM !== "dumb";
}

const texts = new Map<string, string | undefined>();
function fileText(file: string): string | undefined {
  if (!texts.has(file)) {
    try {
      texts.set(file, readFileSync(file, "utf8"));
    } catch {
      texts.set(file, undefined);
    }
  }
  return texts.get(file);
}

/** Diagnostics as compilers print them, with the summary line, to stdout. */
export function printDiagnostics(ds: readonly Diagnostic[], source: (file: string) => string | undefined = fileText, summary = true): void {
  process.stdout.write(renderDiagnostics(ds, { color: colorEnabled(), source: (f) => source(f) ?? fileText(f), summary }));
}

/** Diagnostics for machines: file paths as shown to the user, everything else as is. */
export function diagnosticsJson(ds: readonly Diagnostic[]): unknown[] {
  return ds.map((d) => (d.range ? { ...d, range: { ...d.range, file: displayPath(d.range.file) } } : d));
}

/**
 * Run a command's action. A user's mistake is a diagnostic the command has
 * already printed; anything thrown is a bug in mops, reported in one line.
 */
export function guard<A extends unknown[]>(action: (...args: A) => Promise<void> | void): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await action(...args);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      process.stderr.write(`internal error: ${msg.split("\n")[0]}\n(this is a bug in mops, not in your stack; set MOPS_DEBUG=1 for details)\n`);
      if (process.env.MOPS_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
      process.exitCode = 1;
    }
  };
}
