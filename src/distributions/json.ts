import { InvalidArgumentError } from "../errors/index.js";
import { type JsonValue, PythonFloat, pythonJsonDumps, pythonJsonLoads } from "../json/python.js";
import { type CategoricalChoice, CategoricalDistribution } from "./categorical.js";
import { FloatDistribution, storedFloatDistribution } from "./float.js";
import { IntDistribution } from "./int.js";
import type { Distribution } from "./types.js";

/**
 * The JSON form of a distribution, byte-identical to Optuna's `distribution_to_json`
 * (attribute order and Python float formatting included).
 */
export function distributionToJson(distribution: Distribution): string {
  switch (distribution.kind) {
    case "float":
      return pythonJsonDumps({
        name: "FloatDistribution",
        attributes: {
          step: distribution.step === null ? null : new PythonFloat(distribution.step),
          low: new PythonFloat(distribution.low),
          high: new PythonFloat(distribution.high),
          log: distribution.log,
        },
      });
    case "int":
      return pythonJsonDumps({
        name: "IntDistribution",
        attributes: {
          log: distribution.log,
          step: distribution.step,
          low: distribution.low,
          high: distribution.high,
        },
      });
    case "categorical":
      return pythonJsonDumps({
        name: "CategoricalDistribution",
        attributes: { choices: distribution.choices as JsonValue[] },
      });
  }
}

function numberAttr(attributes: Record<string, JsonValue>, key: string): number {
  const value = attributes[key];
  if (typeof value !== "number") {
    throw new InvalidArgumentError(`distribution JSON: attribute "${key}" must be a number.`);
  }
  return value;
}

/**
 * Parses Optuna's distribution JSON, including the pre-3.0 names
 * (UniformDistribution, LogUniformDistribution, DiscreteUniformDistribution,
 * IntUniformDistribution, IntLogUniformDistribution), which map to today's classes.
 */
export function jsonToDistribution(json: string): Distribution {
  const parsed = pythonJsonLoads(json);
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new InvalidArgumentError(`distribution JSON must be an object: ${json}`);
  }
  const name = parsed["name"];
  const attributes = parsed["attributes"];
  if (attributes === null || typeof attributes !== "object" || Array.isArray(attributes)) {
    throw new InvalidArgumentError(`distribution JSON has no attributes object: ${json}`);
  }
  const low = (): number => numberAttr(attributes, "low");
  const high = (): number => numberAttr(attributes, "high");
  switch (name) {
    case "FloatDistribution": {
      const step = attributes["step"];
      return storedFloatDistribution(low(), high(), {
        log: attributes["log"] === true,
        step: typeof step === "number" ? step : null,
      });
    }
    case "IntDistribution":
      return new IntDistribution(low(), high(), {
        log: attributes["log"] === true,
        step: typeof attributes["step"] === "number" ? attributes["step"] : 1,
      });
    case "CategoricalDistribution": {
      const choices = attributes["choices"];
      if (!Array.isArray(choices)) {
        throw new InvalidArgumentError(`categorical distribution JSON has no choices: ${json}`);
      }
      return new CategoricalDistribution(choices as CategoricalChoice[]);
    }
    case "UniformDistribution":
      return new FloatDistribution(low(), high());
    case "LogUniformDistribution":
      return new FloatDistribution(low(), high(), { log: true });
    case "DiscreteUniformDistribution":
      return storedFloatDistribution(low(), high(), { step: numberAttr(attributes, "q") });
    case "IntUniformDistribution":
      return new IntDistribution(low(), high(), {
        step: typeof attributes["step"] === "number" ? attributes["step"] : 1,
      });
    case "IntLogUniformDistribution":
      return new IntDistribution(low(), high(), { log: true });
    default:
      throw new InvalidArgumentError(`unknown distribution name ${String(name)} in ${json}`);
  }
}
