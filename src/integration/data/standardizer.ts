/**
 * Feature standardization (zero mean, unit variance) fitted on training rows only.
 */
import { InvalidArgumentError } from "../../errors/index.js";
import type { Dataset, FeatureArray } from "./dataset.js";

/** What a fitted `Standardizer` saves (`toJSON`) and restores (`Standardizer.fromJSON`). */
export interface StandardizerState {
  mean: number[];
  scale: number[];
}

type Features = { features: FeatureArray; nFeatures: number };

/**
 * Scales each feature to zero mean and unit variance with statistics of the data given to
 * `fit` — the training part only. Transforming validation or test rows with those statistics
 * keeps their information out of training (fitting on all rows would leak it and make the
 * validation score optimistic).
 *
 * A constant feature gets scale 1 (it becomes 0), as scikit-learn's StandardScaler does.
 *
 * ```ts
 * const scaler = new Standardizer().fit(split.train);
 * const [train, validation] = [scaler.transform(split.train), scaler.transform(split.validation)];
 * ```
 */
export class Standardizer {
  private meanValues: Float64Array | undefined;
  private scaleValues: Float64Array | undefined;

  /** Per-feature means of the fitted data. */
  get mean(): Float64Array {
    return this.fitted().mean;
  }

  /** Per-feature standard deviations of the fitted data (population, ddof 0), 1 where constant. */
  get scale(): Float64Array {
    return this.fitted().scale;
  }

  /** Whether `fit` (or `fromJSON`) has set the statistics. */
  get isFitted(): boolean {
    return this.meanValues !== undefined;
  }

  /** Learns each feature's mean and standard deviation from `data` (the training rows). */
  fit(data: Features): this {
    const d = data.nFeatures;
    const n = data.features.length / d;
    if (!(n >= 1 && Number.isInteger(n))) {
      throw new InvalidArgumentError(
        `Standardizer.fit: need at least one row of ${d} features, got ${data.features.length} numbers.`,
      );
    }
    const mean = new Float64Array(d);
    const scale = new Float64Array(d);
    const x = data.features;
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += x[i * d + j]!;
    for (let j = 0; j < d; j++) mean[j]! /= n;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) {
        const delta = x[i * d + j]! - mean[j]!;
        scale[j]! += delta * delta;
      }
    }
    for (let j = 0; j < d; j++) {
      const std = Math.sqrt(scale[j]! / n);
      scale[j] = std > 1e-12 * Math.max(1, Math.abs(mean[j]!)) ? std : 1;
    }
    this.meanValues = mean;
    this.scaleValues = scale;
    return this;
  }

  /** A standardized copy of `data` (same array type); `data` is not changed. */
  transform<D extends Features>(data: D): D {
    const features = data.features.slice() as D["features"];
    this.transformInPlace({ features, nFeatures: data.nFeatures });
    return { ...data, features };
  }

  /** Standardizes `data.features` in place and returns `data`. */
  transformInPlace<D extends Features>(data: D): D {
    const { mean, scale } = this.fitted();
    const d = mean.length;
    if (data.nFeatures !== d) {
      throw new InvalidArgumentError(
        `Standardizer: fitted on ${d} features, asked to transform ${data.nFeatures}.`,
      );
    }
    const x = data.features;
    for (let i = 0; i < x.length; i += d) {
      for (let j = 0; j < d; j++) x[i + j] = (x[i + j]! - mean[j]!) / scale[j]!;
    }
    return data;
  }

  /** `fit(data)` then `transform(data)`. */
  fitTransform<D extends Features>(data: D): D {
    return this.fit(data).transform(data);
  }

  /** Undoes `transform` (a copy). */
  inverseTransform<D extends Features>(data: D): D {
    const { mean, scale } = this.fitted();
    const d = mean.length;
    const features = data.features.slice() as D["features"];
    for (let i = 0; i < features.length; i += d) {
      for (let j = 0; j < d; j++) features[i + j] = features[i + j]! * scale[j]! + mean[j]!;
    }
    return { ...data, features };
  }

  /** The statistics as JSON, to ship with a trained model. */
  toJSON(): StandardizerState {
    const { mean, scale } = this.fitted();
    return { mean: Array.from(mean), scale: Array.from(scale) };
  }

  /** A standardizer with saved statistics. */
  static fromJSON(state: StandardizerState): Standardizer {
    if (state.mean.length !== state.scale.length || state.mean.length === 0) {
      throw new InvalidArgumentError(
        "Standardizer.fromJSON: mean and scale must have one entry per feature.",
      );
    }
    const s = new Standardizer();
    s.meanValues = Float64Array.from(state.mean);
    s.scaleValues = Float64Array.from(state.scale);
    return s;
  }

  private fitted(): { mean: Float64Array; scale: Float64Array } {
    if (this.meanValues === undefined || this.scaleValues === undefined) {
      throw new InvalidArgumentError("Standardizer: call fit(trainingData) before transforming.");
    }
    return { mean: this.meanValues, scale: this.scaleValues };
  }
}

/**
 * Fits a standardizer on `train` and returns it with standardized copies of `train` and of
 * every other part (validation, test), which are transformed with the training statistics.
 */
export function standardizeSplit<D extends Dataset, Rest extends Dataset[]>(
  train: D,
  ...others: Rest
): { standardizer: Standardizer; train: D; others: { [K in keyof Rest]: Rest[K] } } {
  const standardizer = new Standardizer().fit(train);
  return {
    standardizer,
    train: standardizer.transform(train),
    others: others.map((part) => standardizer.transform(part)) as { [K in keyof Rest]: Rest[K] },
  };
}
