/**
 * The `--search-space` JSON of `ask`, accepted exactly as Optuna's `ask` accepts it: an object
 * mapping each parameter name to the output of `distribution_to_json` (`{"name":
 * "FloatDistribution", "attributes": {...}}`, the pre-3.0 names included) or to the short form
 * (`{"type": "float", "low": 0, "high": 1}`). Errors name the parameter and the field.
 */
import {
  type CategoricalChoice,
  CategoricalDistribution,
  type Distribution,
  FloatDistribution,
  IntDistribution,
  type SearchSpace,
} from "../distributions/index.js";
import { InvalidArgumentError } from "../errors/index.js";
import { type JsonValue, pythonJsonLoads } from "../json/python.js";

type Attrs = Record<string, JsonValue>;

/** Attributes each distribution name takes (the first `required` are needed). */
const SIGNATURES: Record<string, { keys: string[]; required: string[] }> = {
  FloatDistribution: { keys: ["low", "high", "log", "step"], required: ["low", "high"] },
  IntDistribution: { keys: ["low", "high", "log", "step"], required: ["low", "high"] },
  CategoricalDistribution: { keys: ["choices"], required: ["choices"] },
  UniformDistribution: { keys: ["low", "high"], required: ["low", "high"] },
  LogUniformDistribution: { keys: ["low", "high"], required: ["low", "high"] },
  DiscreteUniformDistribution: { keys: ["low", "high", "q"], required: ["low", "high", "q"] },
  IntUniformDistribution: { keys: ["low", "high", "step"], required: ["low", "high"] },
  IntLogUniformDistribution: { keys: ["low", "high", "step"], required: ["low", "high"] },
};

function isObject(value: JsonValue | undefined): value is Attrs {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function fail(param: string, field: string, why: string): never {
  throw new InvalidArgumentError(`--search-space: parameter "${param}", field "${field}": ${why}`);
}

function number(param: string, attrs: Attrs, key: string): number {
  const value = attrs[key];
  if (typeof value !== "number")
    fail(param, key, `must be a number, got ${JSON.stringify(value)}.`);
  return value;
}

function optionalNumber(param: string, attrs: Attrs, key: string): number | null {
  const value = attrs[key];
  return value === undefined || value === null ? null : number(param, attrs, key);
}

function flag(param: string, attrs: Attrs, key: string): boolean {
  const value = attrs[key];
  if (value === undefined) return false;
  if (typeof value !== "boolean")
    fail(param, key, `must be true or false, got ${JSON.stringify(value)}.`);
  return value;
}

function build(param: string, field: string, make: () => Distribution): Distribution {
  try {
    return make();
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new InvalidArgumentError(`--search-space: parameter "${param}" (${field}): ${why}`);
  }
}

function fromNamed(param: string, name: string, attrs: Attrs): Distribution {
  const signature = SIGNATURES[name];
  if (signature === undefined) {
    fail(
      param,
      "name",
      `unknown distribution ${JSON.stringify(name)} (use one of ${Object.keys(SIGNATURES).join(", ")}).`,
    );
  }
  for (const key of Object.keys(attrs)) {
    if (!signature.keys.includes(key)) {
      fail(
        param,
        `attributes.${key}`,
        `${name} takes no such attribute (it takes ${signature.keys.join(", ")}).`,
      );
    }
  }
  for (const key of signature.required) {
    if (!(key in attrs)) fail(param, `attributes.${key}`, `${name} needs it.`);
  }
  const low = (): number => number(param, attrs, "low");
  const high = (): number => number(param, attrs, "high");
  return build(param, name, () => {
    switch (name) {
      case "FloatDistribution":
        return new FloatDistribution(low(), high(), {
          log: flag(param, attrs, "log"),
          step: optionalNumber(param, attrs, "step"),
        });
      case "IntDistribution":
        return new IntDistribution(low(), high(), {
          log: flag(param, attrs, "log"),
          step: optionalNumber(param, attrs, "step") ?? 1,
        });
      case "CategoricalDistribution":
        return categorical(param, attrs["choices"]);
      case "UniformDistribution":
        return new FloatDistribution(low(), high());
      case "LogUniformDistribution":
        return new FloatDistribution(low(), high(), { log: true });
      case "DiscreteUniformDistribution":
        return new FloatDistribution(low(), high(), { step: number(param, attrs, "q") });
      case "IntUniformDistribution":
        return new IntDistribution(low(), high(), {
          step: optionalNumber(param, attrs, "step") ?? 1,
        });
      default:
        return new IntDistribution(low(), high(), { log: true });
    }
  });
}

function categorical(param: string, choices: JsonValue | undefined): Distribution {
  if (!Array.isArray(choices)) fail(param, "choices", "must be a list of values.");
  for (const choice of choices) {
    if (choice !== null && typeof choice === "object") {
      fail(
        param,
        "choices",
        `a choice must be a string, number, boolean or null, got ${JSON.stringify(choice)}.`,
      );
    }
  }
  return new CategoricalDistribution(choices as CategoricalChoice[]);
}

function fromShort(param: string, spec: Attrs): Distribution {
  const type = spec["type"];
  if (type === "categorical")
    return build(param, "categorical", () => categorical(param, spec["choices"]));
  if (type === "float" || type === "int") {
    const low = number(param, spec, "low");
    const high = number(param, spec, "high");
    const step = optionalNumber(param, spec, "step");
    const log = flag(param, spec, "log");
    return build(param, type, () =>
      type === "float"
        ? new FloatDistribution(low, high, { log, step })
        : new IntDistribution(low, high, { log, step: step ?? 1 }),
    );
  }
  fail(param, "type", `must be "float", "int" or "categorical", got ${JSON.stringify(type)}.`);
}

/** Parses `--search-space` into distributions, in the order the JSON lists them. */
export function parseSearchSpace(text: string): SearchSpace {
  let parsed: JsonValue;
  try {
    parsed = pythonJsonLoads(text);
  } catch (error) {
    throw new InvalidArgumentError(
      `--search-space is not JSON (${error instanceof Error ? error.message : String(error)}); pass an object such as '{"x": {"name": "FloatDistribution", "attributes": {"low": 0.0, "high": 1.0}}}'.`,
    );
  }
  if (!isObject(parsed)) {
    throw new InvalidArgumentError(
      "--search-space must be a JSON object mapping parameter names to distributions.",
    );
  }
  const space: SearchSpace = {};
  for (const [param, spec] of Object.entries(parsed)) {
    if (!isObject(spec)) fail(param, "(distribution)", "must be an object.");
    if ("name" in spec) {
      const attrs = spec["attributes"];
      if (typeof spec["name"] !== "string") fail(param, "name", "must be a distribution name.");
      if (!isObject(attrs)) fail(param, "attributes", "must be an object.");
      space[param] = fromNamed(param, spec["name"], attrs);
    } else if ("type" in spec) {
      space[param] = fromShort(param, spec);
    } else {
      fail(
        param,
        "name",
        'is missing: give {"name": ..., "attributes": {...}} as distribution_to_json writes it.',
      );
    }
  }
  return space;
}
