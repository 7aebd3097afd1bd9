import type { Dataset } from "skipjack";

/** Hyperparameters of softmax regression trained by mini-batch SGD with L2 weight decay. */
export interface SoftmaxConfig {
  learningRate: number;
  weightDecay: number;
  batchSize: number;
  epochs: number;
  seed: number;
}

/** A multinomial logistic regression: weights (classes × features) and biases. */
export class SoftmaxRegression {
  readonly weights: Float64Array;
  readonly bias: Float64Array;

  constructor(
    readonly nFeatures: number,
    readonly nClasses: number,
  ) {
    this.weights = new Float64Array(nClasses * nFeatures);
    this.bias = new Float64Array(nClasses);
  }

  private probabilities(x: ArrayLike<number>, offset: number, out: Float64Array): void {
    let max = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < this.nClasses; c++) {
      let z = this.bias[c]!;
      for (let j = 0; j < this.nFeatures; j++)
        z += this.weights[c * this.nFeatures + j]! * x[offset + j]!;
      out[c] = z;
      if (z > max) max = z;
    }
    let sum = 0;
    for (let c = 0; c < this.nClasses; c++) {
      out[c] = Math.exp(out[c]! - max);
      sum += out[c]!;
    }
    for (let c = 0; c < this.nClasses; c++) out[c]! /= sum;
  }

  /** One pass over the data in a shuffled order. */
  trainEpoch(data: Dataset, config: SoftmaxConfig, epoch: number): void {
    const n = data.labels.length;
    const order = Array.from({ length: n }, (_, i) => i);
    let state = (config.seed * 7919 + epoch * 104729 + 1) >>> 0 || 1;
    for (let i = n - 1; i > 0; i--) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      const j = (state >>> 0) % (i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const p = new Float64Array(this.nClasses);
    const gradW = new Float64Array(this.weights.length);
    const gradB = new Float64Array(this.nClasses);
    for (let start = 0; start < n; start += config.batchSize) {
      const end = Math.min(n, start + config.batchSize);
      gradW.fill(0);
      gradB.fill(0);
      for (let k = start; k < end; k++) {
        const row = order[k]!;
        const offset = row * this.nFeatures;
        this.probabilities(data.features, offset, p);
        p[data.labels[row]!]! -= 1;
        for (let c = 0; c < this.nClasses; c++) {
          gradB[c]! += p[c]!;
          for (let j = 0; j < this.nFeatures; j++)
            gradW[c * this.nFeatures + j]! += p[c]! * data.features[offset + j]!;
        }
      }
      const scale = config.learningRate / (end - start);
      for (let w = 0; w < this.weights.length; w++) {
        this.weights[w]! -=
          scale * gradW[w]! + config.learningRate * config.weightDecay * this.weights[w]!;
      }
      for (let c = 0; c < this.nClasses; c++) this.bias[c]! -= scale * gradB[c]!;
    }
  }

  /** Fraction of correctly classified rows. */
  accuracy(data: Dataset): number {
    const p = new Float64Array(this.nClasses);
    let correct = 0;
    for (let i = 0; i < data.labels.length; i++) {
      this.probabilities(data.features, i * this.nFeatures, p);
      let best = 0;
      for (let c = 1; c < this.nClasses; c++) if (p[c]! > p[best]!) best = c;
      if (best === data.labels[i]) correct++;
    }
    return correct / data.labels.length;
  }
}
