/**
 * Warm starting CMA-ES (M. Nomura, S. Watanabe, Y. Akimoto, Y. Ozaki & M. Onishi,
 * "Warm Starting CMA-ES for Hyperparameter Optimization", AAAI 2021): the initial Gaussian is
 * the promising distribution of a similar source task — the top γ of its solutions, with a
 * prior α² I on the covariance — written as m, σ and C with det(C) = 1.
 */
import { symmetricEigen } from "../../math/linalg/eigen.js";

/** The initial distribution estimated from source solutions. */
export interface WarmStart {
  mean: Float64Array;
  sigma: number;
  /** n × n row-major, determinant 1. */
  cov: Float64Array;
}

/**
 * Estimates the starting distribution from source solutions (points to minimize).
 * @param gamma share of the best solutions used (default 0.1; at least one solution)
 * @param alpha prior standard deviation added to the covariance (default 0.1)
 */
export function warmStartDistribution(
  solutions: readonly { x: ArrayLike<number>; value: number }[],
  gamma = 0.1,
  alpha = 0.1,
): WarmStart {
  if (solutions.length === 0) throw new RangeError("warmStartDistribution: no solutions");
  if (!(gamma > 0 && gamma <= 1)) throw new RangeError("warmStartDistribution: gamma in (0, 1]");
  const n = solutions[0]!.x.length;
  const sorted = [...solutions].sort((a, b) => a.value - b.value);
  const top = sorted.slice(0, Math.max(1, Math.floor(solutions.length * gamma)));
  const k = top.length;
  const mean = new Float64Array(n);
  for (const s of top) for (let i = 0; i < n; i++) mean[i] += s.x[i]! / k;
  // Σ = α² I + (1/k) Σ x xᵀ − μ μᵀ (the covariance of the top solutions plus the prior).
  const cov = new Float64Array(n * n);
  for (const s of top) {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) cov[i * n + j] += (s.x[i]! * s.x[j]!) / k;
    }
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) cov[i * n + j] -= mean[i]! * mean[j]!;
    cov[i * n + i] += alpha * alpha;
  }
  // σ = det(Σ)^(1/2n), C = Σ / det(Σ)^(1/n); the log-determinant avoids underflow.
  const { values } = symmetricEigen(cov, n);
  let logDet = 0;
  for (let i = 0; i < n; i++) logDet += Math.log(Math.max(values[i]!, Number.MIN_VALUE));
  const sigma = Math.exp(logDet / (2 * n));
  const norm = Math.exp(-logDet / n);
  for (let i = 0; i < n * n; i++) cov[i] *= norm;
  return { mean, sigma, cov };
}
