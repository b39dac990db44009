import { promises as fs } from "node:fs";
import { dirname } from "node:path";
import { Type } from "@sinclair/typebox";
import { createExclusive, errno, replaceFile, syncDir } from "./files";
import { applyDelta, newState } from "../delta";
import { DeltaSchema, firstProblem, parseStored, StateResourceSchema, StateSchema } from "../schema";
import { StateError, type State, type StateDelta, type StateResource } from "../types";

/** One journal line: the state with `serial - 1` plus this delta gives the state with `serial`. */
interface Entry {
  lineage: string;
  serial: number;
  delta: StateDelta;
}

/** Lines written before deltas existed: one resource set or removed. */
interface LegacyEntry {
  lineage: string;
  serial: number;
  address: string;
  resource: StateResource | null;
}

const EntrySchema = Type.Union([
  Type.Object({ lineage: Type.String(), serial: Type.Integer({ minimum: 1 }), delta: DeltaSchema }),
  Type.Object({
    lineage: Type.String(),
    serial: Type.Integer({ minimum: 1 }),
    address: Type.String(),
    resource: Type.Union([StateResourceSchema, Type.Null()]),
  }),
]);

/** Compact when the journal outgrows both this and the snapshot, so rewrites stay amortised O(1) per delta. */
const COMPACT_MIN_BYTES = 256 * 1024;

const RESTORE = "restore the state directory from a backup; or move it aside and run `mops import --force`, which adopts the live objects this stack made into a new state";

/**
 * The state of one stack+environment as a snapshot (`state.json`, replaced
 * atomically) plus a journal of later deltas (`journal.jsonl`, appended and
 * fdatasync'ed). A delta costs one small append instead of rewriting the
 * whole state, which matters when an apply of 1,000 resources records 1,000
 * times. The caller serialises all calls (the local store's mutex).
 *
 * Crash safety: a torn last line (a crash mid-append) was never acknowledged,
 * so it is ignored and cut off before the next append; a crash between writing
 * a new snapshot and emptying the journal leaves entries the snapshot already
 * contains, which are skipped by serial. Anything else that does not read
 * back as written is damage, reported with the file and the field.
 */
export class StateFiles {
  /** What this process last saw: valid while state.json is the same file and the journal only grew. */
  private cache?: { state: State; snapshot: string; journalLength: number };

  constructor(
    private readonly statePath: string,
    private readonly journalPath: string,
    private readonly stack: string,
    private readonly environment: string,
  ) {}

  /**
   * The current state. When none is stored, an empty one is stored first, so
   * that a plan made now and the apply of it agree on the lineage.
   */
  async load(): Promise<State> {
    return (await this.sync()).state;
  }

  async apply(delta: StateDelta): Promise<State> {
    const cur = await this.sync();
    const next = applyDelta(cur.state, delta);
    const entry: Entry = { lineage: next.lineage, serial: next.serial, delta };
    const line = JSON.stringify(entry) + "\n";
    const existed = cur.journalSize > 0 || (await exists(this.journalPath));
    const h = await fs.open(this.journalPath, "a");
    try {
      // Cut a torn line left by a crash, or the next entry would be glued to it.
      if (cur.journalSize > cur.journalLength) await h.truncate(cur.journalLength);
      await h.write(line);
      await h.datasync();
    } finally {
      await h.close();
    }
    if (!existed) await syncDir(dirname(this.journalPath));
    const journalLength = cur.journalLength + Buffer.byteLength(line);
    this.cache = { state: next, snapshot: cur.snapshot, journalLength };
    if (journalLength > Math.max(COMPACT_MIN_BYTES, cur.snapshotSize)) await this.write(next);
    return next;
  }

  /** Store `state` as the snapshot and empty the journal. */
  async write(state: State): Promise<void> {
    await replaceFile(this.statePath, JSON.stringify(state, null, 2) + "\n");
    await fs.truncate(this.journalPath, 0).catch((e) => {
      if (errno(e) !== "ENOENT") throw e;
    });
    this.cache = { state, snapshot: await this.snapshotKey(), journalLength: 0 };
  }

