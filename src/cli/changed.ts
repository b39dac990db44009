import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import { error, type Diagnostic, type Result } from "../diagnostics";
import { findRepoConfig, listStacks, loadRepoConfig, type RepoConfig } from "../stack/repo-config";
import { touchedStacks } from "../stack/touched";

export interface ChangedStacks {
  config: RepoConfig;
  /** The ref compared with, as given or defaulted; none for every stack. */
  base?: string;
  /** Absolute, in the config's order (apply order). */
  stacks: string[];
}

/** The pull request's target branch on GitHub Actions, else `main`. */
export const defaultBase = (env: NodeJS.ProcessEnv = process.env): string => (env.GITHUB_BASE_REF ? `origin/${env.GITHUB_BASE_REF}` : "main");

/**
 * The stacks of the repository config above `from`: every one (`all`), or
 * those the changes since `base` touch: committed since the merge base,
 * staged, unstaged or untracked.
 */
export async function repoStacks(from: string, which: { all: true } | { base: string }): Promise<Result<ChangedStacks>> {
  const file = findRepoConfig(resolve(from));
  if (!file) {
    return { diagnostics: [error("config/not-found", "`--changed` and `--all` need a repository config: no mops.config.yaml here or above, up to the repository's root", { hint: "create mops.config.yaml with `stacks: [brands/*]` (see docs/gitops.md)" })] };
  }
  const cfg = loadRepoConfig(file);
  if (!cfg.value) return { diagnostics: cfg.diagnostics };
  const listed = listStacks(cfg.value);
  if ("all" in which) return { value: { config: cfg.value, stacks: listed.value ?? [] }, diagnostics: listed.diagnostics };
  const { base } = which;
  const diff = changedFiles(cfg.value.dir, base);
  const diagnostics: Diagnostic[] = [...listed.diagnostics, ...diff.diagnostics];
  if (!diff.value) return { diagnostics };
  return { value: { config: cfg.value, base, stacks: await touchedStacks(listed.value ?? [], diff.value) }, diagnostics };
}

/** Absolute paths changed since the merge base of `base` and HEAD, the working tree included. */
function changedFiles(cwd: string, base: string): Result<string[]> {
  const git = (...args: string[]) => execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  let root: string;
  try {
    root = git("rev-parse", "--show-toplevel").trim();
  } catch {
    return { diagnostics: [error("git/not-a-repository", `${cwd} is not in a git repository`, { hint: "`--changed` compares with a git ref; run it in a checkout" })] };
  }
  let mergeBase: string;
  try {
    mergeBase = git("merge-base", base, "HEAD").trim();
  } catch {
    return {
      diagnostics: [error("git/unknown-ref", `git cannot find \`${base}\` or its common history with HEAD`, { hint: "name a branch or commit with `--base`; in CI, fetch it first (actions/checkout with `fetch-depth: 0`)" })],
    };
  }
  const names = [...git("diff", "--name-only", "-z", mergeBase).split("\0"), ...git("ls-files", "--others", "--exclude-standard", "-z").split("\0")];
  return { value: [...new Set(names.filter(Boolean).map((n) => resolve(root, n)))], diagnostics: [] };
}
