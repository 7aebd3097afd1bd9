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

interface KernelExports {
  readonly memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  variance8(l: number, n: number, r: number, out: number): void;
  kernelRows8(...args: KernelRowsArgs): void;
}

const PAGE_BYTES = 65536;

/** One instance of the module and a Float64Array view of its memory. */
export class WasmKernels {
  private readonly exports: KernelExports;
  private view: Float64Array;

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
   * Matérn-5/2 kernel values s·m(r²) of 8 points against n training points, interleaved:
   * entry r + 8j + b for point b and training point j (offsets in f64 units). `x`: the
   * training points (n × d, row-major); `w`: ℓ⁻² per dimension; `c`: 1 for a categorical
   * dimension, else 0; `p`: the 8 points transposed (coordinate c of point b at p + 8c + b);
   * `t`: `EXP_NEGATIVE_TABLES`. `p` and `r` must be even (16-byte aligned).
   */
  kernelRows8(...[x, n, d, w, c, p, t, s, r]: KernelRowsArgs): void {
    this.exports.kernelRows8(x * 8, n, d, w * 8, c * 8, p * 8, t * 8, s, r * 8);
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
