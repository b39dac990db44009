import { promises as fs } from "node:fs";
import { join } from "node:path";
import { withFileMutex } from "./files";
import { copy, nextSerialForWrite } from "../delta";
import { serialize } from "../queue";
import { StateFiles } from "./state-files";
import type { State, StateDelta, StateStore } from "../types";

/**
 * State as files under one directory:
 *   state.json     a snapshot, replaced atomically (temp + fsync + rename + dir fsync)
 *   journal.jsonl  deltas since the snapshot, one fdatasync'ed line each (see StateFiles)
 *   .write.lock    a short mutex around each read or write of the two above
 */
export class LocalStateStore implements StateStore {
  private readonly files: StateFiles;

  constructor(
    private readonly dir: string,
    private readonly stack: string,
    private readonly environment: string,
  ) {
    this.files = new StateFiles(join(dir, "state.json"), join(dir, "journal.jsonl"), stack, environment);
  }

  /** The stored state; when there is none, an empty one is stored first (see StateFiles.load). */
  async read(): Promise<State> {
    return structuredClone(await this.exclusive(() => this.files.load()));
  }

  apply(delta: StateDelta): Promise<State> {
    return this.exclusive(async () => copy(await this.files.apply(delta)));
  }

  write(state: State): Promise<State> {
    return this.exclusive(async () => {
      const next = { ...structuredClone(state), stack: this.stack, environment: this.environment, serial: nextSerialForWrite(await this.files.load(), state) };
      await this.files.write(next);
      return copy(next);
    });
  }

  /** Under the in-process queue and the cross-process mutex: one reader or writer of the state files at a time. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return serialize(this.dir, async () => {
      await fs.mkdir(this.dir, { recursive: true });
      return withFileMutex(join(this.dir, ".write.lock"), fn);
    });
  }
}
