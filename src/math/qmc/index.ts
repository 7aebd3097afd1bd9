/** Quasi-Monte-Carlo point sets: Sobol' and Halton sequences, plain or randomized. */

export { HALTON_MAX_DIMENSION, HaltonEngine } from "./halton.js";
export { SobolEngine } from "./sobol.js";
export { SOBOL_MAX_DIMENSION, type SobolDirection, sobolDirection } from "./sobol-directions.js";

/** Options shared by the engines. */
export interface QmcOptions {
  /** Randomize the sequence (default true); a randomized sequence keeps its uniformity. */
  scramble?: boolean;
  /** Seed of the randomization; a fresh random one when left out. */
  seed?: number;
}

/** A sequence of points in the unit hypercube [0, 1)^dimension. */
export interface QmcEngine {
  readonly dimension: number;
  /** The next point. */
  next(): Float64Array;
  /** Skips n points. */
  fastForward(n: number): void;
  /** The next n points. */
  draw(n: number): Float64Array[];
}
