/**
 * Automatic termination by a regret bound (Makarova et al. 2022, "Automatic Termination for
 * Hyperparameter Optimization", https://proceedings.mlr.press/v188/makarova22a.html), as
 * Optuna's Terminator with its RegretBoundEvaluator.
 *
 * A Gaussian process is fitted to the best trials (the top half, at least 20). With the
 * confidence parameter β of GP-UCB, the regret of the best trial found is bounded with high
 * probability by
 *
 *     max_x UCB(x) − max_{top trials} LCB(x)     (objective turned into a maximization)
 *
 * (UCB/LCB = posterior mean ± √β · posterior standard deviation; the first max is taken over
 * the top trials and 2048 quasi-random points of the search space). Searching further cannot
 * gain more than this bound, so once it is smaller than the statistical error of the objective
 * itself, further trials would chase noise, and the study stops.
 *
 * The statistical error is, by default, that of k-fold cross-validation: the best trial's fold
 * scores (reported with `reportCrossValidationScores(trial, scores)`, i.e. the user attribute
 * "cv_scores") give sqrt((1/k + 1/(k − 1)) · var(scores)). Without cross-validation, use
 * `error: "median"` (Optuna's MedianErrorEvaluator: 1% of the median bound over the first
 * trials after a warm-up, Ishibashi et al. 2023) or a fixed number.
 */

import { InvalidArgumentError } from "../errors/index.js";
import { SobolEngine } from "../math/qmc/sobol.js";
import { Rng } from "../math/rng.js";
import { checkInteger } from "../pruners/validate.js";
import { fitKernelParams, type GpData, GpPosterior } from "../samplers/gp/gp.js";
import { GpSearchSpace } from "../samplers/gp/search-space.js";
import { intersectionSearchSpace } from "../samplers/search-space/intersection.js";
import type { StudyCallback } from "../study/optimize.js";
import type { StudySnapshot } from "../study/snapshot.js";
import type { FrozenTrial } from "../trial/frozen.js";
import { type StudyDirection, TrialState } from "../trial/state.js";
import { crossValidationError, crossValidationScores } from "./cv-scores.js";
import { type StopDecision, type Stopper, stopperCallback } from "./stopper.js";

/** Options of `RegretBoundStopper` (Optuna's Terminator defaults). */
export interface RegretBoundStopperOptions {
  /** No decision before this many trials completed. Default 20. */
  minNTrials?: number;
  /** Share of the completed trials (the best ones) the GP is fitted to. Default 0.5. */
  topTrialsRatio?: number;
  /** ...but at least this many (or all). Default 20. */
  minTopTrials?: number;
  /**
   * The statistical error the bound is compared with: "cv" (default) from the best trial's
   * cross-validation scores; "median" from the bounds of the first trials; or a fixed number.
   */
  error?: "cv" | "median" | number;
  /** For error "median": completed trials skipped before the first bounds. Default 10. */
  warmUpTrials?: number;
  /** For error "median": bounds computed (on 1, 2, … trials after the warm-up). Default 20. */
  nInitialTrials?: number;
  /** For error "median": the error is this share of the median bound. Default 0.01. */
  thresholdRatio?: number;
  /** Quasi-random points where the UCB is maximized. Default 2048. */
  nSamples?: number;
  /** Confidence 1 − δ of the bound (enters β). Default 0.1. */
  delta?: number;
  /** Seed of the quasi-random points; random when omitted. */
  seed?: number;
}

/** β of GP-UCB for d parameters and n trials, scaled down by 5 as Makarova et al. */
function confidenceBeta(d: number, n: number, delta: number): number {
  return (2 * Math.log((d * n * n * Math.PI * Math.PI) / 6 / delta)) / 5;
}

/**
 * The regret bound of the best of `trials` (their COMPLETE ones; in objective units), or null
 * when there is no completed trial or no parameter shared by all of them.
 */
