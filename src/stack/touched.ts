import { sep } from "node:path";
import { stackInputs } from "./index";

/**
 * The stacks (absolute paths, in the order given) that a change to `changed`
 * (absolute paths) touches: a file under the stack's directory, or one of its
 * inputs elsewhere (an included file, the shared policy, the repository config).
 * A stack that no longer reads is touched by a change under it: its plan says why.
 */
export async function touchedStacks(stacks: readonly string[], changed: readonly string[]): Promise<string[]> {
  const paths = new Set(changed);
  const out: string[] = [];
  for (const stack of stacks) {
    const under = (p: string) => p === stack || p.startsWith(stack + sep);
    const inputs = (await stackInputs(stack)).value ?? [];
    if (changed.some(under) || inputs.some((f) => paths.has(f))) out.push(stack);
  }
  return out;
}
