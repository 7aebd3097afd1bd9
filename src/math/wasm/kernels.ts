/**
 * The WebAssembly SIMD kernels of kernels.wat, instantiated synchronously on first use (the
 * samplers call them from synchronous code). `wasmKernels()` returns null where WebAssembly
 * or its SIMD extension is missing, or after `setWasmKernelsEnabled(false)`; callers then run
 * their JavaScript loops, which give the same results (see kernels.wat).
 */

import { KERNELS_WASM_BASE64 } from "./kernels-binary.js";

/** The part of the WebAssembly JS API used here (the compiler's libraries lack its values). */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
}

/** `kernelRows8`'s operands: offsets (f64 units in JavaScript, bytes in WebAssembly), n, d, s. */
type KernelRowsArgs = [
  x: number,
  n: number,
  d: number,
  w: number,
  c: number,
  p: number,
  t: number,
  s: number,
  r: number,
];

/** `pairKernel`'s operands: offsets (f64 units in JavaScript, bytes in WebAssembly), sizes, s. */
type PairKernelArgs = [
  diffs: number,
  stride: number,
  count: number,
  d: number,
  w: number,
  t: number,
  s: number,
  slopeScale: number,
  values: number,
  slopes: number,
];

/** `posteriorGradient`'s operands, offsets as above. */
type PosteriorGradientArgs = [
  inverseFactor: number,
  n: number,
  alpha: number,
  xTransposed: number,
  stride: number,
  x: number,
  d: number,
  w: number,
  c: number,
  point: number,
  t: number,
  s: number,
  slopeScale: number,
  values: number,
  slopes: number,
  v: number,
  beta: number,
  out: number,
];

/** `gradientSums`'s operands, offsets as above. */
type GradientSumsArgs = [
  n: number,
  alpha: number,
  inverse: number,
  values: number,
  slopes: number,
  weights: number,
  diffs: number,
  stride: number,
  count: number,
  d: number,
  out: number,
];

interface KernelExports {
  readonly memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  variance8(l: number, n: number, r: number, out: number): void;
  mean8(r: number, n: number, alpha: number, out: number): void;
  kernelRows8(...args: KernelRowsArgs): void;
  pairKernel(...args: PairKernelArgs): void;
  cholesky(a: number, diagonal: number, n: number, l: number): number;
  invertLower(l: number, n: number, inverse: number, x: number, y: number): void;
  inverseLower(inverse: number, n: number, out: number, scratch: number): void;
  gradientSums(...args: GradientSumsArgs): void;
  posteriorGradient(...args: PosteriorGradientArgs): void;
}

/** Offsets at these positions are converted from f64 units to bytes. */
const PAIR_KERNEL_OFFSETS = [0, 4, 5, 8, 9];
const POSTERIOR_GRADIENT_OFFSETS = [0, 2, 3, 5, 7, 8, 9, 10, 13, 14, 15, 16, 17];
const GRADIENT_SUMS_OFFSETS = [1, 2, 3, 4, 5, 6, 10];

function toBytes<T extends number[]>(args: T, offsets: readonly number[]): T {
  for (const i of offsets) args[i] *= 8;
  return args;
}

const PAGE_BYTES = 65536;

/** The next even integer: a 16-byte-aligned f64 offset, as the SIMD operands need. */
export function even(offset: number): number {
  return offset + (offset & 1);
}

/** Consecutive regions of the kernels' memory, each 16-byte aligned (offsets in f64 units). */
export class MemoryPlan {
  /** The offset after the last region: the doubles to reserve. */
  end = 0;

  /** A region of `doubles` entries; returns its offset. */
  take(doubles: number): number {
    const at = this.end;
    this.end = even(at + doubles);
    return at;
  }
}

/** One instance of the module and a Float64Array view of its memory. */
export class WasmKernels {
  private readonly exports: KernelExports;
  private view: Float64Array;
  private owner: object | null = null;

  constructor(exports: KernelExports) {
    this.exports = exports;
    this.view = new Float64Array(exports.memory.buffer);
  }

