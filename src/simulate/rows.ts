import type { Scalar } from "../model";
import type { ContactRow } from "../model/population";
import { getValue, isoOf, PopulationBuilder, type Population } from "./population";

/** Contacts as rows (files, the sandbox platform) into a builder: undeclared properties are dropped, as the stack cannot read them. */
export function addRows(b: PopulationBuilder, rows: readonly ContactRow[], firstId = 0): void {
  rows.forEach((row, n) => {
    const created = row.created_at ? Date.parse(row.created_at) : -Infinity;
    const i = b.addContact(row.id ?? `row${firstId + n + 1}`, created);
    for (const [k, v] of Object.entries(row.properties ?? {})) b.setProperty(i, k, v);
    for (const s of row.consents ?? []) b.setConsent(i, s);
    for (const s of row.segments ?? []) b.setSegment(i, s);
    for (const e of row.events ?? []) b.addEvent(i, b.eventType(e.event), Date.parse(e.at), e.properties);
  });
}

/**
 * The population as rows, as it stands at `at`: contacts that exist by
 * then, with the events that happened by then (what a platform would hold).
 */
export function* toRows(p: Population, at: number): Generator<ContactRow> {
  const ev = p.events;
  const T = Math.max(1, ev.names.length);
  for (let c = 0; c < p.size; c++) {
    if (p.created[c]! > at) continue;
    const properties: Record<string, Scalar | Scalar[]> = {};
    for (const [name, col] of p.properties) {
      const v = getValue(col, c);
      if (v !== undefined) properties[name] = v;
    }
    const events: NonNullable<ContactRow["events"]> = [];
    for (let t = 0; t < ev.names.length; t++) {
      for (let k = ev.offsets[c * T + t]!; k < ev.offsets[c * T + t + 1]! && ev.time[k]! <= at; k++) {
        const props: Record<string, Scalar> = {};
        for (const [name, col] of ev.properties.get(t) ?? []) {
          const v = getValue(col, k);
          if (v !== undefined && !Array.isArray(v)) props[name] = v;
        }
        events.push({ event: ev.names[t]!, at: new Date(ev.time[k]!).toISOString(), ...(Object.keys(props).length ? { properties: props } : {}) });
      }
    }
    events.sort((x, y) => (x.at < y.at ? -1 : x.at > y.at ? 1 : 0));
    const consents = [...p.consents].filter(([, a]) => a[c] === 1).map(([n]) => n);
    const segments = [...p.segments].filter(([, a]) => a[c] === 1).map(([n]) => n);
    yield {
      id: p.ids[c]!,
      ...(Number.isFinite(p.created[c]!) ? { created_at: isoOf(p.created[c]!) } : {}),
      properties, consents, segments, events,
    };
  }
}
