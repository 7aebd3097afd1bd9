import {
  type CategoricalChoice,
  CategoricalDistribution,
  type Distribution,
  FloatDistribution,
  type FloatOptions,
  IntDistribution,
  type IntOptions,
  type Params,
  type SearchSpace,
} from "../distributions/index.js";
import type { JsonValue } from "../json/python.js";

/**
 * What an objective receives: suggest hyperparameters, report intermediate values, ask
 * whether to stop early. `suggest*` calls are synchronous; asking for the same name again
 * returns the same value.
 */
export interface Trial {
  /** 0-based number of the trial in its study. */
  readonly number: number;
  /** Parameters suggested so far. */
  readonly params: Readonly<Params>;
  /** Distributions of the parameters suggested so far. */
  readonly distributions: Readonly<SearchSpace>;
  readonly userAttrs: Readonly<Record<string, JsonValue>>;
  readonly datetimeStart: Date | null;
  /** Aborted when the trial is ended from outside (Ctrl-C, a stopped study): stop work then. */
  readonly signal: AbortSignal;

  /** A float in [low, high]; `log` samples in log space, `step` on a grid from low. */
  suggestFloat(name: string, low: number, high: number, options?: FloatOptions): number;
  /** An integer in [low, high] (both inclusive). */
  suggestInt(name: string, low: number, high: number, options?: IntOptions): number;
  /** One of `choices`, typed as the union of the choices. */
  suggestCategorical<const T extends CategoricalChoice>(name: string, choices: readonly T[]): T;
  /** Records the objective's value at a step (an epoch), for pruning and learning curves. */
  report(value: number, step: number): Promise<void>;
  /** Whether the pruner says this trial should stop now (then throw `TrialPruned`). */
  shouldPrune(): Promise<boolean>;
  /**
   * Attaches a JSON value to the trial, stored as soon as the caller's synchronous code ends.
   * Throws `InvalidArgumentError` at the call for a key or value no storage could hold the same
   * way (README, "Names and attribute values"); array holes are stored as null.
   */
  setUserAttr(key: string, value: JsonValue): void;
}

/** The three typed `suggest*` methods on top of one `suggest(name, distribution)`. */
export abstract class SuggestingTrial {
  protected abstract suggest(name: string, distribution: Distribution): unknown;

  suggestFloat(name: string, low: number, high: number, options?: FloatOptions): number {
    return this.suggest(name, new FloatDistribution(low, high, options)) as number;
  }

  suggestInt(name: string, low: number, high: number, options?: IntOptions): number {
    return this.suggest(name, new IntDistribution(low, high, options)) as number;
  }

  suggestCategorical<const T extends CategoricalChoice>(name: string, choices: readonly T[]): T {
    return this.suggest(name, new CategoricalDistribution<T>(choices)) as T;
  }
}
