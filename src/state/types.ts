import type { ChangeRecord, ChangeSummary, Kind, Resource, Stack } from "../model";

/** What Mops knows of one managed resource after the last successful operation on it. */
export interface StateResource {
  address: string;
  kind: Kind;
  name: string;
  /** Platform id; absent for a manual change a person confirmed (the API cannot see it). */
  id?: string;
  /** The neutral spec as last applied (normalised, secrets as references), for drift and three-way plans. */
  attributes: Resource["spec"];
  /** Platform concurrency token at the last write, if any. */
  version?: string;
  /**
   * `created` by Mops, `imported` (adopted because the stack, a flag or
   * `mops import` said so), or `confirmed`: a manual change a person said is done.
   */
  origin: "created" | "imported" | "confirmed";
  /** Who confirmed a manual change. */
  confirmedBy?: string;
  /** The version number of the run that last wrote it. */
  changedIn?: number;
  updatedAt: string;
}

/**
 * An object Mops still owns that no address points to any more: the old half
 * of a replace whose delete has not happened yet (`replace`), or the old
 * version of a journey that must drain before it goes (`drain`).
 */
export interface RetiredObject {
  address: string;
  kind: Kind;
  id: string;
  /** Its spec when retired: the references it still holds. */
  attributes: Resource["spec"];
  mode: "replace" | "drain";
  since: string;
  /** For `drain`: the platform stopped admitting new contacts to it. */
  stopped?: boolean;
}

/** One operation of a run: journaled before its request is sent, finished when its result is recorded. */
export interface JournaledOperation {
  /** Unique within the run. */
  op: string;
  address: string;
  kind: Kind;
  name: string;
  action: "create" | "update" | "delete" | "adopt" | "confirm" | "retire";
  /** The platform id acted on (update, delete, adopt, retire). */
  id?: string;
  /** What the request sends (create, update), secrets as references. */
  after?: Resource["spec"];
  startedAt: string;
  result?: "done" | "failed";
  /** For a failure: the platform's words. */
  message?: string;
}

/** A run that changes the platform, from its start under the lock until its version is recorded. */
export interface RunJournal {
  id: string;
  actor: string;
  command: VersionCommand;
  startedAt: string;
  /** The version number this run records (the lock is held, so nobody takes it first). */
  version: number;
  gitCommit?: string;
  rollbackOf?: number;
  approvers?: string[];
  desired: Stack;
  operations: JournaledOperation[];
}

export interface State {
  /** Random id fixed when the state is first created; a plan from another lineage is refused. */
  lineage: string;
  /** Incremented on every write. */
  serial: number;
  stack: string;
  environment: string;
  resources: Record<string, StateResource>;
  /** Keyed `address@id`. */
  retired?: Record<string, RetiredObject>;
  /** The run in progress, or one that was killed: the next run recovers it. */
  run?: RunJournal;
}

/**
 * One journaled change of state. Every write is one of these, so a crash
 * between two of them leaves a state that says exactly how far a run got.
 */
export type StateDelta =
  | { type: "resource"; address: string; resource: StateResource | null; op?: string }
  | { type: "retired"; key: string; object: RetiredObject | null; op?: string }
  | { type: "run-begin"; run: Omit<RunJournal, "operations"> }
  | { type: "op-begin"; operation: JournaledOperation }
  | { type: "op-end"; op: string; result: "done" | "failed"; message?: string }
  | { type: "run-end"; run: string };

export type VersionCommand = "apply" | "rollback" | "import";
/** `cancelled`: interrupted before its first operation; `recovered`: a killed run, recorded by the next one. */
export type Outcome = "complete" | "partial" | "failed" | "cancelled" | "recovered";

/** One immutable entry of history: one apply (or rollback, or import, or recovered run). */
export interface HistoryVersion {
  version: number;
  time: string;
  actor: string;
  gitCommit?: string;
  command: VersionCommand;
  /** For rollback: the version whose desired state was restored. */
  rollbackOf?: number;
  /** The run that made it (its journal id). */
  run?: string;
  /** The resolved desired stack (secrets stay references). */
  desired: Stack;
  /** What was done: only actions, never no-ops. */
  changes: ChangeRecord[];
  summary: ChangeSummary;
  outcome: Outcome;
  /** Addresses whose operation failed, with the reason. */
  errors?: { address: string; message: string }[];
  approvers?: string[];
  /** For a recovered run: who recorded it, when. */
  recoveredBy?: { actor: string; time: string };
  /** State serial after this version was recorded. */
  stateSerial: number;
  /** sha256 of the previous version's hash + this version's canonical content. */
  prevHash: string;
  hash: string;
}

