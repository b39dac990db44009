/**
 * What can go wrong on purpose: tests and rehearsals turn these on to prove
 * that retries, journaling and crash recovery work.
 */
export interface Faults {
  /** Probability (0..1) that a /v1 request is answered 503 before it does anything. */
  errorRate?: number;
  /** Probability (0..1) that a /v1 request is answered 429 with `Retry-After` before it does anything. */
  throttleRate?: number;
  /** The `Retry-After` those 429s carry, in seconds (default 1). */
  retryAfterSeconds?: number;
  /** Seed of the fault dice, so a failing run can be replayed. */
  seed?: number;
  /** Added to every /v1 request. */
  latencyMs?: number;
  /** Die right after the Nth successful write (counted from when faults were set) is persisted. */
  crashAfterWrites?: number;
  /** `process` (default): SIGKILL the whole process, as a killed `mops apply` would die. `server`: drop every connection and stop listening. */
  crashMode?: "process" | "server";
}

const KEYS: Record<keyof Faults, (v: unknown) => boolean> = {
  errorRate: (v) => typeof v === "number" && v >= 0 && v <= 1,
  throttleRate: (v) => typeof v === "number" && v >= 0 && v <= 1,
  retryAfterSeconds: (v) => Number.isInteger(v) && (v as number) >= 0,
  seed: (v) => Number.isInteger(v),
  latencyMs: (v) => typeof v === "number" && v >= 0,
  crashAfterWrites: (v) => Number.isInteger(v) && (v as number) >= 1,
  crashMode: (v) => v === "process" || v === "server",
};

/** Checks a faults object from JSON (env var, admin API); returns the problem in words. */
export function parseFaults(input: unknown): { faults?: Faults; problem?: string } {
  if (!input || typeof input !== "object" || Array.isArray(input)) return { problem: "faults must be a JSON object" };
  for (const [k, v] of Object.entries(input)) {
    const check = KEYS[k as keyof Faults];
    if (!check) return { problem: `unknown fault \`${k}\` (known: ${Object.keys(KEYS).join(", ")})` };
    if (!check(v)) return { problem: `fault \`${k}\` has an invalid value ${JSON.stringify(v)}` };
  }
  return { faults: input as Faults };
}

export function parseFaultsJson(text: string | undefined): { faults?: Faults; problem?: string } {
  if (text === undefined || text.trim() === "") return { faults: {} };
  try {
    return parseFaults(JSON.parse(text));
  } catch {
    return { problem: "MOPS_SANDBOX_FAULTS is not valid JSON" };
  }
}

/** mulberry32: tiny, seedable, good enough for fault dice. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Token bucket: `rate` requests per second, bursts up to one second's worth. */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly capacity: number;

  /** `clock` in milliseconds: a test freezes it so that a burst meets an empty bucket whatever the machine's speed. */
  constructor(
    private readonly rate: number,
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.capacity = Math.max(1, rate);
    this.tokens = this.capacity;
    this.last = clock();
  }

  /** Takes a token, or says how many ms until one is free; `remaining` is what is left of the burst. */
  take(): { ok: true; remaining: number } | { ok: false; waitMs: number } {
    const now = this.clock();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { ok: true, remaining: Math.floor(this.tokens) };
    }
    return { ok: false, waitMs: ((1 - this.tokens) / this.rate) * 1000 };
  }
}
