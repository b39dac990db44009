import type { Reason, ReasonCode } from "../model";

const list = (xs: readonly string[] | undefined) => (xs ?? []).map((x) => `\`${x}\``).join(", ");

/** The words for each reason a plan gives. Decisions never read these: they are for people only. */
const WORDS: Record<ReasonCode, (r: Reason) => string> = {
  new: () => "new in the stack",
  "deleted-outside": () => "deleted outside Mops",
  "stack-changed": () => "the stack differs from the platform",
  "changed-outside": () => "changed outside Mops; the stack wins",
  "dependency-recreated": (r) => `depends on ${r.address}, which is re-created`,
  "replace-forced": (r) => `the platform cannot update ${list(r.attributes)} in place`,
  "removed-from-stack": () => "no longer in the stack",
  "already-gone": () => "already deleted outside Mops",
  drained: (r) => `its previous version (id ${r.id}) has no contacts left`,
  replaced: (r) => `the previous object (id ${r.id}) of a replace`,
  "import-declared": () => "the stack's `import` entry names it",
  "adopt-requested": () => "adoption asked for with `--adopt`",
  "import-command": () => "imported by `mops import`",
  "own-mark": () => "this stack made it (its owner mark says so) but never recorded it: a create whose answer was lost",
  "update-after-adopt": () => "then updated to match the stack",
  "kind-unsupported": () => "the provider cannot manage this kind",
  "api-cannot": (r) => `the platform's API cannot ${r.operation ?? "change"} it`,
  "manual-changed": () => "the stack changed since the manual change was confirmed",
};

export const reasonWords = (r: Reason): string => WORDS[r.code]?.(r) ?? r.code;

/** All of a change's reasons in one line. */
export const reasonsLine = (rs: readonly Reason[]): string => rs.map(reasonWords).join("; ");