/** What `history` lists: a version without its desired stack and changes. */
export type VersionSummary = Omit<HistoryVersion, "desired" | "changes" | "errors">;

export interface LockInfo {
  id: string;
  holder: string;
  operation: string;
  time: string;
  pid?: number;
  host?: string;
}

/** The second apply gets this: who holds the lock, since when. */
export class LockedError extends Error {
  /** `note`: what the backend knows beyond the holder, e.g. that the holding process is gone. */
  constructor(
    readonly info: LockInfo,
    readonly note?: string,
  ) {
    super(`state is locked by ${info.holder} (${info.operation}) since ${info.time}${note ? `: ${note}` : ""}`);
    this.name = "LockedError";
  }
}

export interface HistoryCheck {
  ok: boolean;
  /** First version whose hash does not match, with why. */
  broken?: { version: number; reason: string };
  /** Versions checked. */
  checked?: number;
}

/** The state of one stack+environment: a snapshot plus journaled deltas. */
export interface StateStore {
  /** The current state; an empty state with a new lineage (stored at once) if none exists. */
  read(): Promise<State>;
  /** Journal one delta durably and return the new state. */
  apply(delta: StateDelta): Promise<State>;
  /** Replace the whole state (tests, repair). Atomic. */
  write(state: State): Promise<State>;
}

/** A held lock: `lost` fires when another run may hold it now (force-unlock, a dead session). */
export interface HeldLock {
  info: LockInfo;
  lost: AbortSignal;
  /** Throws StateError when the lock is no longer this run's. */
  assertHeld(): Promise<void>;
  release(): Promise<void>;
}

/** One run at a time per stack and environment. */
export interface Locker {
  /** Take the lock, waiting up to `timeoutMs` (default 0: fail at once) while another run holds it; LockedError otherwise. */
  lock(operation: string, holder: string, opts?: { timeoutMs?: number; signal?: AbortSignal }): Promise<HeldLock>;
  /** Remove a lock left by a killed process. */
  forceUnlock(lockId?: string): Promise<LockInfo | undefined>;
  current(): Promise<LockInfo | undefined>;
}

export type VersionInput = Omit<HistoryVersion, "version" | "prevHash" | "hash">;

/** Versions, hash-chained. */
export interface HistoryStore {
  /** Append; number, prevHash and hash are assigned here. */
  append(v: VersionInput): Promise<HistoryVersion>;
  /** The newest version, without reading the others. */
  latest(): Promise<HistoryVersion | undefined>;
  /** Version n as stored (not verified: see `verify`). */
  get(n: number): Promise<HistoryVersion | undefined>;
  /** Newest first: at most `limit` summaries of versions numbered below `before`. */
  page(opts: { limit: number; before?: number }): Promise<{ versions: VersionSummary[]; total: number }>;
  /** Recompute the chain from version 1 up to `upTo` (default: all), reading in bounded batches. */
  verify(upTo?: number): Promise<HistoryCheck>;
}

/** What `openBackend` gives: the three stores of one stack+environment. */
export interface StateBackend {
  readonly kind: "local" | "postgres";
  /**
   * A directory on this machine for what only this machine may need: the
   * results of operations that finished after the state store failed, which
   * the next run here records before anything else.
   */
  readonly localDir: string;
  readonly state: StateStore;
  readonly locker: Locker;
  readonly history: HistoryStore;
  close(): Promise<void>;
}

/**
 * The state store cannot be used as it is (a damaged file, a broken
 * connection, a write lock that never freed): the user's news, with what to
 * do, not a bug.
 */
export class StateError extends Error {
  constructor(message: string, readonly hint?: string) {
    super(message);
    this.name = "StateError";
  }
}
