import { summaryOf, type ChangeRecord, type ChangeSummary, type Stack } from "../model";
import { changeKey, type ResourceChange } from "../plan";
import type { VersionCommand, VersionInput, Outcome } from "../state/types";

export interface RunMeta {
  actor: string;
  gitCommit?: string;
  command: VersionCommand;
  rollbackOf?: number;
  approvers?: string[];
}

/** A change as history keeps it: what was done, to which id, with which attributes, not the specs. */
export function changeRecord(c: ResourceChange, id?: string): ChangeRecord {
  const paths = c.attributes?.map((a) => a.path);
  return {
    address: c.address, kind: c.kind, name: c.name, action: c.action as ChangeRecord["action"], reasons: c.reasons,
    ...((id ?? c.id) ? { id: id ?? c.id } : {}),
    ...(c.replaceMode ? { replaceMode: c.replaceMode } : {}),
    ...(paths?.length ? { paths } : {}),
  };
}

export const summarize = (changes: readonly ChangeRecord[]): ChangeSummary => summaryOf(changes, (c) => !!c.paths?.length);

/** The version a run records: what it did (not what it planned and did not do), and what failed. */
export function versionOf(
  meta: RunMeta & { run: string; desired: Stack; stateSerial: number },
  done: readonly ResourceChange[],
  outcome: Outcome,
  errors: { address: string; message: string }[],
  ids: ReadonlyMap<string, string> = new Map(),
): VersionInput {
  const changes = done.map((c) => changeRecord(c, c.action === "create" || c.action === "replace" ? ids.get(changeKey(c)) : undefined));
  return {
    time: new Date().toISOString(),
    actor: meta.actor,
    ...(meta.gitCommit ? { gitCommit: meta.gitCommit } : {}),
    command: meta.command,
    ...(meta.rollbackOf !== undefined ? { rollbackOf: meta.rollbackOf } : {}),
    run: meta.run,
    desired: meta.desired,
    changes,
    summary: summarize(changes),
    outcome,
    ...(errors.length ? { errors } : {}),
    ...(meta.approvers?.length ? { approvers: meta.approvers } : {}),
    stateSerial: meta.stateSerial,
  };
}
