import type { Kind, Resource, Stack } from "../model";
import type { Plan } from "../plan/types";

/** What Mops knows of one managed resource after the last successful operation on it. */
export interface StateResource {
  address: string;
  kind: Kind;
  name: string;
  /** Platform id. */
  id: string;
  /** The neutral spec as last applied (normalised), for drift and three-way plans. */
  attributes: Resource["spec"];
  /** Platform concurrency token at the last write, if any. */
  version?: string;
  /** `created` by Mops or `imported` (adopted from the platform). */
  origin: "created" | "imported";
  updatedAt: string;
}

export interface State {
  /** Random id fixed when the state is first created; a plan from another lineage is refused. */
  lineage: string;
  /** Incremented on every write. */
  serial: number;
  stack: string;
  environment: string;
  resources: Record<string, StateResource>;
}

export type Outcome = "complete" | "partial" | "failed";

/** One immutable entry of history: one apply (or rollback, or import). */
export interface HistoryVersion {
  version: number;
  time: string;
  actor: string;
  gitCommit?: string;
  command: "apply" | "rollback" | "import";
  /** For rollback: the version whose desired state was restored. */
  rollbackOf?: number;
  /** The resolved desired stack (secrets stay references). */
  desired: Stack;
  plan: Plan;
  outcome: Outcome;
  /** Addresses whose operation failed, with the reason. */
  errors?: { address: string; message: string }[];
  approvers?: string[];
  /** State serial after this version was recorded. */
  stateSerial: number;
  /** sha256 of the previous version's hash + this version's canonical content. */
  prevHash: string;
  hash: string;
}

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
}

/**
 * A state backend stores one stack+environment's state and history.
 * `local` (files under .mops/) and `postgres` implement it identically and
 * run the same conformance tests.
 */
export interface StateBackend {
  readonly kind: "local" | "postgres";
  /** Read the current state; an empty state with a new lineage if none exists. */
  read(): Promise<State>;
  /**
   * Journal one finished operation (the moment it finishes): set or remove one
   * resource, bump the serial, write atomically. Returns the new state.
   */
  record(address: string, resource: StateResource | null): Promise<State>;
  /** Replace the whole state (import, tests). Atomic. */
  write(state: State): Promise<State>;
  /** Acquire the lock or throw LockedError. */
  lock(operation: string, holder: string): Promise<LockInfo>;
  unlock(lockId: string): Promise<void>;
  /** Remove a lock left by a killed process. */
  forceUnlock(lockId?: string): Promise<LockInfo | undefined>;
  currentLock(): Promise<LockInfo | undefined>;
  /** Append a version; number, prevHash and hash are assigned here. */
  appendVersion(v: Omit<HistoryVersion, "version" | "prevHash" | "hash">): Promise<HistoryVersion>;
  listVersions(): Promise<HistoryVersion[]>;
  /** The newest version, without reading the others (plan and apply ask on every run). */
  latestVersion(): Promise<HistoryVersion | undefined>;
  getVersion(n: number): Promise<HistoryVersion | undefined>;
  verifyHistory(): Promise<HistoryCheck>;
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
