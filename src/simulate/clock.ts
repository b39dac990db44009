import { DAY_MS } from "./population";

/**
 * Local time for `wait: { until: { weekday, time, timezone } }`. Offsets come
 * from Intl (the IANA database Node ships) and are cached per zone and hour,
 * so DST changes are honoured and a million waits cost a few thousand lookups.
 */

const HOUR_MS = 3_600_000;
const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;

const formatters = new Map<string, Intl.DateTimeFormat>();
const offsets = new Map<string, Map<number, number>>();

const known = new Map<string, boolean>();
/** Is this a time zone Node knows? */
export function knownTimeZone(tz: string): boolean {
  let ok = known.get(tz);
  if (ok === undefined) {
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: tz });
      ok = true;
    } catch {
      ok = false;
    }
    known.set(tz, ok);
  }
  return ok;
}

/** Local time minus UTC, in ms, at the UTC instant `t`. */
function offsetAt(tz: string, t: number): number {
  if (tz === "UTC") return 0;
  let byHour = offsets.get(tz);
  if (!byHour) offsets.set(tz, (byHour = new Map()));
  const hour = Math.floor(t / HOUR_MS);
  let off = byHour.get(hour);
  if (off === undefined) {
    let f = formatters.get(tz);
    if (!f) {
      f = new Intl.DateTimeFormat("en-US", {
        timeZone: tz, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric",
      });
      formatters.set(tz, f);
    }
    const at = hour * HOUR_MS;
    const p = Object.fromEntries(f.formatToParts(at).map((x) => [x.type, x.value]));
    const local = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute));
    off = local - at;
    byHour.set(hour, off);
  }
  return off;
}

/** The UTC instant of a local wall-clock time (the earlier one when DST repeats it, the later side of a gap). */
function utcOf(tz: string, localMs: number): number {
  const guess = localMs - offsetAt(tz, localMs);
  return localMs - offsetAt(tz, guess);
}

/**
 * The first moment at or after `now` when the wait is over: a listed weekday
 * (any day when none is listed) at `time` local (the start of that day when
 * no time is given, and "now" when today already qualifies). Undefined when
 * the wait names neither: only its `max` can end it.
 */
export function untilMoment(now: number, until: { weekday?: string[]; time?: string; timezone?: string }): number | undefined {
  if (!until.weekday?.length && !until.time) return undefined;
  const tz = until.timezone ?? "UTC";
  const days = until.weekday?.length ? new Set(until.weekday) : undefined;
  const [hh, mm] = (until.time ?? "00:00").split(":").map(Number) as [number, number];
  const localNow = now + offsetAt(tz, now);
  const today = Math.floor(localNow / DAY_MS) * DAY_MS;
  for (let d = 0; d <= 8; d++) {
    const day = today + d * DAY_MS;
    if (days && !days.has(WEEKDAYS[new Date(day).getUTCDay()]!)) continue;
    if (!until.time && d === 0) return now;
    const at = utcOf(tz, day + hh * HOUR_MS + mm * 60_000);
    if (at >= now) return at;
  }
  return undefined;
}
