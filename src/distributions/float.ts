import { InvalidArgumentError, InvalidDistributionError } from "../errors/index.js";
import { logger } from "../logging/index.js";
import { adjustSteppedHigh, rangeBelowStep } from "../math/decimal.js";

/** Options of a float range. */
export interface FloatOptions {
  /** Sample in log space (low must be > 0). Default false. */
  log?: boolean;
  /** Discretization step; not allowed with `log`. Default none (continuous). */
  step?: number | null;
}

/** Marks a range read from storage: its `high` was adjusted when it was written. */
const AS_STORED: unique symbol = Symbol("FloatDistribution as stored");

/**
 * A distribution exactly as stored (`high` not adjusted to the step again). Optuna adjusts
 * again when it reads its JSON, and for ranges with more than about 15 significant digits that
 * moves `high` by another step; reading must not change what was written.
 */
export function storedFloatDistribution(
  low: number,
  high: number,
  options: FloatOptions = {},
): FloatDistribution {
  return new FloatDistribution(low, high, { ...options, [AS_STORED]: true } as FloatOptions);
}

/** The range as its constructor call, for error messages (built only when one is thrown). */
function describeRange(low: number, high: number, log: boolean, step: number | null): string {
  return `FloatDistribution(low=${low}, high=${high}${log ? ", log=true" : ""}${step !== null ? `, step=${step}` : ""})`;
}

/** A float in [low, high], optionally log-scaled or on a grid of `step` (Optuna's FloatDistribution). */
export class FloatDistribution {
  readonly kind = "float" as const;
  readonly low: number;
  readonly high: number;
  readonly log: boolean;
  readonly step: number | null;

  constructor(low: number, high: number, options: FloatOptions = {}) {
    const log = options.log ?? false;
    const step = options.step ?? null;
    if (!Number.isFinite(low) || !Number.isFinite(high)) {
      throw new InvalidDistributionError(
        `${describeRange(low, high, log, step)}: low and high must be finite numbers.`,
      );
    }
    if (log && step !== null) {
      throw new InvalidDistributionError(
        `${describeRange(low, high, log, step)}: step cannot be used together with log=true; remove one of them.`,
      );
    }
    if (low > high) {
      throw new InvalidDistributionError(
        `${describeRange(low, high, log, step)}: low must be less than or equal to high; swap them or fix the range.`,
      );
    }
    if (log && low <= 0) {
      throw new InvalidDistributionError(
        `${describeRange(low, high, log, step)}: low must be greater than 0 for a log distribution; raise low or set log=false.`,
      );
    }
    if (step !== null && !(step > 0 && Number.isFinite(step))) {
      throw new InvalidDistributionError(
        `${describeRange(low, high, log, step)}: step must be a positive number.`,
      );
    }
    let adjustedHigh = high;
    const asStored = (options as { [AS_STORED]?: boolean })[AS_STORED] === true;
    if (step !== null && !asStored) {
      adjustedHigh = adjustSteppedHigh(low, high, step);
      if (adjustedHigh !== high) {
        logger.warn(
          `The distribution is specified by [${low}, ${high}] and step=${step}, but the range ` +
            `is not divisible by \`step\`. It will be replaced by [${low}, ${adjustedHigh}].`,
        );
      }
    }
    this.low = low;
    this.high = adjustedHigh;
    this.log = log;
    this.step = step;
    Object.freeze(this);
  }

  toInternalRepr(value: unknown): number {
    if (typeof value !== "number") {
      throw new InvalidArgumentError(`${String(value)} is not a valid float parameter value.`);
    }
    if (Number.isNaN(value)) throw new InvalidArgumentError("NaN is not a valid parameter value.");
    if (this.log && value <= 0) {
      throw new InvalidArgumentError(
        `${value} is not a valid value for a log distribution (<= 0).`,
      );
    }
    return value;
  }

  toExternalRepr(internal: number): number {
    return internal;
  }

  /** Whether an internal value lies in the range (and on the step grid). */
  contains(internal: number): boolean {
    if (!(internal >= this.low && internal <= this.high)) return false;
    if (this.step === null) return true;
    const k = (internal - this.low) / this.step;
    return Math.abs(k - Math.round(k)) < 1e-8;
  }

  /** Whether the range holds a single value. */
  single(): boolean {
    if (this.low === this.high) return true;
    return this.step !== null && rangeBelowStep(this.low, this.high, this.step);
  }
}
