/**
 * e^{−a} for a ≥ 0, the exponential inside every Matérn kernel evaluation: the GP sampler
 * evaluates it n·2048 times per trial to screen candidates and n²/2 times per likelihood
 * evaluation, and `Math.exp` (a call into V8's C++ runtime) dominated that time.
 *
 * Table-driven (Tang 1989, "Table-driven implementation of the exponential function"):
 * a = j + k/64 + f with 0 ≤ f < 1/64, e^{−a} = e^{−j} · e^{−k/64} · p(f), where p is the
 * degree-6 Taylor polynomial of e^{−f} (truncation error f⁷/7! < 5e-17). Relative error
 * below 5e-16 (about 2 ulp) against `Math.exp`, exactly 1 at a = 0. Values below e^{−708}
 * (the subnormal range) are flushed to 0, as is NaN: the kernel treats both as "no
 * correlation". The WebAssembly kernel `kernelRows8` (src/math/wasm/kernels.wat) performs the
 * same operations on the same tables, so both give identical values.
 */

/** The table covers a < EXP_NEGATIVE_LIMIT: e^{−708} ≈ 3e-308 is the smallest normal value. */
export const EXP_NEGATIVE_LIMIT = 708;

/** e^{−j} for j < 708, then e^{−k/64} for k < 64: the layout `kernelRows8` reads. */
export const EXP_NEGATIVE_TABLES = Float64Array.from({ length: EXP_NEGATIVE_LIMIT + 64 }, (_, i) =>
  i < EXP_NEGATIVE_LIMIT ? Math.exp(-i) : Math.exp(-(i - EXP_NEGATIVE_LIMIT) / 64),
);

const WHOLE = EXP_NEGATIVE_TABLES.subarray(0, EXP_NEGATIVE_LIMIT);
const SIXTY_FOURTHS = EXP_NEGATIVE_TABLES.subarray(EXP_NEGATIVE_LIMIT);

/** e^{−a}; see the module comment for the method, its accuracy and its range. */
export function expNegative(a: number): number {
  if (!(a < EXP_NEGATIVE_LIMIT)) return 0;
  if (a < 0) return Math.exp(-a);
  const i = (a * 64) | 0;
  const f = a - i * (1 / 64);
  const p = 1 - f * (1 - f * (0.5 - f * (1 / 6 - f * (1 / 24 - f * (1 / 120 - f * (1 / 720))))));
  return WHOLE[i >> 6] * SIXTY_FOURTHS[i & 63] * p;
}
