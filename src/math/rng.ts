/**
 * Seeded pseudo-random numbers: xoshiro128** (Blackman & Vigna, 2018) seeded through
 * SplitMix32, so every sampler is reproducible from a seed with no global state.
 * 32-bit integer arithmetic only (`Math.imul`), which V8 keeps in registers.
 */

const UINT32 = 4294967296;

/** Mixes a 32-bit value (the SplitMix32 finalizer); a good avalanche for seeding. */
function mix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Hashes a string to 32 bits (FNV-1a), to derive streams keyed by names. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Folds any finite number (integer seeds up to 2^53, or not) into 32 bits. */
function foldNumber(value: number): number {
  if (Number.isSafeInteger(value)) {
    const low = value % UINT32;
    const high = Math.floor(value / UINT32);
    return mix32((low >>> 0) ^ mix32(high >>> 0));
  }
  return hashString(String(value));
}

/** A key that selects an independent stream: a number or a string. */
export type StreamKey = number | string;

/** A seeded random number generator. Not cryptographic. */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spareNormal: number | undefined;

  /**
   * @param seed any finite number or string; the same seed always gives the same stream.
   * @param keys extra keys (trial number, parameter name...) that select an independent stream.
   */
  constructor(seed: StreamKey, ...keys: StreamKey[]) {
    let h = typeof seed === "number" ? foldNumber(seed) : hashString(seed);
    for (const key of keys) {
      // Mix the running hash before combining so that the key order matters:
      // (seed 3, trial 5) and (seed 5, trial 3) must give different streams.
      h = mix32(
        mix32(h + 0x632be5ab) ^ (typeof key === "number" ? foldNumber(key) : hashString(key)),
      );
    }
    // SplitMix32-style expansion of the hash into a non-zero 128-bit state.
    this.s0 = mix32(h);
    this.s1 = mix32(h + 0x6a09e667);
    this.s2 = mix32(h + 0xbb67ae85);
    this.s3 = mix32(h + 0x3c6ef372);
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** A fresh random seed from the operating system's entropy. */
  static randomSeed(): number {
    const buf = new Uint32Array(2);
    globalThis.crypto.getRandomValues(buf);
    return (buf[0]! & 0x1fffff) * UINT32 + buf[1]!;
  }

  /** A child stream, independent of this one and of other keys. */
  derive(...keys: StreamKey[]): Rng {
    return new Rng(this.nextUint32(), ...keys);
  }

  /** Uniform unsigned 32-bit integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  random(): number {
    const high = this.nextUint32() >>> 5; // 27 bits
    const low = this.nextUint32() >>> 6; // 26 bits
    return (high * 67108864 + low) / 9007199254740992;
  }

  /** Uniform double in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.random();
  }

  /** Uniform integer in [low, high] (both inclusive), without modulo bias. */
  integer(low: number, high: number): number {
    const span = high - low + 1;
    if (span <= 0 || !Number.isFinite(span)) throw new RangeError(`empty range [${low}, ${high}]`);
    if (span > UINT32) return low + Math.floor(this.random() * span);
    const limit = UINT32 - (UINT32 % span);
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return low + (x % span);
  }

  /** Standard normal variate (Marsaglia's polar method; the spare is kept). */
  normal(): number {
    if (this.spareNormal !== undefined) {
      const spare = this.spareNormal;
      this.spareNormal = undefined;
      return spare;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.random() - 1;
      v = 2 * this.random() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * f;
    return u * f;
  }

  /** Fisher–Yates shuffle in place; returns the array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.integer(0, i);
      const tmp = items[i]!;
      items[i] = items[j]!;
      items[j] = tmp;
    }
    return items;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
