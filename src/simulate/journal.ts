/** What happened to whom, in columns: the raw material of contact timelines. */
export const J = {
  enter: 0, exit: 1, send: 2, capped: 3, noConsent: 4, opened: 5, clicked: 6, unsubscribed: 7, update: 8, segment: 9, webhook: 10,
} as const;

export class Journal {
  length = 0;
  time = new Float64Array(4096);
  contact = new Int32Array(4096);
  kind = new Uint8Array(4096);
  flow = new Int16Array(4096);
  a = new Int32Array(4096);
  b = new Int32Array(4096);

  add(time: number, contact: number, kind: number, flow: number, a: number, b: number): void {
    if (this.length === this.time.length) this.grow();
    const i = this.length++;
    this.time[i] = time;
    this.contact[i] = contact;
    this.kind[i] = kind;
    this.flow[i] = flow;
    this.a[i] = a;
    this.b[i] = b;
  }

  /** Entries of one contact, in time order. */
  of(contact: number): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.length; i++) if (this.contact[i] === contact) out.push(i);
    return out.sort((x, y) => this.time[x]! - this.time[y]! || x - y);
  }

  private grow(): void {
    const n = this.time.length * 2;
    const g = <T extends Float64Array | Int32Array | Int16Array | Uint8Array>(x: T, make: (k: number) => T): T => {
      const y = make(n);
      y.set(x);
      return y;
    };
    this.time = g(this.time, (k) => new Float64Array(k));
    this.contact = g(this.contact, (k) => new Int32Array(k));
    this.kind = g(this.kind, (k) => new Uint8Array(k));
    this.flow = g(this.flow, (k) => new Int16Array(k));
    this.a = g(this.a, (k) => new Int32Array(k));
    this.b = g(this.b, (k) => new Int32Array(k));
  }
}
