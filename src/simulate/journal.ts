import { resizeFields } from "./population";

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
    resizeFields(this, ["time", "contact", "kind", "flow", "a", "b"], this.time.length * 2);
  }
}
