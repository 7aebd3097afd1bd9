import { InvalidArgumentError, InvalidDistributionError } from "../errors/index.js";
import { logger } from "../logging/index.js";

/** Options of an integer range. */
export interface IntOptions {
  /** Sample in log space (low must be >= 1; step must be 1). Default false. */
  log?: boolean;
  /** Distance between consecutive values. Default 1. */
  step?: number;
}

/** The range as its constructor call, for error messages (built only when one is thrown). */
function describeRange(low: number, high: number, log: boolean, step: number): string {
  return `IntDistribution(low=${low}, high=${high}${log ? ", log=true" : ""}${step !== 1 ? `, step=${step}` : ""})`;
}

/** An integer in [low, high], optionally log-scaled or with a step (Optuna's IntDistribution). */
export class IntDistribution {
  readonly kind = "int" as const;
  readonly low: number;
  readonly high: number;
  readonly log: boolean;
  readonly step: number;

  constructor(low: number, high: number, options: IntOptions = {}) {
    const log = options.log ?? false;
    const step = options.step ?? 1;
    if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high)) {
      throw new InvalidDistributionError(
        `${describeRange(low, high, log, step)}: low and high must be integers.`,
      );
    }
    if (!Number.isSafeInteger(step)) {
      throw new InvalidDistributionError(
        `${describeRange(low, high, log, step)}: step must be a positive integer.`,
      );
    }
    if (log && step !== 1) {
      throw new InvalidDistributionError(
        `${describeRange(low, high, log, step)}: step must be 1 when log=true; remove step or set log=false.`,
      );
    }
    if (low > high) {
      throw new InvalidDistributionError(
        `${describeRange(low, high, log, step)}: low must be less than or equal to high; swap them or fix the range.`,
      );
    }
    if (log && low < 1) {
      throw new InvalidDistributionError(
        `${describeRange(low, high, log, step)}: low must be at least 1 for a log distribution; raise low or set log=false.`,
      );
    }
    if (step <= 0) {
      throw new InvalidDistributionError(
        `${describeRange(low, high, log, step)}: step must be a positive integer.`,
      );
    }
    let adjustedHigh = high;
    if ((high - low) % step !== 0) {
      adjustedHigh = Math.floor((high - low) / step) * step + low;
      logger.warn(
        `The distribution is specified by [${low}, ${high}] and step=${step}, but the range ` +
          `is not divisible by \`step\`. It will be replaced by [${low}, ${adjustedHigh}].`,
      );
    }
    this.low = low;
    this.high = adjustedHigh;
    this.log = log;
    this.step = step;
    Object.freeze(this);
  }

  toInternalRepr(value: unknown): number {
    if (typeof value !== "number" || Number.isNaN(value)) {
      throw new InvalidArgumentError(`${String(value)} is not a valid integer parameter value.`);
    }
    return value;
  }

  toExternalRepr(internal: number): number {
    return Math.trunc(internal);
  }

  contains(internal: number): boolean {
    return internal >= this.low && internal <= this.high && (internal - this.low) % this.step === 0;
  }

  single(): boolean {
    if (this.low === this.high) return true;
    return !this.log && this.high - this.low < this.step;
  }
}
