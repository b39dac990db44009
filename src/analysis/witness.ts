import type { Contact } from "./evaluate";
import type { AnalysisContext } from "./context";

/** A witness in words: "country = \"DE\", does cart_updated (items = 3, currency = \"EUR\") now, did placed_order 2 time(s) 30 day(s) ago…". */
export function describeWitness(ctx: AnalysisContext, w: Contact): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(w.properties)) {
    const pii = ctx.env.properties.get(k)?.pii;
    parts.push(pii ? `${k} set` : `${k} = ${JSON.stringify(v)}`);
  }
  // Occurrences alike (event, time, properties) are told once, with how many.
  const alike = new Map<string, { event: string; daysAgo: number; props: string; n: number }>();
  for (const e of w.events) {
    const props = Object.entries(e.properties ?? {}).map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join(", ");
    const key = JSON.stringify([e.event, e.daysAgo, props]);
    const a = alike.get(key);
    if (a) a.n++;
    else alike.set(key, { event: e.event, daysAgo: e.daysAgo, props, n: 1 });
  }
  for (const { event, daysAgo, props, n } of alike.values()) {
    const what = props ? `${event} (${props})` : event;
    parts.push(daysAgo === 0 ? `does ${what}${n > 1 ? ` ${n} times` : ""} now` : `did ${what} ${n} time(s) ${daysAgo} day(s) ago`);
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
