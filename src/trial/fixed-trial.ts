import type { Distribution, Params, SearchSpace } from "../distributions/index.js";
import { checkDistributionCompatibility } from "../distributions/index.js";
import { InvalidArgumentError } from "../errors/index.js";
import { checkJsonValue, checkName } from "../json/check.js";
import type { JsonValue } from "../json/python.js";
import { logger } from "../logging/index.js";
import { SuggestingTrial, type Trial } from "./trial.js";

/**
 * A trial with given parameters, to run or unit-test an objective outside a study
 * (Optuna's FixedTrial). Suggesting a name that is not in `params` throws.
 */
export class FixedTrial extends SuggestingTrial implements Trial {
  readonly number: number;
  readonly datetimeStart = new Date();
  readonly signal: AbortSignal = new AbortController().signal;
  private readonly fixed: Params;
  private readonly suggested: Params = {};
  private readonly suggestedDistributions: SearchSpace = {};
  private readonly attrs: Record<string, JsonValue> = {};
  /** What `report` received: step → value. */
  readonly intermediateValues = new Map<number, number>();

  constructor(params: Params, number = 0) {
    super();
    this.fixed = { ...params };
    this.number = number;
  }

  get params(): Readonly<Params> {
    return { ...this.suggested };
  }

  get distributions(): Readonly<SearchSpace> {
    return { ...this.suggestedDistributions };
  }

  get userAttrs(): Readonly<Record<string, JsonValue>> {
    return structuredClone(this.attrs);
  }

  protected suggest(name: string, distribution: Distribution): unknown {
    if (!(name in this.fixed)) {
      throw new InvalidArgumentError(
        `FixedTrial has no value for parameter "${name}"; add it to the params given to FixedTrial.`,
      );
    }
    const previous = this.suggestedDistributions[name];
    if (previous !== undefined) checkDistributionCompatibility(name, previous, distribution);
    const value = this.fixed[name];
    const internal = distribution.toInternalRepr(value);
    if (!distribution.contains(internal)) {
      logger.warn(`The value ${String(value)} of "${name}" is outside its distribution.`);
    }
    this.suggested[name] = value!;
    this.suggestedDistributions[name] = distribution;
    return value;
  }

  async report(value: number, step: number): Promise<void> {
    this.intermediateValues.set(step, value);
  }

  async shouldPrune(): Promise<boolean> {
    return false;
  }

  /** Checked as a live trial checks it, so that a unit test meets the same errors. */
  setUserAttr(key: string, value: JsonValue): void {
    checkName("setUserAttr: the key", key);
    this.attrs[key] = checkJsonValue(`setUserAttr: user attribute ${JSON.stringify(key)}`, value);
  }
}