  /**
   * The memory as f64s, grown to hold at least `doubles` of them. Views taken earlier are
   * detached by a growth: take the view again after each call.
   */
  reserve(doubles: number): Float64Array {
    const bytes = doubles * 8;
    const memory = this.exports.memory;
    if (memory.buffer.byteLength < bytes) {
      memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / PAGE_BYTES));
    }
    if (this.view.buffer !== memory.buffer) this.view = new Float64Array(memory.buffer);
    return this.view;
  }

  /**
   * ‖L⁻¹k_b‖² for 8 vectors at once (offsets in f64 units into the memory): `l` the packed
   * rows of the n × n lower-triangular L⁻¹, `r` the vectors interleaved (entry k of vector b
   * at r + 8k + b), results at out…out + 7. `r` and `out` must be even (16-byte aligned).
   */
  variance8(l: number, n: number, r: number, out: number): void {
    this.exports.variance8(l * 8, n, r * 8, out * 8);
  }

  /**
   * Σ_j r[8j + b]·alpha[j] for the 8 interleaved vectors at `r` (offsets in f64 units), each
   * summed over j in order, into out…out + 7. `r` and `out` even (16-byte aligned).
   */
  mean8(r: number, n: number, alpha: number, out: number): void {
    this.exports.mean8(r * 8, n, alpha * 8, out * 8);
  }

  /**
   * Marks `owner` as the user of the memory's contents and returns whether it already was (its
   * data are then still in place). Every user that keeps data in the memory between calls
   * checks this first and reloads when it returns false.
   */
  claim(owner: object): boolean {
    if (this.owner === owner) return true;
    this.owner = owner;
    return false;
  }

  /** Gives up a claim whose data were left incomplete. */
  release(owner: object): void {
    if (this.owner === owner) this.owner = null;
  }

  /**
   * Matérn-5/2 kernel values s·m(r²) of 8 points against n training points, interleaved:
   * entry r + 8j + b for point b and training point j (offsets in f64 units). `x`: the
   * training points (n × d, row-major); `w`: ℓ⁻² per dimension; `c`: 1 for a categorical
   * dimension, else 0; `p`: the 8 points transposed (coordinate c of point b at p + 8c + b);
   * `t`: `EXP_NEGATIVE_TABLES`. `p` and `r` must be even (16-byte aligned).
   */
  kernelRows8(...[x, n, d, w, c, p, t, s, r]: KernelRowsArgs): void {
    this.exports.kernelRows8(x * 8, n, d, w * 8, c * 8, p * 8, t * 8, s, r * 8);
  }

  /**
   * The likelihood's kernel over pairs (offsets in f64 units): r²_q = Σ_c w[c] diffs[c·stride
   * + q] for q < count, then values[q] = s·m(r²_q) and slopes[q] = slopeScale·(1 + a)·e^{−a}
   * with a = √(5r²) (slopeScale = −5s/6 gives ∂(s·m)/∂r²). `t`:
   * `EXP_NEGATIVE_TABLES`. `stride` a multiple of 8 (≥ count: lanes up to the next multiple
   * of 8 are computed on padding); `diffs`, `values` and `slopes` even (16-byte aligned).
   */
  pairKernel(...args: PairKernelArgs): void {
    this.exports.pairKernel(...toBytes(args, PAIR_KERNEL_OFFSETS));
  }

  /**
   * Cholesky factor (`factorize`'s operations) of the n × n matrix with `diagonal` on its
   * diagonal and its strict lower triangle packed by rows at `a` (entry (i, j < i) at
   * i(i − 1)/2 + j), into the lower triangle of the row-major n × n matrix at `l` (the upper
   * triangle is not written). Returns false when a pivot is not positive or not finite.
   */
  cholesky(a: number, diagonal: number, n: number, l: number): boolean {
    return this.exports.cholesky(a * 8, diagonal, n, l * 8) !== 0;
  }

  /**
   * L⁻¹ (`invertLowerPacked`'s operations) of the lower triangle at `l` (row-major n × n),
   * packed by rows at `inverse`; `x` and `y` are scratch of n entries.
   */
  invertLower(l: number, n: number, inverse: number, x: number, y: number): void {
    this.exports.invertLower(l * 8, n, inverse * 8, x * 8, y * 8);
  }

  /**
   * The lower triangle (diagonal included) of L⁻ᵀL⁻¹ (`inverseFromPackedInverseFactor`'s
   * operations) into the row-major n × n matrix at `out`, from L⁻¹ packed by rows at
   * `inverse`; `scratch` holds n × n entries.
   */
  inverseLower(inverse: number, n: number, out: number, scratch: number): void {
    this.exports.inverseLower(inverse * 8, n, out * 8, scratch * 8);
  }

  /**
   * The sums of the likelihood's gradient (likelihood.ts's `gradientSums` in JavaScript, same
   * operations): weights[q] = w·slopes[q] with w = 2(α_i α_j − K⁻¹_ij) for each pair q = (i, j),
   * out[0] = Σ w·values[q], out[1 + c] = Σ_q weights[q]·diffs[c·stride + q].
   */
  gradientSums(...args: GradientSumsArgs): void {
    this.exports.gradientSums(...toBytes(args, GRADIENT_SUMS_OFFSETS));
  }

  /**
   * The posterior at one point with the sums of its gradients (gp.ts's `posteriorGradientSums`,
   * same operations; offsets in f64 units): kernel values and slopes against the n training
   * points (`x` row-major, `xTransposed` dimension-major with `stride` a multiple of 8, `w`
   * and `c` as in `kernelRows8`), v = L⁻¹k, beta = L⁻ᵀv, and out = [Σ k·α, Σ v², the d
   * sums of the mean's gradient, then (from out + 2 + d rounded up to even) the variance's].
   * `point` and `w` are read in pairs: pad them to an even length; `x` is read one past its end.
   */
  posteriorGradient(...args: PosteriorGradientArgs): void {
    this.exports.posteriorGradient(...toBytes(args, POSTERIOR_GRADIENT_OFFSETS));
  }
}

let enabled = true;
let instance: WasmKernels | null | undefined;

function instantiate(): WasmKernels | null {
  const api = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;
  if (api === undefined) return null;
  try {
    const bytes = Uint8Array.from(atob(KERNELS_WASM_BASE64), (c) => c.charCodeAt(0));
    return new WasmKernels(new api.Instance(new api.Module(bytes)).exports as KernelExports);
  } catch {
    // No SIMD support (the module fails to validate): use the JavaScript loops.
    return null;
  }
}

/** The shared kernels, or null where they cannot run (or are disabled). */
export function wasmKernels(): WasmKernels | null {
  if (!enabled) return null;
  if (instance === undefined) instance = instantiate();
  return instance;
}

/**
 * Turns the WebAssembly kernels off (or back on) for this process: the JavaScript loops give
 * the same results, more slowly. For tests and for runtimes that forbid WebAssembly.
 */
export function setWasmKernelsEnabled(value: boolean): void {
  enabled = value;
}
