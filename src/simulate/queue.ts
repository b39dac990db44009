import { resizeFields } from "./population";

/**
 * The simulation's agenda: a binary heap over parallel typed arrays (no
 * object per entry), ordered by time, then rank (what kind of thing happens,
 * and a journey's priority), then insertion order, so equal times always
 * resolve the same way.
 */
export class Agenda {
  private time = new Float64Array(1024);
  private rank = new Int32Array(1024);
  private seq = new Int32Array(1024);
  private kind = new Uint8Array(1024);
  private a = new Int32Array(1024);
  private b = new Int32Array(1024);
  private n = 0;
  private counter = 0;

  get size(): number {
    return this.n;
  }

  push(time: number, rank: number, kind: number, a: number, b: number): void {
    if (this.n === this.time.length) this.grow();
    let i = this.n++;
    const seq = this.counter++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(time, rank, seq, p)) break;
      this.move(p, i);
      i = p;
    }
    this.set(i, time, rank, seq, kind, a, b);
  }

  /** Does the top come before an item with this time and rank (and a sequence number before any in the agenda)? */
  topBefore(time: number, rank: number): boolean {
    if (this.n === 0) return false;
    return this.time[0]! < time || (this.time[0] === time && this.rank[0]! < rank);
  }

  peekTime(): number {
    return this.n ? this.time[0]! : Infinity;
  }

  /** Removes the top; its fields are in `top` until the next pop. */
  readonly top = { time: 0, kind: 0, a: 0, b: 0 };
  pop(): void {
    const t = this.top;
    t.time = this.time[0]!;
    t.kind = this.kind[0]!;
    t.a = this.a[0]!;
    t.b = this.b[0]!;
    const last = --this.n;
    if (last === 0) return;
    const time = this.time[last]!, rank = this.rank[last]!, seq = this.seq[last]!;
    const kind = this.kind[last]!, a = this.a[last]!, b = this.b[last]!;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= last) break;
      if (c + 1 < last && this.less(c + 1, c)) c++;
      if (!this.lessThan(c, time, rank, seq)) break;
      this.move(c, i);
      i = c;
    }
    this.set(i, time, rank, seq, kind, a, b);
  }

  private before(time: number, rank: number, seq: number, j: number): boolean {
    const tj = this.time[j]!;
    if (time !== tj) return time < tj;
    const rj = this.rank[j]!;
    if (rank !== rj) return rank < rj;
    return seq < this.seq[j]!;
  }

  private lessThan(j: number, time: number, rank: number, seq: number): boolean {
    const tj = this.time[j]!;
    if (tj !== time) return tj < time;
    const rj = this.rank[j]!;
    if (rj !== rank) return rj < rank;
    return this.seq[j]! < seq;
  }

  private less(i: number, j: number): boolean {
    return this.lessThan(i, this.time[j]!, this.rank[j]!, this.seq[j]!);
  }

  private move(from: number, to: number): void {
    this.time[to] = this.time[from]!;
    this.rank[to] = this.rank[from]!;
    this.seq[to] = this.seq[from]!;
    this.kind[to] = this.kind[from]!;
    this.a[to] = this.a[from]!;
    this.b[to] = this.b[from]!;
  }

  private set(i: number, time: number, rank: number, seq: number, kind: number, a: number, b: number): void {
    this.time[i] = time;
    this.rank[i] = rank;
    this.seq[i] = seq;
    this.kind[i] = kind;
    this.a[i] = a;
    this.b[i] = b;
  }

  private grow(): void {
    resizeFields(this, ["time", "rank", "seq", "kind", "a", "b"], this.time.length * 2);
  }
}
