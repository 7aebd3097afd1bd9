import { IncompatibleDistributionError } from "../errors/index.js";
import { choicesEqual } from "./categorical.js";
import type { Distribution, ParamValue } from "./types.js";

/** A short human form, e.g. `float[0.001, 0.1] log` or `categorical[a, b]`. */
export function describeDistribution(d: Distribution): string {
  switch (d.kind) {
    case "float":
    case "int":
      return `${d.kind}[${d.low}, ${d.high}]${d.log ? " log" : ""}${d.step !== null && !(d.kind === "int" && d.step === 1) ? ` step ${d.step}` : ""}`;
    case "categorical":
      return `categorical[${d.choices.map((c) => String(c)).join(", ")}]`;
  }
}

/** Whether two distributions are the same search space. */
export function distributionsEqual(a: Distribution, b: Distribution): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === "categorical" && b.kind === "categorical") {
    return (
      a.choices.length === b.choices.length &&
      a.choices.every((c, i) => choicesEqual(c, b.choices[i]))
    );
  }
  if (a.kind === "categorical" || b.kind === "categorical") return false;
  return a.low === b.low && a.high === b.high && a.log === b.log && a.step === b.step;
}

/**
 * Throws when a parameter suggested again cannot keep its value under the new distribution:
 * another kind, another log setting, or other choices (ranges may differ, as in Optuna).
 */
export function checkDistributionCompatibility(
  name: string,
  previous: Distribution,
  next: Distribution,
): void {
  if (previous.kind !== next.kind) incompatible(name, previous, next, "the kinds differ");
  if (previous.kind === "categorical" && next.kind === "categorical") {
    if (!distributionsEqual(previous, next)) {
      incompatible(name, previous, next, "the choices differ");
    }
    return;
  }
  if (previous.kind !== "categorical" && next.kind !== "categorical" && previous.log !== next.log) {
    incompatible(name, previous, next, "the log settings differ");
  }
}

/** Throws the error of `checkDistributionCompatibility` (a function of its own: no closure per check). */
function incompatible(
  name: string,
  previous: Distribution,
  next: Distribution,
  why: string,
): never {
  throw new IncompatibleDistributionError(
    `Parameter "${name}" was suggested as ${describeDistribution(previous)} and now as ` +
      `${describeDistribution(next)}: ${why}. Use one distribution per name, or another name.`,
  );
}

/** The only value of a single-valued distribution. */
export function singleValue(d: Distribution): ParamValue {
  return d.kind === "categorical" ? d.choices[0]! : d.low;
}
