/**
 * Prior over the GP hyperparameters, for maximum a posteriori fitting. The default follows
 * Optuna's GPSampler (3.6+): on each inverse squared lengthscale λ a density ∝ exp(−0.1/λ −
 * 0.1 λ), which penalizes both very short and very long lengthscales; a Gamma(2, 1) prior on
 * the kernel scale; a Gamma(1.1, 30) prior on the noise variance, which favours small noise.
 * Normalizing constants are left out.
 */

import type { KernelParams } from "./kernel.js";

/** The log density of a prior and its gradient with respect to the natural parameters. */
export interface LogPriorValue {
  value: number;
  /** ∂/∂λ_c for each inverse squared lengthscale. */
  gradInverseSquaredLengthscales: Float64Array;
  /** ∂/∂s. */
  gradKernelScale: number;
  /** ∂/∂(noise variance). */
  gradNoiseVar: number;
}

/** A log prior over kernel parameters. */
export type LogPrior = (params: KernelParams) => LogPriorValue;

/** Optuna's default minimum noise variance (added to the fitted noise). */
export const DEFAULT_MINIMUM_NOISE_VAR = 1e-6;

/** log Gamma(x; α, β) without its normalizing constant, and its derivative in x. */
function gammaLogDensity(x: number, concentration: number, rate: number): [number, number] {
  return [(concentration - 1) * Math.log(x) - rate * x, (concentration - 1) / x - rate];
}

/** The default prior described above. */
export const defaultLogPrior: LogPrior = (params) => {
  const ils = params.inverseSquaredLengthscales;
  const grad = new Float64Array(ils.length);
  let value = 0;
  for (let c = 0; c < ils.length; c++) {
    const l = ils[c];
    value -= 0.1 / l + 0.1 * l;
    grad[c] = 0.1 / (l * l) - 0.1;
  }
  const [scaleValue, scaleGrad] = gammaLogDensity(params.kernelScale, 2, 1);
  const [noiseValue, noiseGrad] = gammaLogDensity(params.noiseVar, 1.1, 30);
  return {
    value: value + scaleValue + noiseValue,
    gradInverseSquaredLengthscales: grad,
    gradKernelScale: scaleGrad,
    gradNoiseVar: noiseGrad,
  };
};
