/**
 * The ARD Matérn-5/2 kernel on the normalized search space (Rasmussen & Williams 2006, eq.
 * 4.17), with a Hamming distance on categorical dimensions:
 *
 *   k(x, x') = s · m(r²),  m(r²) = (1 + √5 r + 5/3 r²) e^{−√5 r},
 *   r² = Σ_c ℓ_c⁻² δ_c²,   δ_c² = (x_c − x'_c)² (continuous) or [x_c ≠ x'_c] (categorical).
 *
 * ℓ_c⁻² are the inverse squared lengthscales, s the kernel scale. Points are rows of a
 * row-major `Float64Array`; categorical coordinates hold the choice index.
 */

import { expNegative } from "../../math/special/exp.js";

/** The hyperparameters of the kernel and of the observation noise. */
export interface KernelParams {
  /** ℓ_c⁻², one per dimension. */
  readonly inverseSquaredLengthscales: Float64Array;
  /** s: the prior variance of the latent function. */
  readonly kernelScale: number;
  /** The variance of the Gaussian observation noise. */
  readonly noiseVar: number;
}

/** m(r²) = (1 + √(5r²) + 5r²/3) e^{−√(5r²)}. */
export function matern52(r2: number): number {
  const a = Math.sqrt(5 * r2);
  return (1 + a + (5 / 3) * r2) * expNegative(a);
}

/** dm/d(r²) = −(5/6)(1 + √(5r²)) e^{−√(5r²)}; finite at r² = 0 (−5/6). */
export function matern52Derivative(r2: number): number {
  const a = Math.sqrt(5 * r2);
  return (-5 / 6) * (1 + a) * expNegative(a);
}

/** The weighted squared distance r² between row i of `xa` and row j of `xb`. */
export function squaredDistance(
  xa: Float64Array,
  i: number,
  xb: Float64Array,
  j: number,
  inverseSquaredLengthscales: Float64Array,
  isCategorical: Uint8Array,
): number {
  const d = inverseSquaredLengthscales.length;
  const oa = i * d;
  const ob = j * d;
  let r2 = 0;
  for (let c = 0; c < d; c++) {
    const diff = xa[oa + c] - xb[ob + c];
    if (isCategorical[c]) {
      if (diff !== 0) r2 += inverseSquaredLengthscales[c];
    } else {
      r2 += inverseSquaredLengthscales[c] * diff * diff;
    }
  }
  return r2;
}

/** k(xa_i, xb_j) for the rows of two point sets, as a row-major na × nb matrix (no noise). */
export function kernelMatrix(
  xa: Float64Array,
  na: number,
  xb: Float64Array,
  nb: number,
  params: KernelParams,
  isCategorical: Uint8Array,
): Float64Array {
  const out = new Float64Array(na * nb);
  const ils = params.inverseSquaredLengthscales;
  for (let i = 0; i < na; i++) {
    for (let j = 0; j < nb; j++) {
      out[i * nb + j] =
        params.kernelScale * matern52(squaredDistance(xa, i, xb, j, ils, isCategorical));
    }
  }
  return out;
}

/**
 * Gradient of k(x, X_j) with respect to the continuous coordinates of x:
 * ∂k/∂x_c = s · m'(r²) · 2 ℓ_c⁻² (x_c − X_jc); zero on categorical coordinates.
 */
export function kernelGradientX(
  x: Float64Array,
  xs: Float64Array,
  j: number,
  params: KernelParams,
  isCategorical: Uint8Array,
  out: Float64Array,
): Float64Array {
  const ils = params.inverseSquaredLengthscales;
  const d = ils.length;
  const r2 = squaredDistance(x, 0, xs, j, ils, isCategorical);
  const factor = 2 * params.kernelScale * matern52Derivative(r2);
  for (let c = 0; c < d; c++) {
    out[c] = isCategorical[c] ? 0 : factor * ils[c] * (x[c] - xs[j * d + c]);
  }
  return out;
}

/**
 * Gradient of k(X_i, X_j) with respect to the log hyperparameters, as
 * [∂k/∂log ℓ_1⁻², …, ∂k/∂log ℓ_d⁻², ∂k/∂log s]:
 * ∂k/∂log ℓ_c⁻² = s m'(r²) ℓ_c⁻² δ_c², ∂k/∂log s = k.
 */
export function kernelGradientLogParams(
  xs: Float64Array,
  i: number,
  j: number,
  params: KernelParams,
  isCategorical: Uint8Array,
  out: Float64Array,
): Float64Array {
  const ils = params.inverseSquaredLengthscales;
  const d = ils.length;
  const r2 = squaredDistance(xs, i, xs, j, ils, isCategorical);
  const dm = params.kernelScale * matern52Derivative(r2);
  for (let c = 0; c < d; c++) {
    const diff = xs[i * d + c] - xs[j * d + c];
    const delta2 = isCategorical[c] ? (diff !== 0 ? 1 : 0) : diff * diff;
    out[c] = dm * ils[c] * delta2;
  }
  out[d] = params.kernelScale * matern52(r2);
  return out;
}
