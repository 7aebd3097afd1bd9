/**
 * Sobol' low-discrepancy sequence (Sobol' 1967) in base 2 with the Joe–Kuo (2008) direction
 * numbers, generated in Gray-code order (Antonov & Saleev 1979): each point differs from the
 * previous one by a single XOR per coordinate. Coordinates carry 32 bits, so the sequence has
 * 2^32 points, each coordinate a multiple of 2^-32 in [0, 1).
 *
 * Optional randomization, as in scipy.stats.qmc.Sobol: Matoušek's (1998) random linear matrix
 * scramble (a random lower-triangular binary matrix with unit diagonal applied to every
 * direction number) followed by a random digital shift. Both keep the (t, m, s)-net
 * structure, so the scrambled points stay as evenly stratified as the plain ones.
 */

import { Rng } from "../rng.js";
import type { QmcEngine, QmcOptions } from "./index.js";
import { SOBOL_MAX_DIMENSION, sobolDirection } from "./sobol-directions.js";

/** Binary digits per coordinate. */
const BITS = 32;
/** Value of the least significant digit. */
const SCALE = 2 ** -BITS;
/** Length of the sequence: past 2^32 points the 32-bit Gray code would wrap around. */
const MAX_POINTS = 2 ** BITS;

/**
 * The direction numbers v_1..v_32 of one dimension as 32-bit fractions, v_k = m_k / 2^k,
 * extended past the table by Sobol's recurrence (Bratley & Fox 1988, eq. 2):
 * v_k = a_1 v_{k-1} ^ ... ^ a_{s-1} v_{k-s+1} ^ v_{k-s} ^ (v_{k-s} >> s).
 */
function directionNumbers(dimension: number): Uint32Array {
  const v = new Uint32Array(BITS);
  if (dimension === 1) {
    // van der Corput: every m_k = 1, i.e. the identity generator matrix.
    for (let k = 0; k < BITS; k++) v[k] = 2 ** (BITS - 1 - k);
    return v;
  }
  const { s, a, m } = sobolDirection(dimension);
  for (let k = 0; k < Math.min(s, BITS); k++) v[k] = m[k] * 2 ** (BITS - 1 - k);
  for (let k = s; k < BITS; k++) {
    let x = v[k - s] ^ (v[k - s] >>> s);
    for (let i = 1; i < s; i++) {
      if ((a >>> (s - 1 - i)) & 1) x ^= v[k - i];
    }
    v[k] = x;
  }
  return v;
}

/** Parity of the set bits of a 32-bit word: a dot product over GF(2). */
function parity(x: number): number {
  x ^= x >>> 16;
  x ^= x >>> 8;
  x ^= x >>> 4;
  x ^= x >>> 2;
  x ^= x >>> 1;
  return x & 1;
}

/**
 * A random lower-triangular binary matrix with unit diagonal (Matoušek 1998), acting on the
 * binary digits of a fraction, most significant first. Row i is a 32-bit mask: output digit i
 * is the parity of (row i AND input). Lower-triangular means digit i mixes in only digits
 * 1..i-1 above it, so the first m digits still map one-to-one onto themselves and every
 * elementary interval of the net keeps its points.
 */
function randomLowerTriangular(rng: Rng): Uint32Array {
  const rows = new Uint32Array(BITS);
  for (let i = 0; i < BITS; i++) {
    const diagonal = 2 ** (BITS - 1 - i);
    const above = i === 0 ? 0 : rng.nextUint32() & ~(2 * diagonal - 1);
    rows[i] = above | diagonal;
  }
  return rows;
}

/** Matrix-vector product over GF(2). */
function multiply(rows: Uint32Array, v: number): number {
  let out = 0;
  for (let i = 0; i < BITS; i++) {
    if (parity(rows[i] & v)) out |= 1 << (BITS - 1 - i);
  }
  return out >>> 0;
}