export function regretBound(
  trials: readonly FrozenTrial[],
  direction: StudyDirection,
  options: {
    topTrialsRatio?: number;
    minTopTrials?: number;
    nSamples?: number;
    delta?: number;
    rng?: Rng;
  } = {},
): number | null {
  const complete = trials.filter((t) => t.state === TrialState.COMPLETE && t.values !== null);
  if (complete.length === 0) return null;
  const space = new GpSearchSpace(
    intersectionSearchSpace(complete, { includePruned: false, includeSingle: true }),
  );
  const d = space.d;
  if (d === 0) return null;
  const sign = direction === "minimize" ? -1 : 1;
  const values = complete.map((t) => sign * t.values![0]!);
  const n = values.length;
  // The top trials: values at or above the (n − topN)-th smallest (ties all kept).
  const topN = Math.min(
    Math.max(Math.floor(n * (options.topTrialsRatio ?? 0.5)), options.minTopTrials ?? 20),
    n,
  );
  const threshold = [...values].sort((a, b) => a - b)[n - topN]!;
  const top = complete.filter((_, i) => values[i]! >= threshold);
  const topValues = values.filter((v) => v >= threshold);
  const m = top.length;
  let mean = 0;
  for (const v of topValues) mean += v;
  mean /= m;
  let variance = 0;
  for (const v of topValues) variance += (v - mean) ** 2;
  const std = Math.max(1e-10, Math.sqrt(variance / m));

  const x = new Float64Array(m * d);
  for (let i = 0; i < m; i++) space.encode(top[i]!.params, x.subarray(i * d, (i + 1) * d));
  const data: GpData = {
    x,
    y: Float64Array.from(topValues, (v) => (v - mean) / std),
    n: m,
    d,
    isCategorical: space.isCategorical,
  };
  const posterior = new GpPosterior(data, fitKernelParams(data, { deterministic: false }));
  const beta = confidenceBeta(d, m, options.delta ?? 0.1);
  const sqrtBeta = Math.sqrt(beta);

  const mu = new Float64Array(m);
  const variances = new Float64Array(m);
  posterior.predict(x, m, mu, variances);
  let maxUcb = Number.NEGATIVE_INFINITY;
  let maxLcb = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < m; i++) {
    const s = sqrtBeta * Math.sqrt(variances[i]!);
    maxUcb = Math.max(maxUcb, mu[i]! + s);
    maxLcb = Math.max(maxLcb, mu[i]! - s);
  }
  const nSamples = options.nSamples ?? 2048;
  if (nSamples > 0) {
    const rng = options.rng ?? new Rng(Rng.randomSeed());
    const sobol = new SobolEngine(d, { scramble: true, seed: rng.nextUint32() });
    const batch = 256;
    const points = new Float64Array(batch * d);
    const bm = new Float64Array(batch);
    const bv = new Float64Array(batch);
    for (let done = 0; done < nSamples; done += batch) {
      const count = Math.min(batch, nSamples - done);
      for (let j = 0; j < count; j++) {
        space.fromUnitCube(sobol.next(), points.subarray(j * d, (j + 1) * d));
      }
      posterior.predict(points, count, bm, bv);
      for (let j = 0; j < count; j++)
        maxUcb = Math.max(maxUcb, bm[j]! + sqrtBeta * Math.sqrt(bv[j]!));
    }
  }
  return (maxUcb - maxLcb) * std;
}

/**
 * Stops a study once the regret bound of its best trial falls below the statistical error of
 * the objective (Optuna's Terminator and TerminatorCallback); see the module comment.
 *
 * Use it with `optimize({ callbacks: [new RegretBoundStopper().callback] })`, and in the
 * objective call `reportCrossValidationScores(trial, foldScores)` before returning their mean.
 */
export class RegretBoundStopper implements Stopper {
  readonly minNTrials: number;
  readonly topTrialsRatio: number;
  readonly minTopTrials: number;
  readonly error: "cv" | "median" | number;
  readonly warmUpTrials: number;
  readonly nInitialTrials: number;
  readonly thresholdRatio: number;
  readonly nSamples: number;
  readonly delta: number;
  readonly seed: number;
  /** The `optimize` callback. */
  readonly callback: StudyCallback;
  /** Error threshold of "median", per study, once computed. */
  private readonly medianThresholds = new Map<string, number>();

  constructor(options: RegretBoundStopperOptions = {}) {
    const owner = "RegretBoundStopper";
    this.minNTrials = checkInteger(owner, "minNTrials", options.minNTrials ?? 20, 1);
    const ratio = options.topTrialsRatio ?? 0.5;
    if (!(typeof ratio === "number" && ratio > 0 && ratio <= 1)) {
      throw new InvalidArgumentError(`${owner}: topTrialsRatio must be in (0, 1], got ${ratio}.`);
    }
    this.topTrialsRatio = ratio;
    this.minTopTrials = checkInteger(owner, "minTopTrials", options.minTopTrials ?? 20, 1);
    const error = options.error ?? "cv";
    if (
      error !== "cv" &&
      error !== "median" &&
      !(typeof error === "number" && Number.isFinite(error) && error >= 0)
    ) {
      throw new InvalidArgumentError(
        `${owner}: error must be "cv", "median" or a number >= 0, got ${String(error)}.`,
      );
    }
    this.error = error;
    this.warmUpTrials = checkInteger(owner, "warmUpTrials", options.warmUpTrials ?? 10, 0);
    this.nInitialTrials = checkInteger(owner, "nInitialTrials", options.nInitialTrials ?? 20, 1);
    const thresholdRatio = options.thresholdRatio ?? 0.01;
    if (
      !(typeof thresholdRatio === "number" && thresholdRatio > 0 && Number.isFinite(thresholdRatio))
    ) {
      throw new InvalidArgumentError(
        `${owner}: thresholdRatio must be a positive number, got ${thresholdRatio}.`,
      );
    }
    this.thresholdRatio = thresholdRatio;
    this.nSamples = checkInteger(owner, "nSamples", options.nSamples ?? 2048, 0);
    const delta = options.delta ?? 0.1;
    if (!(typeof delta === "number" && delta > 0 && delta < 1)) {
      throw new InvalidArgumentError(`${owner}: delta must be in (0, 1), got ${delta}.`);
    }
    this.delta = delta;
    this.seed = options.seed ?? Rng.randomSeed();
    this.callback = stopperCallback(this, owner);
  }

