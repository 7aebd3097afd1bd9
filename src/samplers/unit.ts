import type { Distribution, ParamValue } from "../distributions/index.js";

function clip(x: number, low: number, high: number): number {
  return Math.min(Math.max(x, low), high);
}

/**
 * Maps u in [0, 1) to a value of the distribution with uniform density in its natural space
 * (log space when `log`). Stepped and integer ranges widen by half a step on each side and
 * round, so every grid value gets the same share (Optuna's search-space transform).
 */
export function fromUnit(distribution: Distribution, u: number): ParamValue {
  switch (distribution.kind) {
    case "categorical": {
      const n = distribution.choices.length;
      return distribution.choices[Math.min(n - 1, Math.floor(u * n))]!;
    }
    case "float": {
      const { low, high, step, log } = distribution;
      if (log)
        return clip(Math.exp(Math.log(low) + u * (Math.log(high) - Math.log(low))), low, high);
      if (step === null) return clip(low + u * (high - low), low, high);
      const x = low - step / 2 + u * (high - low + step);
      return clip(Math.round((x - low) / step) * step + low, low, high);
    }
    case "int": {
      const { low, high, step, log } = distribution;
      if (log) {
        const x = Math.exp(Math.log(low - 0.5) + u * (Math.log(high + 0.5) - Math.log(low - 0.5)));
        return clip(Math.round(x), low, high);
      }
      const x = low - step / 2 + u * (high - low + step);
      return clip(Math.round((x - low) / step) * step + low, low, high);
    }
  }
}
