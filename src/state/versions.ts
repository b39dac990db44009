import type { ChangeRecord, ChangeSummary } from "../model";
import { firstProblem, VersionSchema } from "./schema";
import { StateError, type HistoryVersion, type VersionSummary } from "./types";

const BROKEN = "run `mops history --verify` to find the first damaged version, and restore the history from a backup";

/** What versions written before `changes` existed held: the whole plan. */
interface LegacyPlan {
  changes: { address: string; kind: ChangeRecord["kind"]; name: string; action: string; id?: string }[];
  summary: ChangeSummary;
}

/**
 * A stored version as this release reads it: checked against its schema
 * (damage names the version and the field); versions written before
 * `changes` existed carried their whole plan, from which the changes are taken.
 */
export function readVersion(raw: unknown, where: string): HistoryVersion {
  const v = raw as Record<string, unknown> | null;
  if (v && typeof v === "object" && !("changes" in v) && v.plan && typeof v.plan === "object") {
    const { plan, ...rest } = v as { plan: LegacyPlan } & Record<string, unknown>;
    const changes: ChangeRecord[] = (plan.changes ?? [])
      .filter((c) => c.action !== "noop")
      .map((c) => ({ address: c.address, kind: c.kind, name: c.name, action: c.action as ChangeRecord["action"], reasons: [], ...(c.id ? { id: c.id } : {}) }));
    return readVersion({ ...rest, changes, summary: plan.summary }, where);
  }
  const problem = firstProblem(VersionSchema, raw);
  if (problem) throw new StateError(`${where} is damaged: ${problem}`, BROKEN);
  return raw as HistoryVersion;
}

export function summaryOf(v: HistoryVersion): VersionSummary {
  const { desired: _d, changes: _c, errors: _e, ...rest } = v;
  return rest;
}
