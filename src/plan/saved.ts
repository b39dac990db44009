import { Type } from "@sinclair/typebox";
import { error, type Diagnostic, type Result } from "../diagnostics";
import { ACTIONS, fingerprint, KINDS, REASON_CODES } from "../model";
import { firstProblem } from "../state/schema";
import { changeKey, type Plan, type ResourceChange } from "./types";

const hint = "run `mops plan --out` again and review the new plan";

const Str = Type.String();
const Change = Type.Object({
  address: Str,
  kind: Type.Union(KINDS.map((k) => Type.Literal(k))),
  name: Str,
  action: Type.Union(ACTIONS.map((a) => Type.Literal(a))),
  reasons: Type.Array(Type.Object({ code: Type.Union(REASON_CODES.map((c) => Type.Literal(c))) }, { additionalProperties: true })),
  id: Type.Optional(Str),
  replaceMode: Type.Optional(Type.Union(["delete-before-create", "create-before-delete", "drain"].map((m) => Type.Literal(m)))),
  retired: Type.Optional(Type.Boolean()),
}, { additionalProperties: true });

/** A saved plan file, strictly: anything else is refused before the stack is even read. */
const PlanFile = Type.Object({
  formatVersion: Type.Literal(2),
  stack: Str,
  environment: Str,
  provider: Str,
  createdAt: Str,
  changes: Type.Array(Change),
  steps: Type.Array(Type.Object({ id: Str, change: Str, phase: Str, after: Type.Array(Str) })),
  summary: Type.Record(Str, Type.Integer({ minimum: 0 })),
  fingerprints: Type.Object({ desired: Str, lineage: Str, stateSerial: Type.Integer(), state: Str, live: Str }, { additionalProperties: true }),
  request: Type.Optional(Type.Object({ adopt: Type.Optional(Type.Array(Str)), force: Type.Optional(Type.Boolean()), importAll: Type.Optional(Type.Boolean()) })),
  diagnostics: Type.Array(Type.Object({ code: Str, severity: Str, message: Str }, { additionalProperties: true })),
}, { additionalProperties: true });

/** Reads a saved plan back, checked against the plan file's shape. */
export function parseSavedPlan(text: string, file: string): Result<Plan> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { diagnostics: [error("plan/file-invalid", `${file} is not a Mops plan file: ${(e as Error).message}`, { hint: "make one with `mops plan --out plan.json`" })] };
  }
  const v = value as { formatVersion?: unknown } | null;
  if (v && typeof v === "object" && v.formatVersion === 1) {
    return { diagnostics: [error("plan/file-old", `${file} was saved by an earlier Mops, whose plans this one does not apply`, { hint })] };
  }
  const problem = firstProblem(PlanFile, value);
  if (problem) return { diagnostics: [error("plan/file-invalid", `${file} is not a valid Mops plan file: ${problem}`, { hint: "a saved plan must not be edited: make one with `mops plan --out plan.json`" })] };
  return { value: value as Plan, diagnostics: [] };
}

/** Everything that makes a change what it is: a saved plan is applied only if the fresh one matches it in all of this. */
function identity(c: ResourceChange): string {
  return [c.action, c.id ?? "-", c.replaceMode ?? "-", c.before === undefined ? "-" : fingerprint(c.before), c.after === undefined ? "-" : fingerprint(c.after)].join(" ");
}

const VERB: Record<string, string> = {
  create: "create", update: "update", replace: "replace", delete: "delete", adopt: "adopt", manual: "ask for a manual change to", noop: "leave",
};

/**
 * `mops apply plan.json` recomputes the plan under the lock and applies it
 * only if it is the saved one: every action, address, id and before/after
 * fingerprint the same, for the same stack, environment, provider and
 * state. Each difference is one diagnostic saying what moved.
 */
export function checkSavedPlan(saved: Plan, fresh: Plan): Diagnostic[] {
  const out: Diagnostic[] = [];
  const stale = (message: string, address?: string) => out.push(error("plan/stale", message, { hint, ...(address ? { address } : {}) }));
  if (saved.stack !== fresh.stack || saved.environment !== fresh.environment) {
    stale(`the plan is for ${saved.stack}/${saved.environment}, not ${fresh.stack}/${fresh.environment}`);
    return out;
  }
  if (saved.provider !== fresh.provider) stale(`the plan was made for the ${saved.provider} provider, the stack now uses ${fresh.provider}`);
  const f = saved.fingerprints;
  if (f.lineage !== fresh.fingerprints.lineage) stale(`the state lineage is ${fresh.fingerprints.lineage}, the plan was made for ${f.lineage}`);
  else if (f.state !== fresh.fingerprints.state) stale(`the state changed since the plan was made: another apply or import ran (state serial ${f.stateSerial} -> ${fresh.fingerprints.stateSerial})`);

  const before = new Map(saved.changes.map((c) => [changeKey(c), c]));
  const now = new Map(fresh.changes.map((c) => [changeKey(c), c]));
  for (const key of [...new Set([...before.keys(), ...now.keys()])].sort()) {
    const a = before.get(key), b = now.get(key);
    if (a && b && identity(a) === identity(b)) continue;
    const address = (a ?? b)!.address;
    // A change must carry exactly the declaration it was computed from: an `after` for a declared address, none otherwise.
    const declared = a && !a.retired ? f.desiredResources?.[a.address] : undefined;
    const tampered = !!a && !a.retired && !!f.desiredResources && (declared === undefined ? a.after !== undefined : a.after === undefined || fingerprint(a.after) !== declared);
    if (tampered || (a && a.action !== "noop" && !b)) {
      out.push(error("plan/tampered", `the plan file's change to ${key} is not the one computed from the stack`, { address, hint: "a saved plan must not be edited: run `mops plan --out` again" }));
    } else if (!a) stale(`a fresh plan has a change to ${key} that the saved plan does not (it would ${VERB[b!.action]} it)`, address);
    else if (!b) continue;
    else {
      const moved = a.action === b.action ? "" : `: the saved plan would ${VERB[a.action]} it, planned now it would ${VERB[b.action]} it`;
      if (fingerprint(a.before ?? null) !== fingerprint(b.before ?? null) || a.id !== b.id) stale(`live ${key} changed since the plan${moved}`, address);
      else if (fingerprint(a.after ?? null) !== fingerprint(b.after ?? null)) stale(`${key} changed in the stack since the plan${moved}`, address);
      else stale(`the saved plan would ${VERB[a.action]} ${key}; planned now, it would ${VERB[b.action]} it`, address);
    }
  }
  if (!out.length && fingerprint(saved.steps) !== fingerprint(fresh.steps)) {
    out.push(error("plan/tampered", "the plan file's steps are not the ones computed from the stack", { hint: "a saved plan must not be edited: run `mops plan --out` again" }));
  }
  return out;
}
