export { type CategoricalChoice, CategoricalDistribution } from "./categorical.js";
export {
  checkDistributionCompatibility,
  describeDistribution,
  distributionsEqual,
  singleValue,
} from "./compat.js";
export { FloatDistribution, type FloatOptions } from "./float.js";
export { IntDistribution, type IntOptions } from "./int.js";
export { distributionToJson, jsonToDistribution } from "./json.js";
export type { Distribution, Params, ParamValue, SearchSpace } from "./types.js";
