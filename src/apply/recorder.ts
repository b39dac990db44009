import type { JournaledOperation, RunJournal, State, StateDelta, StateStore } from "../state/types";
import type { FallbackJournal } from "./fallback";

/**
 * A run's writes to the state: its start, each operation before its request
 * is sent, each result as it arrives, its end. Once the store fails, nothing
 * new may start (`healthy` turns false): results of operations already on the
 * platform go to the fallback journal on this machine instead, for the next
 * run to record.
 */
export class RunRecorder {
  private seq = 0;
  private failure?: unknown;

  private constructor(
    private readonly store: StateStore,
    private readonly fallback: FallbackJournal,
    private latest: State,
    readonly run: Omit<RunJournal, "operations">,
  ) {}

  static async begin(store: StateStore, fallback: FallbackJournal, run: Omit<RunJournal, "operations">): Promise<RunRecorder> {
    const state = await store.apply({ type: "run-begin", run });
    return new RunRecorder(store, fallback, state, run);
  }

  get state(): State {
    return this.latest;
  }

  /** False once a write failed: the run must start nothing more. */
  get healthy(): boolean {
    return this.failure === undefined;
  }

  get error(): unknown {
    return this.failure;
  }

  /** Journal an operation before its request is sent; throws (and nothing is sent) when the store cannot take it. */
  async start(op: Omit<JournaledOperation, "op" | "startedAt">): Promise<string> {
    if (this.failure) throw this.failure;
    const id = `${this.run.id}:${++this.seq}`;
    try {
      const s = await this.store.apply({ type: "op-begin", operation: { ...op, op: id, startedAt: new Date().toISOString() } });
      if (s.serial > this.latest.serial) this.latest = s;
    } catch (e) {
      this.failure ??= e;
      throw e;
    }
    return id;
  }

  /** Record what a finished operation changed. The platform did it: a store failure here is not its failure. */
  async finish(deltas: StateDelta[]): Promise<void> {
    await this.write(deltas);
  }

  async failed(op: string, message: string): Promise<void> {
    await this.write([{ type: "op-end", op, result: "failed", message }]);
  }

  async end(): Promise<void> {
    if (this.failure) return;
    await this.write([{ type: "run-end", run: this.run.id }]);
  }

  private async write(deltas: StateDelta[]): Promise<void> {
    for (let i = 0; i < deltas.length; i++) {
      if (this.failure) return this.fallback.append(this.latest.lineage, deltas.slice(i));
      try {
        const s = await this.store.apply(deltas[i]!);
        if (s.serial > this.latest.serial) this.latest = s;
      } catch (e) {
        this.failure = e;
        return this.fallback.append(this.latest.lineage, deltas.slice(i));
      }
    }
  }
}
