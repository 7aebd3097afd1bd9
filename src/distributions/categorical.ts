import { InvalidArgumentError, InvalidDistributionError } from "../errors/index.js";

/** A value a categorical parameter may take (what Optuna stores as JSON). */
export type CategoricalChoice = string | number | boolean | null;

function describe(choice: CategoricalChoice): string {
  return typeof choice === "string" ? JSON.stringify(choice) : String(choice);
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
    const seen = new Set<CategoricalChoice>();
    for (const choice of choices) {
      const type = typeof choice;
      if (choice !== null && type !== "string" && type !== "number" && type !== "boolean") {
        throw new InvalidDistributionError(
          `CategoricalDistribution: choice ${String(choice)} is a ${type}; choices must be ` +
            "strings, numbers, booleans or null (encode other values as strings).",
        );
      }
      if (type === "number" && !Number.isFinite(choice)) {
        throw new InvalidDistributionError(
          `CategoricalDistribution: choice ${String(choice)} is not a finite number.`,
        );
      }
      if (seen.has(choice)) {
        throw new InvalidDistributionError(
          `CategoricalDistribution: choice ${describe(choice)} appears more than once; ` +
            "each choice must be unique.",
        );
      }
      seen.add(choice);
    }
    this.choices = Object.freeze([...choices]);
    Object.freeze(this);
  }

  toInternalRepr(value: unknown): number {
    const index = this.choices.indexOf(value as T);
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
