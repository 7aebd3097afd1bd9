import { InvalidArgumentError, InvalidDistributionError } from "../errors/index.js";

/** A value a categorical parameter may take (what Optuna stores as JSON). */
export type CategoricalChoice = string | number | boolean | null;

function describe(choice: CategoricalChoice): string {
  return typeof choice === "string" ? JSON.stringify(choice) : String(choice);
}

/** Whether two choices are equal, NaN equal to NaN (Optuna's `_categorical_choice_equal`). */
export function choicesEqual(a: unknown, b: unknown): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

/** One of a fixed list of choices (Optuna's CategoricalDistribution). */
export class CategoricalDistribution<T extends CategoricalChoice = CategoricalChoice> {
  readonly kind = "categorical" as const;
  readonly choices: readonly T[];

  constructor(choices: readonly T[]) {
    if (!Array.isArray(choices) || choices.length === 0) {
      throw new InvalidDistributionError(
        "CategoricalDistribution: choices must contain one or more elements.",
      );
    }
    // As Optuna: duplicates and non-finite numbers are allowed (a value picks its first
    // equal choice, NaN equal to NaN); only the types are checked.
    for (const choice of choices) {
      const type = typeof choice;
      if (choice !== null && type !== "string" && type !== "number" && type !== "boolean") {
        throw new InvalidDistributionError(
          `CategoricalDistribution: choice ${String(choice)} is a ${type}; choices must be ` +
            "strings, numbers, booleans or null (encode other values as strings).",
        );
      }
    }
    this.choices = Object.freeze([...choices]);
    Object.freeze(this);
  }

  toInternalRepr(value: unknown): number {
    const index = this.choices.findIndex((choice) => choicesEqual(choice, value));
    if (index < 0) {
      throw new InvalidArgumentError(
        `${String(value)} is not one of the choices [${this.choices.map(describe).join(", ")}].`,
      );
    }
    return index;
  }

  toExternalRepr(internal: number): T {
    const choice = this.choices[Math.trunc(internal)];
    if (choice === undefined) {
      throw new InvalidArgumentError(
        `index ${internal} is outside the ${this.choices.length} choices of this distribution.`,
      );
    }
    return choice;
  }

  contains(internal: number): boolean {
    const index = Math.trunc(internal);
    return index === internal && index >= 0 && index < this.choices.length;
  }

  single(): boolean {
    return this.choices.length === 1;
  }
}