/** Index (0-based) of the lowest set bit of a positive integer below 2^32. */
function lowestSetBit(n: number): number {
  return 31 - Math.clz32(n & -n);
}

function checkCount(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(`${what} must be a non-negative integer, got ${n}`);
  }
}

/** Sobol' sequence generator; see the module comment. */
export class SobolEngine implements QmcEngine {
  readonly dimension: number;
  /** Direction numbers, bit-major: entry k * dimension + j is v_{k+1} of dimension j+1. */
  private readonly directions: Uint32Array;
  /** Digital shift: the first point (all zeros when not scrambled). */
  private readonly shift: Uint32Array;
  /** The next point to return, as 32-bit fractions. */
  private readonly state: Uint32Array;
  /** Position of the next point in the sequence. */
  private index = 0;

  /**
   * @param dimension number of coordinates, 1 to SOBOL_MAX_DIMENSION (1111).
   * @param options.scramble randomize the sequence (default true).
   * @param options.seed seed of the randomization; a fresh random one when left out.
   */
  constructor(dimension: number, options: QmcOptions = {}) {
    if (!Number.isInteger(dimension) || dimension < 1 || dimension > SOBOL_MAX_DIMENSION) {
      throw new RangeError(
        `Sobol dimension must be an integer from 1 to ${SOBOL_MAX_DIMENSION}, got ${dimension}`,
      );
    }
    this.dimension = dimension;
    this.directions = new Uint32Array(BITS * dimension);
    this.shift = new Uint32Array(dimension);
    const rng =
      (options.scramble ?? true) ? new Rng(options.seed ?? Rng.randomSeed(), "sobol") : undefined;
    for (let j = 0; j < dimension; j++) {
      const v = directionNumbers(j + 1);
      const matrix = rng ? randomLowerTriangular(rng) : undefined;
      for (let k = 0; k < BITS; k++) {
        this.directions[k * dimension + j] = matrix ? multiply(matrix, v[k]) : v[k];
      }
      if (rng) this.shift[j] = rng.nextUint32();
    }
    this.state = this.shift.slice();
  }

  /** The next point of the sequence, in [0, 1)^dimension. */
  next(): Float64Array {
    return this.nextInto(new Float64Array(this.dimension));
  }

  /** The next point of the sequence written into `point` (length ≥ dimension); returns it. */
  nextInto(point: Float64Array): Float64Array {
    if (this.index >= MAX_POINTS) {
      throw new RangeError("the Sobol sequence is exhausted: it has 2^32 points");
    }
    const d = this.dimension;
    for (let j = 0; j < d; j++) point[j] = this.state[j] * SCALE;
    this.index++;
    if (this.index < MAX_POINTS) {
      // Gray code: point n differs from point n-1 by the direction number of n's lowest set bit.
      const row = lowestSetBit(this.index) * d;
      for (let j = 0; j < d; j++) this.state[j] ^= this.directions[row + j];
    }
    return point;
  }

  /** Skips n points, in time independent of n. */
  fastForward(n: number): void {
    checkCount(n, "the number of points to skip");
    const target = this.index + n;
    if (target > MAX_POINTS) {
      throw new RangeError("cannot skip past the end of the Sobol sequence (2^32 points)");
    }
    this.index = target;
    if (target === MAX_POINTS) return;
    // Point n is the XOR of the direction numbers picked by the bits of gray(n) = n ^ (n >> 1).
    let gray = (target ^ (target >>> 1)) >>> 0;
    const d = this.dimension;
    this.state.set(this.shift);
    for (let k = 0; gray !== 0; k++, gray >>>= 1) {
      if (gray & 1) {
        for (let j = 0; j < d; j++) this.state[j] ^= this.directions[k * d + j];
      }
    }
  }

  /** The next n points. */
  draw(n: number): Float64Array[] {
    checkCount(n, "the number of points");
    const points: Float64Array[] = [];
    for (let i = 0; i < n; i++) points.push(this.next());
    return points;
  }
}