  /** The regret bound for the study's trials now (null: not computable yet). */
  regretBound(study: StudySnapshot, trials: readonly FrozenTrial[] = study.trials): number | null {
    const complete = trials.filter((t) => t.state === TrialState.COMPLETE);
    return regretBound(trials, singleDirectionOf(study), {
      topTrialsRatio: this.topTrialsRatio,
      minTopTrials: this.minTopTrials,
      nSamples: this.nSamples,
      delta: this.delta,
      // Same trials, same points: the decision does not depend on earlier calls.
      rng: new Rng(this.seed, "regret-bound", complete.length),
    });
  }

  /** The statistical error to compare the bound with, or null while it cannot be known. */
  statisticalError(study: StudySnapshot): number | null {
    if (typeof this.error === "number") return this.error;
    const direction = singleDirectionOf(study);
    const complete = study.trials.filter(
      (t) => t.state === TrialState.COMPLETE && t.values !== null,
    );
    if (complete.length === 0) return null;
    if (this.error === "cv") {
      let best = complete[0]!;
      for (const t of complete) {
        const v = t.values![0]!;
        if (direction === "maximize" ? v > best.values![0]! : v < best.values![0]!) best = t;
      }
      const scores = crossValidationScores(best);
      if (scores === null) {
        throw new InvalidArgumentError(
          `RegretBoundStopper: the best trial (trial ${best.number}) has no cross-validation ` +
            `scores. Call reportCrossValidationScores(trial, scores) (user attribute ` +
            `"cv_scores", at least 2 fold scores) in the objective, or use error: "median".`,
        );
      }
      return crossValidationError(scores);
    }
    const cached = this.medianThresholds.get(study.studyName);
    if (cached !== undefined) return cached;
    if (complete.length < this.warmUpTrials + this.nInitialTrials) return null;
    const ordered = [...complete].sort((a, b) => a.number - b.number);
    const bounds: number[] = [];
    for (let i = 1; i <= this.nInitialTrials; i++) {
      const subset = ordered.slice(this.warmUpTrials, this.warmUpTrials + i);
      bounds.push(this.regretBound(study, subset) ?? Number.POSITIVE_INFINITY);
    }
    bounds.sort((a, b) => a - b);
    const threshold = Math.min(
      Number.MAX_VALUE,
      bounds[Math.floor(bounds.length / 2)]! * this.thresholdRatio,
    );
    this.medianThresholds.set(study.studyName, threshold);
    return threshold;
  }

  shouldStop(study: StudySnapshot): StopDecision {
    const complete = study.getTrials([TrialState.COMPLETE]).length;
    if (complete < this.minNTrials) {
      return { stop: false, reason: `${complete} of ${this.minNTrials} trials completed.` };
    }
    const error = this.statisticalError(study);
    if (error === null) return { stop: false, reason: "the statistical error is not known yet." };
    const bound = this.regretBound(study);
    if (bound === null) {
      return { stop: false, reason: "the study has no parameter shared by its trials." };
    }
    const stop = bound < error;
    return {
      stop,
      reason: stop
        ? `the regret bound ${bound.toPrecision(4)} is below the statistical error ` +
          `${error.toPrecision(4)}: more trials would likely only chase noise.`
        : `the regret bound ${bound.toPrecision(4)} is not below the statistical error ` +
          `${error.toPrecision(4)}.`,
    };
  }
}

function singleDirectionOf(study: StudySnapshot): StudyDirection {
  if (study.directions.length !== 1) {
    throw new InvalidArgumentError(
      `RegretBoundStopper is for single-objective studies; this study has ` +
        `${study.directions.length} objectives.`,
    );
  }
  return study.directions[0]!;
}