  private async sync(): Promise<{ state: State; snapshot: string; snapshotSize: number; journalLength: number; journalSize: number }> {
    let st = await fs.stat(this.statePath).catch((e) => {
      if (errno(e) === "ENOENT") return undefined;
      throw e;
    });
    if (!st) {
      await fs.mkdir(dirname(this.statePath), { recursive: true });
      // Exclusive: if another process creates it first, theirs is the lineage.
      await createExclusive(this.statePath, JSON.stringify(newState(this.stack, this.environment), null, 2) + "\n");
      st = await fs.stat(this.statePath);
    }
    if (!st.isFile()) throw new StateError(`${this.statePath} is not a regular file`, RESTORE);
    const snapshot = keyOf(st);
    const cached = this.cache?.snapshot === snapshot ? this.cache : undefined;
    let state = cached?.state ?? this.parse(await fs.readFile(this.statePath, "utf8"));
    let offset = cached?.journalLength ?? 0;
    const { size: journalSize, tail } = await readFrom(this.journalPath, offset);
    if (journalSize < offset) {
      // Emptied behind our back while state.json kept its key: start over from the files.
      this.cache = undefined;
      return this.sync();
    }
    for (let at = 0; ; ) {
      const nl = tail.indexOf(0x0a, at);
      if (nl < 0) break;
      state = this.replay(state, tail.subarray(at, nl).toString("utf8"));
      offset += nl + 1 - at;
      at = nl + 1;
    }
    this.cache = { state, snapshot, journalLength: offset };
    return { state, snapshot, snapshotSize: st.size, journalLength: offset, journalSize };
  }

  private replay(state: State, line: string): State {
    const e = parseStored<Entry | LegacyEntry>(EntrySchema, line, `${this.journalPath} (entry after serial ${state.serial})`, RESTORE);
    // Older than the snapshot (a crash between snapshot and emptying the journal), or from a replaced lineage.
    if (e.lineage !== state.lineage || e.serial <= state.serial) return state;
    if (e.serial !== state.serial + 1) {
      throw new StateError(`${this.journalPath} jumps from serial ${state.serial} to ${e.serial}`, RESTORE);
    }
    return applyDelta(state, "delta" in e ? e.delta : { type: "resource", address: e.address, resource: e.resource });
  }

  private parse(text: string): State {
    const state = parseStored<State>(StateSchema, text, this.statePath, RESTORE);
    if (state.stack !== this.stack || state.environment !== this.environment) {
      throw new StateError(
        `${this.statePath} holds the state of ${state.stack}/${state.environment}, not ${this.stack}/${this.environment}`,
        RESTORE,
      );
    }
    for (const [address, r] of Object.entries(state.resources)) {
      if (r.address !== address) throw new StateError(`${this.statePath} is damaged: resources["${address}"].address says ${JSON.stringify(r.address)}`, RESTORE);
    }
    return state;
  }

  private async snapshotKey(): Promise<string> {
    return keyOf(await fs.stat(this.statePath));
  }
}

/** Whether `text` is a state document this release can read; the problem in words otherwise. */
export const stateProblem = (value: unknown): string | undefined => firstProblem(StateSchema, value);

/** Changes whenever state.json is replaced (rename gives a new inode) or rewritten. */
const keyOf = (st: { ino: number; size: number; mtimeMs: number; ctimeMs: number }) =>
  `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;

/** The file's size and its bytes from `offset` on (none when it does not exist). */
async function readFrom(path: string, offset: number): Promise<{ size: number; tail: Buffer }> {
  let h: fs.FileHandle;
  try {
    h = await fs.open(path, "r");
  } catch (e) {
    if (errno(e) === "ENOENT") return { size: 0, tail: Buffer.alloc(0) };
    throw e;
  }
  try {
    const { size } = await h.stat();
    if (size <= offset) return { size, tail: Buffer.alloc(0) };
    const tail = Buffer.alloc(size - offset);
    await h.read(tail, 0, tail.length, offset);
    return { size, tail };
  } finally {
    await h.close();
  }
}

const exists = (path: string) =>
  fs.stat(path).then(
    () => true,
    () => false,
  );
