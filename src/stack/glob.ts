import { existsSync } from "node:fs";
import { isAbsolute, relative, resolve, sep } from "node:path";
import picomatch from "picomatch";
import { globSync } from "tinyglobby";

const SKIP = ["**/node_modules/**", "**/.git/**", "**/.mops/**"];

/**
 * The paths a pattern names, relative to `dir` (`../shared/*.yaml` too),
 * absolute and sorted; a plain path names itself when it exists.
 */
export function expand(pattern: string, dir: string, what: { directories?: boolean } = {}): string[] {
  const scan = picomatch.scan(resolve(dir, pattern));
  if (!scan.isGlob) return existsSync(scan.base) ? [scan.base] : [];
  return globSync([scan.glob], { cwd: scan.base, absolute: true, expandDirectories: false, ignore: SKIP, ...(what.directories ? { onlyDirectories: true } : { onlyFiles: true }) })
    .map((p) => p.replace(/[\\/]$/, ""))
    .sort();
}

/** Whether `path` (absolute) is named by `pattern`, relative to `dir`. */
export function matches(pattern: string, dir: string, path: string): boolean {
  const rel = relative(dir, path).split(sep).join("/");
  if (!rel || rel.startsWith("..") || isAbsolute(rel)) return false;
  return picomatch(pattern.replace(/^\.\//, "").replace(/\/$/, ""))(rel);
}
