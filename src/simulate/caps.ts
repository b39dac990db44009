import { durationMs, type FrequencyCapSpec } from "../model";
import type { SendOp } from "./program";

/**
 * Frequency caps as the simulation holds them: for each contact, the times of
 * the sends a cap counted in its last period, and what the cap stopped.
 */
export class Cap {
  readonly periodMs: number;
  /** By contact (filled up front: a sparse array degrades to a dictionary). */
  private readonly recent: (number[] | undefined)[];
  private readonly hitFlag: Uint8Array;
  hits = 0;
  contacts = 0;
  readonly byWorkflow: Record<string, number> = {};

  constructor(readonly name: string, readonly spec: FrequencyCapSpec, size: number) {
    this.periodMs = durationMs(spec.period);
    this.recent = new Array<number[] | undefined>(size).fill(undefined);
    this.hitFlag = new Uint8Array(size);
  }

  /** Does this cap count (and limit) this send of this workflow? */
  covers(workflow: string, s: SendOp): boolean {
    if (!this.spec.channels.includes(s.channel)) return false;
    if ((this.spec.exempt?.workflows ?? []).includes(workflow)) return false;
    return !s.transactional || this.spec.exempt?.transactional === false;
  }

  /** Is the contact's budget spent? Half-open window (now - period, now]: sends exactly one period apart do not share it, as the analysis counts. */
  full(c: number, now: number): boolean {
    const recent = this.recent[c];
    if (!recent) return false;
    while (recent.length && recent[0]! <= now - this.periodMs) recent.shift();
    return recent.length >= this.spec.max;
  }

  sent(c: number, now: number): void {
    (this.recent[c] ?? (this.recent[c] = [])).push(now);
  }

  stopped(c: number, workflow: string): void {
    this.hits++;
    this.byWorkflow[workflow] = (this.byWorkflow[workflow] ?? 0) + 1;
    if (!this.hitFlag[c]) (this.hitFlag[c] = 1), this.contacts++;
  }
}
