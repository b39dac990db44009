import type { Contact } from "./evaluate";
import type { AnalysisContext } from "./context";

/** A witness in words: "a contact with country = DE, did placed_order 2 times in the last 30 days…". */
export function describeWitness(ctx: AnalysisContext, w: Contact): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(w.properties)) {
    const pii = ctx.env.properties.get(k)?.pii;
    parts.push(pii ? `${k} set` : `${k} = ${JSON.stringify(v)}`);
  }
  const byEvent = new Map<string, number[]>();
  for (const e of w.events) byEvent.set(e.event, [...(byEvent.get(e.event) ?? []), e.daysAgo]);
  for (const [event, days] of byEvent) {
    const now = days.filter((d) => d === 0).length;
    const earlier = days.length - now;
    if (now) parts.push(`does ${event} now`);
    if (earlier) parts.push(`did ${event} ${earlier} time(s) ${Math.max(...days)} day(s) ago`);
  }
  for (const c of w.consents) parts.push(`consented to ${c}`);
  for (const s of w.segments) parts.push(`is in segment ${s}`);
  return parts.length ? parts.join(", ") : "any contact";
}

/** The witness as shown in machine output: PII properties masked. */
export function maskedWitness(ctx: AnalysisContext, w: Contact): Contact {
  const properties = Object.fromEntries(
    Object.entries(w.properties).map(([k, v]) => [k, ctx.env.properties.get(k)?.pii ? "<redacted>" : v]),
  );
  return { ...w, properties };
}
