/**
 * Halton low-discrepancy sequence (Halton 1960): coordinate j of point n is the radical
 * inverse of n in the j-th prime base, i.e. the base-b digits of n mirrored about the point.
 *
 * Optional randomization, as in scipy.stats.qmc.Halton(scramble=True) after Owen, "A randomized
 * Halton algorithm in R" (2017): every digit position of every base gets its own random
 * permutation of the digits 0..b-1, applied to all digits, leading zeros included, down to
 * double precision. A permutation maps the b^k strata of one coordinate onto themselves, so
 * each stratum still gets exactly one of the first b^k points.
 */

import { Rng } from "../rng.js";
import type { QmcEngine, QmcOptions } from "./index.js";

/**
 * Highest supported dimension, the same as SobolEngine's. Scrambling costs time and memory
 * in proportion to the sum of the bases, and past this the largest bases (above 8900) leave
 * the first thousands of points poorly spread in their coordinates anyway.
 */
export const HALTON_MAX_DIMENSION = 1111;

/** Largest double below 1, to keep rounded sums of digits inside [0, 1). */
const BELOW_ONE = 1 - 2 ** -53;

let primeCache: Uint16Array | undefined;

/** The first HALTON_MAX_DIMENSION primes, by trial division (the last is 8933). */
function primes(): Uint16Array {
  if (primeCache) return primeCache;
  const found: number[] = [];
  for (let n = 2; found.length < HALTON_MAX_DIMENSION; n++) {
    let prime = true;
    for (let i = 0; prime && i < found.length && found[i] * found[i] <= n; i++)
      prime = n % found[i] !== 0;
    if (prime) found.push(n);
  }
  primeCache = Uint16Array.from(found);
  return primeCache;
}

/** Number of base-b digits that resolve a double: the smallest K with b^K >= 2^53. */
function digitCount(base: number): number {
  let k = 0;
  for (let scale = 1; scale < 2 ** 53; scale *= base) k++;
  return k;
}

/**
 * The random permutation of digit position `position` of dimension `dimension`. Each has its
 * own stream, so permutations can be built lazily in any order. The forward Fisher–Yates
 * shuffle settles perm[0] with its first draw, which lets `zeroImage` compute the image of a
 * leading zero without building the whole permutation.
 */
function digitPermutation(
  seed: number,
  dimension: number,
  position: number,
  base: number,
): Uint16Array {
  const rng = new Rng(seed, "halton", dimension, position);
  const perm = new Uint16Array(base);
  for (let i = 0; i < base; i++) perm[i] = i;
  for (let i = 0; i < base - 1; i++) {
    const r = rng.integer(i, base - 1);
    const tmp = perm[i];
    perm[i] = perm[r];
    perm[r] = tmp;
  }
  return perm;
}

/** perm[0] of `digitPermutation` with the same arguments. */
function zeroImage(seed: number, dimension: number, position: number, base: number): number {
  return new Rng(seed, "halton", dimension, position).integer(0, base - 1);
}

function checkCount(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(`${what} must be a non-negative integer, got ${n}`);
  }
}

/** Halton sequence generator; see the module comment. */
export class HaltonEngine implements QmcEngine {
  readonly dimension: number;
  private readonly bases: Uint16Array;
  /** Seed of the digit permutations; undefined when not scrambled. */
  private readonly seed: number | undefined;
  /**
   * Per dimension, tails[j][k] is the value (in units of b^-k) of the digits at positions k
   * and above when they are all zero: 0 unscrambled, the permuted leading zeros scrambled.
   */
  private readonly tails: Float64Array[];
  /** Digit permutations, built when a point first has a nonzero digit at that position. */
  private readonly permutations: (Uint16Array | undefined)[][];
  private readonly digits = new Uint16Array(53);
  private index = 0;

  /**
   * @param dimension number of coordinates, 1 to HALTON_MAX_DIMENSION (1111).
   * @param options.scramble randomize the sequence (default true).
   * @param options.seed seed of the randomization; a fresh random one when left out.
   */
  constructor(dimension: number, options: QmcOptions = {}) {
    if (!Number.isInteger(dimension) || dimension < 1 || dimension > HALTON_MAX_DIMENSION) {
      throw new RangeError(
        `Halton dimension must be an integer from 1 to ${HALTON_MAX_DIMENSION}, got ${dimension}`,
      );
    }
    this.dimension = dimension;
    this.bases = primes().slice(0, dimension);
    this.seed = (options.scramble ?? true) ? (options.seed ?? Rng.randomSeed()) : undefined;
    this.tails = [];
    this.permutations = [];
    for (let j = 0; j < dimension; j++) {
      const base = this.bases[j];
      const count = digitCount(base);
      const tail = new Float64Array(count + 1);
      if (this.seed !== undefined) {
        for (let k = count - 1; k >= 0; k--) {
          tail[k] = (zeroImage(this.seed, j, k, base) + tail[k + 1]) / base;
        }
      }
      this.tails.push(tail);
      this.permutations.push([]);
    }
  }

  /** The next point of the sequence, in [0, 1)^dimension. */
  next(): Float64Array {
    if (this.index > Number.MAX_SAFE_INTEGER) {
      throw new RangeError("the Halton sequence is exhausted: indices must stay below 2^53");
    }
    const point = new Float64Array(this.dimension);
    for (let j = 0; j < this.dimension; j++) point[j] = this.radicalInverse(j, this.index);
    this.index++;
    return point;
  }

  /** Skips n points. */
  fastForward(n: number): void {
    checkCount(n, "the number of points to skip");
    this.index += n;
  }

  /** The next n points. */
  draw(n: number): Float64Array[] {
    checkCount(n, "the number of points");
    const points: Float64Array[] = [];
    for (let i = 0; i < n; i++) points.push(this.next());
    return points;
  }

  /** The (scrambled) radical inverse of n in the base of dimension j. */
  private radicalInverse(j: number, n: number): number {
    const base = this.bases[j];
    const digits = this.digits;
    let length = 0;
    for (let rest = n; rest > 0; rest = Math.floor(rest / base)) digits[length++] = rest % base;
    // Horner from the most significant digit down: value = (digit_k + value_{k+1}) / b.
    let value = this.tails[j][length];
    for (let k = length - 1; k >= 0; k--) {
      const digit = this.seed === undefined ? digits[k] : this.permutation(j, k)[digits[k]];
      value = (digit + value) / base;
    }
    return Math.min(value, BELOW_ONE);
  }

  private permutation(j: number, position: number): Uint16Array {
    const cached = this.permutations[j][position];
    if (cached) return cached;
    const perm = digitPermutation(this.seed!, j, position, this.bases[j]);
    this.permutations[j][position] = perm;
    return perm;
  }
}
