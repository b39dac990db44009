import { execFileSync } from "node:child_process";
import { userInfo } from "node:os";

const git = (cwd: string, args: string[]): string | undefined => {
  try {
    return execFileSync("git", args, { cwd, stdio: ["ignore", "pipe", "ignore"], encoding: "utf8", timeout: 5000 }).trim() || undefined;
  } catch {
    return undefined;
  }
};

/** Who applies: git's user.email, else the login name. */
export function currentActor(cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.MOPS_ACTOR) return env.MOPS_ACTOR;
  const email = git(cwd, ["config", "user.email"]);
  if (email) return email;
  try {
    return env.USER ?? userInfo().username;
  } catch {
    return "unknown";
  }
}

/** HEAD of the repository holding the stack, when it is one. */
export const gitCommit = (cwd: string): string | undefined => git(cwd, ["rev-parse", "HEAD"]);
