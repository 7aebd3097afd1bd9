/**
 * Where the trials' values of one parameter fall on PED-ANOVA's grid (Watanabe et al., 2023):
 * a numerical domain becomes `nSteps` evenly spaced points (in log space for a log parameter;
 * fewer points for a narrow stepped or log-int domain, as Optuna 5 does), each value counted at
 * its nearest point; a categorical parameter counts its choices.
 */
import type { Distribution, ParamValue } from "../../distributions/index.js";

/** The number of grid points for a distribution, given the requested number of steps. */
export function gridSize(distribution: Distribution, nSteps: number): number {
  if (distribution.kind === "categorical") return distribution.choices.length;
  if (distribution.kind === "int" && distribution.log) {
    // One point per doubling of the domain, plus one.
    const log2Size = Math.ceil(Math.log(distribution.high - distribution.low + 1) / Math.LN2) + 1;
    return Math.min(log2Size, nSteps);
  }
  if (distribution.step !== null) {
    return Math.min(
      Math.round((distribution.high - distribution.low) / distribution.step) + 1,
      nSteps,
    );
  }
  return nSteps;
}

/**
 * The grid point of a value of `distribution` on a grid of `size` points: numerical values go
 * to the nearest point, a value halfway between two points to the lower one; a categorical
 * value to its choice's index.
 */
export function gridIndexer(
  distribution: Distribution,
  size: number,
): (value: ParamValue) => number {
  if (distribution.kind === "categorical") return (value) => distribution.toInternalRepr(value);
  const { log } = distribution;
  const low = log ? Math.log(distribution.low) : distribution.low;
  const high = log ? Math.log(distribution.high) : distribution.high;
  const stepSize = (high - low) / (size - 1);
  return (value) => {
    const x = log ? Math.log(value as number) : (value as number);
    const index = Math.ceil((x - low) / stepSize - 0.5);
    return index < 0 ? 0 : Math.min(index, size - 1);
  };
}
