import { statSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { error, type Diagnostic } from "../diagnostics";
import { displayPath } from "../stack/where";

/**
 * Why a command could not write `path` (`--out`), as one line naming it; undefined when it can try.
 * Checked before the command's work, so a mistyped folder does not cost a refresh.
 */
export function outputProblem(path: string): Diagnostic | undefined {
  const abs = resolve(path);
  const shown = `\`${displayPath(abs)}\``;
  const st = statSync(abs, { throwIfNoEntry: false });
  if (st?.isDirectory()) return error("cli/out", `${shown} is a directory`, { hint: `name a file in it, e.g. ${displayPath(resolve(abs, "plan.json"))}` });
  const dir = dirname(abs);
  const parent = statSync(dir, { throwIfNoEntry: false });
  if (!parent) return error("cli/out", `cannot write ${shown}: the folder ${displayPath(dir)} does not exist`, { hint: `create it first: mkdir -p ${displayPath(dir)}` });
  if (!parent.isDirectory()) return error("cli/out", `cannot write ${shown}: ${displayPath(dir)} is not a folder`);
  return undefined;
}

const WHY: Record<string, string> = {
  EACCES: "permission denied",
  EPERM: "permission denied",
  EROFS: "the file system is read-only",
  ENOSPC: "the disk is full",
  ENOTDIR: "a part of the path is not a directory",
  ENOENT: "its directory does not exist",
  EISDIR: "it is a directory",
};

/** Write a command's output file; a failure is a diagnostic naming the path, never an exception. */
export async function writeOutput(path: string, text: string): Promise<Diagnostic | undefined> {
  const problem = outputProblem(path);
  if (problem) return problem;
  try {
    await writeFile(resolve(path), text);
    return undefined;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "";
    const why = WHY[code] ?? (e as Error).message;
    return error("cli/out", `cannot write \`${displayPath(resolve(path))}\`: ${why}`);
  }
}
