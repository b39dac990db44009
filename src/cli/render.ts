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

/** `MOPS_DEBUG=1`: the one way to see a JavaScript stack trace. */
export const debugEnabled = (): boolean => process.env.MOPS_DEBUG === "1" || process.env.MOPS_DEBUG === "true";

/** A bug in mops, in one line; its stack trace only with MOPS_DEBUG=1. */
export function reportBug(e: unknown): void {
  const msg = e instanceof Error ? e.message : String(e);
  process.stderr.write(`internal error: ${msg.split("\n")[0]}\n(this is a bug in mops, not in your stack; set MOPS_DEBUG=1 for details)\n`);
  if (debugEnabled() && e instanceof Error) process.stderr.write(`${e.stack}\n`);
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
      reportBug(e);
      process.exitCode = 1;
    }
  };
}

/**
 * For the `mops` process: what escapes every action (an error event nobody
 * listens to, a promise nobody awaits) is reported like a bug in an action,
 * not as Node's stack dump.
 */
export function installCrashHandlers(): void {
  const crash = (e: unknown) => {
    reportBug(e);
    process.exit(1);
  };
  process.on("uncaughtException", crash);
  process.on("unhandledRejection", crash);
}
