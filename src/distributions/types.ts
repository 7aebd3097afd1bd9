import type { CategoricalChoice, CategoricalDistribution } from "./categorical.js";
import type { FloatDistribution } from "./float.js";
import type { IntDistribution } from "./int.js";

/** Any distribution; narrow on `kind`. */
export type Distribution = FloatDistribution | IntDistribution | CategoricalDistribution;

/** The value of a parameter as the objective sees it. */
export type ParamValue = number | CategoricalChoice;

/** Parameter name → distribution. */
export type SearchSpace = Record<string, Distribution>;

/** Parameter name → value. */
export type Params = Record<string, ParamValue>;
