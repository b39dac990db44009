import { closeSync, constants, fstatSync, openSync, readFileSync, readlinkSync, type Stats } from "node:fs";
import { error, type Diagnostic } from "../diagnostics";
import { bytes, LIMITS } from "./limits";
import { displayPath } from "./where";

/**
 * CR LF and a lone CR (both YAML line breaks) as LF. The YAML parser knows
 * only LF and CR LF, so a file saved with CR alone read as one long line.
 * Every line keeps its characters, so columns are the editor's.
 */
export const normalizeLineBreaks = (text: string): string => (text.includes("\r") ? text.replace(/\r\n?/g, "\n") : text);

/** What a path is, in words, when it is not what was expected. */
export function kindOf(st: Stats): string {
  if (st.isDirectory()) return "a directory";
  if (st.isFIFO()) return "a pipe (a FIFO or a process substitution)";
  if (st.isCharacterDevice() || st.isBlockDevice()) return "a device";
  if (st.isSocket()) return "a socket";
  return "not a regular file";
}

/** A failed `stat`/`open`/`readdir` of `path` as one line that names it. */
export function unreadable(path: string, e: unknown): Diagnostic {
  const code = (e as NodeJS.ErrnoException).code;
  const shown = `\`${displayPath(path)}\``;
  switch (code) {
    case "ENOENT": {
      let to: string | undefined;
      try {
        to = readlinkSync(path);
      } catch {
        to = undefined;
      }
      return to === undefined
        ? error("MOPS001", `${shown} does not exist`, { hint: "pass a stack file or directory, or create one with `mops init`" })
        : error("MOPS007", `${shown} is a symbolic link to \`${to}\`, which does not exist`, { hint: "fix or remove the link" });
    }
    case "ELOOP":
      return error("MOPS007", `${shown} is a symbolic link that leads back to itself`, { hint: "fix or remove the link" });
    case "EACCES":
    case "EPERM":
      return error("MOPS007", `${shown} cannot be read: permission denied`, { hint: "give your user read access (chmod u+r), or run mops as a user who has it" });
    case "EISDIR":
      return error("MOPS007", `${shown} is a directory, not a file`);
    default:
      return error("MOPS007", `${shown} cannot be read: ${(e as Error).message}`);
  }
}

/**
 * The text of a stack file (or a policy file). The type is checked on the
 * open descriptor before reading: a FIFO named `mops.yaml`, `/dev/zero` or a
 * process substitution would otherwise block or never end. Opening without
 * blocking makes even a FIFO with no writer answer at once.
 */
export function readTextFile(path: string): { text: string } | Diagnostic {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    return unreadable(path, e);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) {
      return error("MOPS007", `\`${displayPath(path)}\` is ${kindOf(st)}, not a file Mops can read a stack from`, {
        hint: "pass a .yaml/.yml or .ts file, or a directory of them",
      });
    }
    if (st.size > LIMITS.fileBytes) {
      return error("MOPS006", `\`${displayPath(path)}\` is ${bytes(st.size)}; a stack file may be at most ${bytes(LIMITS.fileBytes)}`, {
        hint: "split the stack into several files in one directory",
      });
    }
    return { text: readFileSync(fd, "utf8") };
  } catch (e) {
    return unreadable(path, e);
  } finally {
    closeSync(fd);
  }
}
