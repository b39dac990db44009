/**
 * Randomness for the simulation, all of it seeded. Two kinds: a stream
 * (xoshiro128**) for generating a population in one pass, and keyed draws
 * (a hash of the seed and what is being decided) for everything a journey
 * decides. Keyed draws make `--compare` fair: the same contact opening the
 * same message of the same journey gets the same answer in both runs, so a
 * difference comes from the change, not from shifted dice.
 */

const TWO_32 = 4294967296;

/** 32-bit string hash (FNV-1a), for names and ids as draw keys. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** murmur3's finaliser: every input bit reaches every output bit. */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A uniform number in [0, 1) determined by the keys alone. */
export function draw(a: number, b: number, c = 0, d = 0, e = 0): number {
  let h = fmix(a ^ 0x9e3779b9);
  h = fmix(h ^ Math.imul(b, 0xcc9e2d51));
  h = fmix(h ^ Math.imul(c, 0x1b873593));
  h = fmix(h ^ Math.imul(d, 0xe6546b64));
  h = fmix(h ^ Math.imul(e, 0x85ebca6b));
  return h / TWO_32;
}

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
}

/** xoshiro128** seeded through splitmix32. */
export function rng(seed: number): Rng {
  let x = seed >>> 0;
  const split = () => {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let s0 = split(), s1 = split(), s2 = split(), s3 = split();
  return {
    next() {
      const r = Math.imul(((Math.imul(s1, 5) << 7) | (Math.imul(s1, 5) >>> 25)), 9) >>> 0;
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      return r / TWO_32;
    },
  };
}

/** Exponentially distributed with this mean, from a uniform u in [0, 1). */
export const exponential = (u: number, mean: number): number => -Math.log(1 - u) * mean;

/** Standard normal from two uniforms (Box–Muller). */
export const normal = (u1: number, u2: number): number => Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);

/** Poisson-distributed count with this mean: Knuth's product for small means, a rounded normal above. */
export function poisson(r: Rng, mean: number): number {
  if (mean <= 0) return 0;
  if (mean > 50) return Math.max(0, Math.round(mean + Math.sqrt(mean) * normal(r.next(), r.next())));
  const limit = Math.exp(-mean);
  let k = 0;
  for (let p = r.next(); p > limit; p *= r.next()) k++;
  return k;
}
